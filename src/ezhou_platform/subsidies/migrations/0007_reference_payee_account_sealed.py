"""C20: the 收款账号 of the imported bank loan rows (``ReferenceRow.data["payee_account"]``, a borrower's bank
account number, often a person's) joins the person IDs among the row data's sealed keys, and the values already
stored are sealed in place.

The AlterField changes no column (``secret_keys`` is not a database attribute of the field). Migrating back to
0006 writes the account numbers alone in clear again; the person IDs 0006 sealed stay sealed (reversing 0006
opens them).
"""

from django.db import migrations

import ezhou_platform.common.fields
from ezhou_platform.common.field_rows import seal_json_in_place


class Migration(migrations.Migration):
    dependencies = [
        ("subsidies", "0006_subject_encrypt_rows"),
    ]

    operations = [
        migrations.AlterField(
            model_name="referencerow",
            name="data",
            field=ezhou_platform.common.fields.EncryptedKeysJSONField(
                secret_keys=["borrower_id", "payee_account"], verbose_name="数据"
            ),
        ),
        seal_json_in_place("subsidies", "ReferenceRow", "data", keys=["payee_account"]),
    ]
