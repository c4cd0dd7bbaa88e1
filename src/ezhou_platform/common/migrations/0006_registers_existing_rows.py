"""The jurisdictions and departments already in a database become register rows: levels, 12-digit codes
and sources for 鄂州市 and its districts/zones, and an organisation for every department."""

from django.db import migrations

SOURCE_GBT2260 = "GB/T 2260 行政区划代码；统计用区划代码为其6位代码后补6个0"
SOURCE_ZONE = (
    "鄂州市人民政府公报2022年第6号各文件与各区并列（“葛店经开区、临空经济区管委会”），无行政区划代码"
)


def _key(name):
    import unicodedata

    key = "".join(unicodedata.normalize("NFKC", name or "").split())
    return "市" + key[3:] if key.startswith("鄂州市") else key


def forward(apps, schema_editor):
    Jurisdiction = apps.get_model("common", "Jurisdiction")
    Department = apps.get_model("common", "Department")
    Organisation = apps.get_model("common", "Organisation")
    for j in Jurisdiction.objects.all():
        j.level = "city" if j.parent_id is None else "district"
        if j.division_code and not j.stat_code:
            j.stat_code = j.division_code.ljust(12, "0")
        if not j.source:
            j.source = SOURCE_GBT2260 if j.division_code else SOURCE_ZONE
        j.save(update_fields=["level", "stat_code", "source"])
    for d in Department.objects.filter(organisation__isnull=True):
        full = "鄂州" + d.name if d.name.startswith("市") else "鄂州市" + d.name
        org = Organisation.objects.filter(name=full, kind="department").first()
        if org is None:
            org = Organisation.objects.create(
                kind="department",
                name=full,
                name_key=_key(full),
                source="平台部门表（鄂州市人民政府工作部门）",
            )
        d.organisation = org
        d.save(update_fields=["organisation"])


class Migration(migrations.Migration):
    dependencies = [("common", "0005_registers")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
