"""C20: encrypt the existing payee accounts in place (a data migration of its own, after the schema change)."""

from django.db import migrations

from ezhou_platform.common.field_rows import encrypt_in_place


class Migration(migrations.Migration):
    dependencies = [
        ("subsidies", "0002_payee_account_encrypted"),
    ]

    operations = [encrypt_in_place("subsidies", "Application", "payee_account")]
