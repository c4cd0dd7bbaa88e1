"""C20, step 3 of 3: the unique rules on resident IDs, now on the blind indexes: one verified identity per
ID, one open application per person and project, one let unit per person, one agent record per principal."""

from django.db import migrations, models

import ezhou_platform.common.fields


class Migration(migrations.Migration):
    dependencies = [
        ("rental_housing", "0007_id_numbers_encrypt_rows"),
    ]

    operations = [
        migrations.AlterField(
            model_name="accountidentity",
            name="id_number_bidx",
            field=ezhou_platform.common.fields.BlindIndexField(
                blank=True,
                default="",
                editable=False,
                max_length=32,
                of="id_number",
                unique=True,
                verbose_name="检索索引",
            ),
        ),
        migrations.AddConstraint(
            model_name="agentrelationship",
            constraint=models.UniqueConstraint(
                fields=("agent", "principal_id_number_bidx"), name="rh_agent_principal_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="allocation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("active", True)), fields=("id_number_bidx",), name="rh_person_one_unit"
            ),
        ),
        migrations.AddConstraint(
            model_name="application",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    ("status__in", ["submitted", "publicity", "qualified", "allocated", "contracted"])
                ),
                fields=("project", "id_number_bidx"),
                name="rh_one_open_application_per_person_and_project",
            ),
        ),
    ]
