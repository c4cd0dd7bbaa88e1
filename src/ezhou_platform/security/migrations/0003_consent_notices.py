"""Seed the first versions of the notices (告知) the citizen submissions show (C26). Later versions are published
with `ezhou security notice publish` (a new version; records keep pointing at the version the person saw)."""

import datetime as dt

from django.db import migrations

RENTAL = {
    "key": "rental-housing-application",
    "version": 1,
    "title": "保障性租赁住房申请个人信息处理告知书",
    "legal_basis": "个人信息保护法 第十三条第一款第（三）项、第十七条；鄂州政发〔2022〕19号 第十三条、第十四条",
    "text": (
        "鄂州市住房和城乡建设局及项目运营单位（个人信息处理者）依据《鄂州市保障性租赁住房租赁管理办法》"
        "（鄂州政发〔2022〕19号）第十三条、第十四条，为审核您的保障性租赁住房承租资格、进行公示、组织选房和"
        "轮候配租，收集您和您的配偶、未成年子女的姓名、身份证号码、出生日期、联系电话、婚姻和住房状况、"
        "工作单位等信息。\n"
        "处理方式：在本平台存储和审核，与不动产登记等部门数据比对；公示时姓名和身份证号码部分隐去。\n"
        "保存期限：审核未通过或公示异议成立的申请，自审核决定之日起保存3年；放弃申请或退出轮候的，自放弃"
        "之日起保存3年；期满后身份证号码、姓名、电话等匿名化处理。签订租赁合同的，随合同档案保存。\n"
        "您的权利：依据《中华人民共和国个人信息保护法》第四十四条至第四十七条，您可以查阅、复制、更正、补充"
        "您的个人信息，可以要求解释处理规则；联系方式为市住房和城乡建设局住房保障科。\n"
        "本告知依据《中华人民共和国个人信息保护法》第十七条作出。"
    ),
    "sensitive": True,
    "sensitive_text": (
        "身份证号码属于敏感个人信息（个人信息保护法第二十八条）。处理身份证号码是核验申请人身份、防止重复"
        "享受保障的必要措施（鄂州政发〔2022〕19号 第十三条第（二）项）；不提供将无法受理申请。"
    ),
}

CAR = {
    "key": "subsidies-car-trade-in",
    "version": 1,
    "title": "汽车以旧换新补贴申请个人信息处理告知书",
    "legal_basis": "个人信息保护法 第十三条第一款第（三）项、第十七条；鄂州政办发〔2022〕32号 十二",
    "text": (
        "鄂州市商务局（个人信息处理者）依据《进一步激发市场活力稳住全市经济增长若干措施》（鄂州政办发〔2022〕"
        "32号）第十二项“支持汽车更新消费”，为审核您的汽车以旧换新补贴资格、公示并向您本人账户兑付补贴，"
        "收集您的姓名、身份证号码、旧车和新车信息（号牌、报废或转出证明、购车发票、行驶证）及收款银行账号。\n"
        "处理方式：在本平台存储和审核，与公安交通管理等部门的车辆登记数据比对；公示时姓名和证件号码部分隐去。\n"
        "保存期限：随补贴兑付凭证按会计档案的规定保存。\n"
        "您的权利：依据《中华人民共和国个人信息保护法》第四十四条至第四十七条，您可以查阅、复制、更正、补充"
        "您的个人信息，可以要求解释处理规则；联系方式为市商务局。\n"
        "本告知依据《中华人民共和国个人信息保护法》第十七条作出。"
    ),
    "sensitive": True,
    "sensitive_text": (
        "身份证号码和银行账号属于敏感个人信息（个人信息保护法第二十八条）。处理身份证号码用于核验旧车登记在"
        "您本人名下，处理银行账号用于将补贴直接兑付给您本人；不提供将无法受理申请。"
    ),
}


def seed(apps, schema_editor):
    ConsentNotice = apps.get_model("security", "ConsentNotice")
    for notice in (RENTAL, CAR):
        ConsentNotice.objects.get_or_create(
            key=notice["key"],
            version=notice["version"],
            defaults={**notice, "valid_from": dt.date(2022, 6, 1)},
        )


def unseed(apps, schema_editor):
    ConsentNotice = apps.get_model("security", "ConsentNotice")
    ConsentNotice.objects.filter(
        key__in=[RENTAL["key"], CAR["key"]], version=1, records__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("security", "0002_second_person_rule")]

    operations = [migrations.RunPython(seed, unseed)]
