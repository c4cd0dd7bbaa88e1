"""C20, step 1 of 3: the resident ID column becomes an encrypted text column with a blind-index companion
(empty until step 2 fills it, unique from step 3)."""

from django.db import migrations

import ezhou_platform.common.fields
import ezhou_platform.medical_assistance.models.persons


class Migration(migrations.Migration):
    dependencies = [
        ("medical_assistance", "0005_cases_for_existing_records"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="resident_id_bidx",
            field=ezhou_platform.common.fields.BlindIndexField(
                blank=True,
                default="",
                editable=False,
                max_length=32,
                of="resident_id",
                verbose_name="检索索引",
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="resident_id",
            field=ezhou_platform.common.fields.EncryptedCharField(
                max_length=18,
                unique=True,
                validators=[ezhou_platform.medical_assistance.models.persons.validate_resident_id],
                verbose_name="公民身份号码",
            ),
        ),
    ]
