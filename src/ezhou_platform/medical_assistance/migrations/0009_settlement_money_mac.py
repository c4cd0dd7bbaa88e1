"""The amounts of a medical-assistance settlement under a MAC (SECURITY.md C21): the field, and the MAC of every existing row.

The MAC is computed with the audit key (common.audit.money: HMAC(AUDIT_HMAC_KEY, "money-mac")), outside the
database; the fields are written out here, as they were when this migration was written, so it means the same
thing forever. A database without rows needs no key.
"""

from django.db import migrations, models

LABEL = "medical_assistance.settlement"
FIELDS = (
    "claim_id",
    "person_id",
    "kind",
    "reverses_id",
    "year",
    "basic_aid",
    "tilted_aid",
    "hospital_borne",
    "remaining_deductible",
    "remaining_cap",
    "self_pay_delta",
    "tilted_base_delta",
    "tilted_counted_delta",
)


def seal_existing(apps, schema_editor):
    from ezhou_platform.common.audit.money import mac_for, money_key

    model = apps.get_model("medical_assistance", "Settlement")
    rows = model.objects.using(schema_editor.connection.alias).order_by("pk")
    if not rows.exists():
        return
    key = money_key()
    batch = []
    for row in rows.iterator(chunk_size=2000):
        row.money_mac = mac_for(LABEL, row.pk, {name: getattr(row, name) for name in FIELDS}, key)
        batch.append(row)
        if len(batch) >= 2000:
            model.objects.using(schema_editor.connection.alias).bulk_update(batch, ["money_mac"])
            batch = []
    if batch:
        model.objects.using(schema_editor.connection.alias).bulk_update(batch, ["money_mac"])


class Migration(migrations.Migration):
    dependencies = [("medical_assistance", "0008_person_resident_id_bidx_unique")]

    operations = [
        migrations.AddField(
            model_name="settlement",
            name="money_mac",
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name="金额校验码"),
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
    ]
