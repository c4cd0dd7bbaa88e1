"""C20, step 1 of 2: the subject columns of applications and imported rows become encrypted text columns with
a blind-index companion (empty until step 2 fills it), and the facts / row data seal the person IDs they hold
(the values stay plain until step 2 seals them; a plain value is read as it is meanwhile)."""

from django.db import migrations

import ezhou_platform.common.fields


class Migration(migrations.Migration):
    dependencies = [
        ("subsidies", "0004_field_labels"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="subject_bidx",
            field=ezhou_platform.common.fields.BlindIndexField(
                blank=True,
                db_index=True,
                default="",
                editable=False,
                max_length=32,
                of="subject",
                verbose_name="检索索引",
            ),
        ),
        migrations.AddField(
            model_name="referencerow",
            name="subject_bidx",
            field=ezhou_platform.common.fields.BlindIndexField(
                blank=True,
                db_index=True,
                default="",
                editable=False,
                max_length=32,
                of="subject",
                verbose_name="检索索引",
            ),
        ),
        migrations.AlterField(
            model_name="application",
            name="facts",
            field=ezhou_platform.common.fields.EncryptedKeysJSONField(
                secret_keys=["applicant_id", "borrower_id", "consumer_id", "old_owner_id"],
                verbose_name="申报信息",
            ),
        ),
        migrations.AlterField(
            model_name="application",
            name="subject",
            field=ezhou_platform.common.fields.EncryptedCharField(
                max_length=18, verbose_name="享受主体证件号码"
            ),
        ),
        migrations.AlterField(
            model_name="referencerow",
            name="data",
            field=ezhou_platform.common.fields.EncryptedKeysJSONField(
                secret_keys=["borrower_id"], verbose_name="数据"
            ),
        ),
        migrations.AlterField(
            model_name="referencerow",
            name="subject",
            field=ezhou_platform.common.fields.EncryptedCharField(
                blank=True, max_length=18, verbose_name="主体证件号码"
            ),
        ),
    ]
