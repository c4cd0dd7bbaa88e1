"""What a submission of personal data carries once the person has read the notice (C26): the version seeded by
security 0003_consent_notices and both acknowledgements (both seeded notices cover sensitive PI)."""

API_ACK = {"notice_version": 1, "sensitive_acknowledged": True}
FORM_ACK = {"notice_version": "1", "notice_read": "on", "sensitive_acknowledged": "on"}
