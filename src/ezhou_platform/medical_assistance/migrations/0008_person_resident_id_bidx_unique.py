"""C20, step 3 of 3: one person per resident ID, enforced on the blind index."""

from django.db import migrations

import ezhou_platform.common.fields


class Migration(migrations.Migration):
    dependencies = [
        ("medical_assistance", "0007_person_resident_id_encrypt_rows"),
    ]

    operations = [
        migrations.AlterField(
            model_name="person",
            name="resident_id_bidx",
            field=ezhou_platform.common.fields.BlindIndexField(
                blank=True,
                default="",
                editable=False,
                max_length=32,
                of="resident_id",
                unique=True,
                verbose_name="检索索引",
            ),
        ),
    ]
