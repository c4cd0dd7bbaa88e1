"""C20, step 2 of 3: encrypt the existing resident IDs in place and fill their blind indexes."""

from django.db import migrations

from ezhou_platform.common.field_rows import encrypt_in_place


class Migration(migrations.Migration):
    dependencies = [
        ("rental_housing", "0006_id_numbers_encrypted"),
    ]

    operations = [
        encrypt_in_place("rental_housing", "Application", "id_number"),
        encrypt_in_place("rental_housing", "Allocation", "id_number"),
        encrypt_in_place("rental_housing", "AccountIdentity", "id_number"),
        encrypt_in_place("rental_housing", "AgentRelationship", "principal_id_number"),
    ]
