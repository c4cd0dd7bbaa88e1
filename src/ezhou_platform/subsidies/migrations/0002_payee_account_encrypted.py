"""C20: the payee's bank account becomes an encrypted column (no lookup by it, so no blind index)."""

from django.db import migrations

import ezhou_platform.common.fields


class Migration(migrations.Migration):
    dependencies = [
        ("subsidies", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="application",
            name="payee_account",
            field=ezhou_platform.common.fields.EncryptedCharField(
                blind_index=False, max_length=34, verbose_name="收款账号"
            ),
        ),
    ]
