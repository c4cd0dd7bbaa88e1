"""C20, step 2 of 2: encrypt the existing subjects in place and fill their indexes, seal the person IDs inside
the facts and the imported rows' data, and rewrite the ledger and cap keys with the subject's keyed token in
place of the subject (``models.ledger.subject_token``). Every step is reversible: migrating back to 0005
writes the keys, the facts and the subjects in clear again (in that order: the keys are rebuilt from the
subjects while these are still readable).

A data migration of its own: PostgreSQL refuses schema changes in a transaction that has updated the table.
"""

import re
from typing import Any

from django.db import migrations

from ezhou_platform.common.field_rows import encrypt_in_place, seal_json_in_place
from ezhou_platform.subsidies.models.ledger import subject_token

CHUNK = 2000
_TOKEN = re.compile(r"[0-9a-f]{32}")


def _in_key(subject: str) -> re.Pattern[str]:
    # a subject is a whole segment of its key: after "|", before the end, the next "|" or a slot's "#n"
    return re.compile(r"\|" + re.escape(subject) + r"(?=$|[|#])")


def _ledger_keys(apps: Any, to_token: bool) -> None:
    ledger_key = apps.get_model("subsidies", "LedgerKey")
    rows = ledger_key.objects.select_related("application").only("key", "application__subject").order_by("pk")
    batch = []
    for row in rows.iterator(chunk_size=CHUNK):
        subject = row.application.subject
        if not subject:
            continue
        token = subject_token(subject)
        new = (
            _in_key(subject).sub("|" + token, row.key)
            if to_token
            else re.sub(r"\|" + token + r"(?=$|[|#])", "|" + subject, row.key)
        )
        if new != row.key:
            row.key = new
            batch.append(row)
        if len(batch) >= CHUNK:
            ledger_key.objects.bulk_update(batch, ["key"])
            batch = []
    ledger_key.objects.bulk_update(batch, ["key"])


def _cap_keys(apps: Any, to_token: bool) -> None:
    """``<group>|<subject>|<year>``: the middle segment. Back: the token is looked up among the subjects of
    the applications (a cap row exists only for a subject that has applied)."""
    cap_usage = apps.get_model("subsidies", "CapUsage")
    caps = list(cap_usage.objects.order_by("pk"))
    if not caps:
        return
    subjects: dict[str, str] = {}
    if not to_token:
        application = apps.get_model("subsidies", "Application")
        wanted = {c.key.split("|")[1] for c in caps if c.key.count("|") == 2}
        for subject in application.objects.values_list("subject", flat=True).iterator(chunk_size=CHUNK):
            token = subject_token(subject)
            if token in wanted:
                subjects[token] = subject
    changed = []
    for cap in caps:
        parts = cap.key.split("|")
        if len(parts) != 3:
            continue
        middle = parts[1]
        if to_token and not _TOKEN.fullmatch(middle):
            parts[1] = subject_token(middle)
        elif not to_token and middle in subjects:
            parts[1] = subjects[middle]
        else:
            continue
        cap.key = "|".join(parts)
        changed.append(cap)
    cap_usage.objects.bulk_update(changed, ["key"], batch_size=CHUNK)


def keys_to_tokens(apps: Any, schema_editor: Any) -> None:
    _ledger_keys(apps, to_token=True)
    _cap_keys(apps, to_token=True)


def keys_to_subjects(apps: Any, schema_editor: Any) -> None:
    _ledger_keys(apps, to_token=False)
    _cap_keys(apps, to_token=False)


class Migration(migrations.Migration):
    dependencies = [
        ("subsidies", "0005_subject_encrypted"),
    ]

    operations = [
        encrypt_in_place("subsidies", "Application", "subject"),
        encrypt_in_place("subsidies", "ReferenceRow", "subject"),
        seal_json_in_place("subsidies", "Application", "facts"),
        seal_json_in_place("subsidies", "ReferenceRow", "data"),
        migrations.RunPython(keys_to_tokens, keys_to_subjects, elidable=False),
    ]
