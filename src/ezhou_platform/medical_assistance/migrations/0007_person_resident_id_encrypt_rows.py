"""C20, step 2 of 3: encrypt the existing resident IDs in place and fill their blind index (a data migration
of its own: PostgreSQL refuses schema changes in a transaction that has updated the table)."""

from django.db import migrations

from ezhou_platform.common.field_rows import encrypt_in_place


class Migration(migrations.Migration):
    dependencies = [
        ("medical_assistance", "0006_person_resident_id_encrypted"),
    ]

    operations = [encrypt_in_place("medical_assistance", "Person", "resident_id")]
