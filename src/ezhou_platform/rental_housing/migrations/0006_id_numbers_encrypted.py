"""C20, step 1 of 3: the resident ID columns (applications, allocations, account identities, agents'
principals) become encrypted text columns with blind-index companions; the unique constraints that named
the plain columns are dropped here and recreated on the companions in step 3, once step 2 has filled them."""

from django.db import migrations

import ezhou_platform.common.fields
import ezhou_platform.rental_housing.models.registers


def _index(of: str) -> ezhou_platform.common.fields.BlindIndexField:
    return ezhou_platform.common.fields.BlindIndexField(
        blank=True, default="", editable=False, max_length=32, of=of, verbose_name="检索索引"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("rental_housing", "0005_cases_for_existing_records"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="agentrelationship", name="rh_agent_principal_once"),
        migrations.RemoveConstraint(model_name="allocation", name="rh_person_one_unit"),
        migrations.RemoveConstraint(
            model_name="application", name="rh_one_open_application_per_person_and_project"
        ),
        migrations.AddField(model_name="accountidentity", name="id_number_bidx", field=_index("id_number")),
        migrations.AddField(
            model_name="agentrelationship",
            name="principal_id_number_bidx",
            field=_index("principal_id_number"),
        ),
        migrations.AddField(model_name="allocation", name="id_number_bidx", field=_index("id_number")),
        migrations.AddField(model_name="application", name="id_number_bidx", field=_index("id_number")),
        migrations.AlterField(
            model_name="accountidentity",
            name="id_number",
            field=ezhou_platform.common.fields.EncryptedCharField(
                max_length=18,
                unique=True,
                validators=[ezhou_platform.rental_housing.models.registers._valid_resident_id],
                verbose_name="身份证号码",
            ),
        ),
        migrations.AlterField(
            model_name="agentrelationship",
            name="principal_id_number",
            field=ezhou_platform.common.fields.EncryptedCharField(
                max_length=18,
                validators=[ezhou_platform.rental_housing.models.registers._valid_resident_id],
                verbose_name="被代理人身份证号码",
            ),
        ),
        migrations.AlterField(
            model_name="allocation",
            name="id_number",
            field=ezhou_platform.common.fields.EncryptedCharField(max_length=18, verbose_name="身份证号码"),
        ),
        migrations.AlterField(
            model_name="application",
            name="id_number",
            field=ezhou_platform.common.fields.EncryptedCharField(max_length=18, verbose_name="身份证号码"),
        ),
    ]
