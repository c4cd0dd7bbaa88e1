"""The registers of 保障性租赁住房: operators (第十五条) and their staff, recognised projects (第七条) and their
units (第八条, 第十条), and the accounts' verified identities and agent relationships (第十四条第（一）项, P12)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from ezhou_platform.common.fields import BlindIndexField, EncryptedCharField
from ezhou_rules.core.dates import cn_date
from ezhou_rules.rental_housing.housing import (
    RENT_ONLY,
    RENT_THEN_SELL,
    SOURCING_METHODS,
    rent_cap_ratio_bound,
)
from ezhou_rules.rental_housing.sourcing import METHODS

# 第十条 "不高于…市场租金的70%": the database check is built from the parameter (rental_housing.yaml,
# rent.cap_ratio), never a second literal. A changed parameter changes the constraint, and
# `makemigrations --check` then asks for the migration (docs/interpretations.md R4).
RENT_CAP = rent_cap_ratio_bound()


class HousingType(models.TextChoices):
    RENT_THEN_SELL = RENT_THEN_SELL, "允许先租后售"
    RENT_ONLY = RENT_ONLY, "只租不售"


class PlanBody(models.TextChoices):
    """筹集单位 of the annex table of 鄂州政办发〔2022〕19号."""

    CHENGKONG = "chengkong", "市城控集团"
    CHANGDA = "changda", "市昌达集团"
    ECHENG = "echeng", "鄂城区"
    HUARONG = "huarong", "华容区"
    LIANGZIHU = "liangzihu", "梁子湖区"
    GEDIAN = "gedian", "葛店开发区"
    LINKONG = "linkong", "临空经济区"
    OTHER = "other", "其他（计划表外）"


class PlanMethod(models.TextChoices):
    """筹集方式 of the annex table of 鄂州政办发〔2022〕19号 (its five columns); a project counts towards one of
    them, or none (P20: 第六条's eight items do not map one to one onto the annex's five methods)."""

    PURCHASE = METHODS[0][0], METHODS[0][1]
    ACQUIRE = METHODS[1][0], METHODS[1][1]
    SUPPORTING = METHODS[2][0], METHODS[2][1]
    NEW_LAND = METHODS[3][0], METHODS[3][1]
    RENEWAL = METHODS[4][0], METHODS[4][1]
    NONE = "", "不计入计划表的筹集方式"


# 第六条's items that are one of the annex's methods (P20); (五)–(八) are not among them.
DEFAULT_PLAN_METHOD = {
    1: PlanMethod.PURCHASE,
    2: PlanMethod.ACQUIRE,
    3: PlanMethod.NEW_LAND,
    4: PlanMethod.SUPPORTING,
}


class Operator(models.Model):
    """运营单位 (第十五条): its business licence must list 住房租赁."""

    name = models.CharField("运营单位名称", max_length=100, unique=True)
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    business_scope = models.TextField("营业执照经营范围")
    jurisdiction = models.ForeignKey(
        "common.Jurisdiction", on_delete=models.PROTECT, verbose_name="所在辖区", related_name="+"
    )
    phone = models.CharField("联系电话", max_length=20, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "运营单位"
        verbose_name_plural = "运营单位"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    @property
    def has_rental_scope(self) -> bool:
        return "住房租赁" in self.business_scope


class OperatorStaff(models.Model):
    """A platform user (role 经办人员 of 住房和城乡建设局) who works for an operator: sees and handles only
    that operator's projects (docs/interpretations.md, rental housing, ADR 1)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="rental_operator_staff",
        verbose_name="用户",
    )
    operator = models.ForeignKey(
        Operator, on_delete=models.PROTECT, related_name="staff", verbose_name="运营单位"
    )

    class Meta:
        verbose_name = "运营单位工作人员"
        verbose_name_plural = "运营单位工作人员"

    def __str__(self) -> str:
        return f"{self.operator} · {self.user}"


class Project(models.Model):
    """A recognised project (项目认定书, 第七条): the type follows the sourcing method of 第六条."""

    name = models.CharField("项目名称", max_length=100)
    jurisdiction = models.ForeignKey(
        "common.Jurisdiction", on_delete=models.PROTECT, verbose_name="所在辖区", related_name="+"
    )
    owner_name = models.CharField("产权单位", max_length=100)
    operator = models.ForeignKey(
        Operator, on_delete=models.PROTECT, related_name="projects", verbose_name="运营单位"
    )
    sourcing_method = models.PositiveSmallIntegerField(
        "筹集方式（第六条）", choices=[(k, f"（{k}）{v}") for k, v in SOURCING_METHODS.items()]
    )
    housing_type = models.CharField("房源类型", max_length=20, choices=HousingType.choices, editable=False)
    plan_body = models.CharField(
        "筹集单位（筹集计划表）", max_length=20, choices=PlanBody.choices, default=PlanBody.OTHER
    )
    plan_method = models.CharField(
        "筹集方式（筹集计划表）",
        max_length=20,
        choices=PlanMethod.choices,
        default=PlanMethod.NONE,
        blank=True,
        help_text="计入鄂州政办发〔2022〕19号附件房源筹集计划表的哪一种筹集方式",
    )
    certificate_number = models.CharField("项目认定书编号", max_length=50, unique=True)
    certificate_date = models.DateField("认定日期")
    started_or_converted = models.BooleanField(
        "已开工建设或由现有建成住房转化",
        default=False,
        help_text="只租不售房源面积上限由70平方米放宽至90平方米（第八条第二款）",
    )
    rent_appraised_on = models.DateField("租金评估日期", null=True, blank=True)
    rent_reappraisal_due = models.DateField(
        "租金重新评估期限", null=True, blank=True, editable=False, help_text="第十条：原则上3年评估一次"
    )
    rent_filed_on = models.DateField("租金备案日期", null=True, blank=True)
    announcement = models.TextField("招租公告", blank=True)
    announced_on = models.DateField("招租公告发布日期", null=True, blank=True)
    construction_started_on = models.DateField(
        "开工日期",
        null=True,
        blank=True,
        help_text="新建项目的实际开工日期（鄂州政办发〔2022〕19号 四（二））",
    )
    construction_units = models.PositiveIntegerField("开工建设套数", default=0)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "保障性租赁住房项目"
        verbose_name_plural = "保障性租赁住房项目"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                name="rh_project_type_follows_sourcing_method",
                condition=Q(sourcing_method__gte=1, sourcing_method__lte=5, housing_type=RENT_THEN_SELL)
                | Q(sourcing_method__gte=6, sourcing_method__lte=8, housing_type=RENT_ONLY),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.operator_id and not self.operator.has_rental_scope:
            raise ValidationError(
                {
                    "operator": "运营单位营业执照经营范围应当包含“住房租赁”；否则产权单位应委托具备资格的单位运营（第十五条）。"
                }
            )


class UnitStatus(models.TextChoices):
    AVAILABLE = "available", "可选"
    LET = "let", "已配租"
    OFFERED = "offered", "已向轮候人发出配租通知"
    WITHDRAWN = "withdrawn", "暂停出租"


class Unit(models.Model):
    """A unit (房源): area checked against 第八条, rent against 第十条 (≤ 70% of the market rent)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="units", verbose_name="项目")
    number = models.CharField("房号", max_length=30)
    layout = models.CharField("户型", max_length=30)
    area_m2 = models.DecimalField("建筑面积（平方米）", max_digits=7, decimal_places=2)
    area_note = models.CharField("面积超过90平方米左右的理由", max_length=200, blank=True)
    rent_fen = models.BigIntegerField("月租金（分）")
    market_rent_fen = models.BigIntegerField("同地段同品质市场月租金（分）")
    property_fee_fen = models.BigIntegerField("月物业费（分）", default=0)
    fitted_out = models.BooleanField("已完成装修并具备入住条件（第九条）", default=False)
    status = models.CharField("状态", max_length=20, choices=UnitStatus.choices, default=UnitStatus.AVAILABLE)

    class Meta:
        verbose_name = "房源"
        verbose_name_plural = "房源"
        ordering = ["project_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="rh_unit_number_unique_in_project"),
            models.CheckConstraint(
                name="rh_unit_rent_at_most_70pct_market",
                # integer division in SQL rounds down, as `rent_cap` does
                condition=Q(rent_fen__gt=0)
                & Q(rent_fen__lte=F("market_rent_fen") * RENT_CAP.numerator / RENT_CAP.denominator),
            ),
            models.CheckConstraint(
                name="rh_unit_let_only_when_fitted_out", condition=~Q(status="let") | Q(fitted_out=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.number}"


def _valid_resident_id(value: str) -> None:
    from ezhou_rules.core.ids import InvalidIdentifier, validate_resident_id

    try:
        validate_resident_id(value)
    except InvalidIdentifier as exc:
        raise ValidationError(f"身份证号码：{exc}") from exc


class AccountIdentity(models.Model):
    """实名核验: the name and resident ID of a citizen account, verified against the ID card (at a service window)
    or by the government service platform's real-name authentication. An account applies online only for this
    identity, unless it records an agent relationship (docs/interpretations.md P12)."""

    class Method(models.TextChoices):
        IN_PERSON = "in_person", "窗口核验身份证原件"
        ONLINE = "online", "政务服务平台实名认证"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="rental_identity",
        verbose_name="账户",
    )
    name = models.CharField("姓名", max_length=50)
    # C20: encrypted; unique by its blind index (common.fields)
    id_number = EncryptedCharField("身份证号码", max_length=18, unique=True, validators=[_valid_resident_id])
    id_number_bidx = BlindIndexField(of="id_number", unique=True)
    method = models.CharField("核验方式", max_length=20, choices=Method.choices)
    verified_on = models.DateField("核验日期")
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="核验人",
    )

    class Meta:
        verbose_name = "账户实名核验"
        verbose_name_plural = "账户实名核验"
        ordering = ["id"]

    def __str__(self) -> str:
        from ezhou_rules.core.ids import mask_resident_id

        return f"{self.name}（{mask_resident_id(self.id_number)}）"

    def clean(self) -> None:
        from ezhou_platform.common import clock

        super().clean()
        if self.verified_on and self.verified_on > clock.today():
            raise ValidationError({"verified_on": f"核验日期：{cn_date(self.verified_on)}晚于今天，请核对。"})


class AgentRelationship(models.Model):
    """代理申请: an account that applies online for another person — a family member, or a work unit's housing
    officer for its 基本公共服务 staff — with the principal's name and ID and the power of attorney seen.
    Recorded by the housing department; the application then says for whom it was made."""

    class Relation(models.TextChoices):
        SPOUSE = "spouse", "配偶"
        PARENT = "parent", "父母"
        CHILD = "child", "子女"
        EMPLOYER = "employer", "工作单位经办人"
        OTHER = "other", "其他受托人"

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="rental_principals",
        verbose_name="代理人账户",
    )
    principal_name = models.CharField("被代理人姓名", max_length=50)
    principal_id_number = EncryptedCharField(
        "被代理人身份证号码", max_length=18, validators=[_valid_resident_id]
    )
    principal_id_number_bidx = BlindIndexField(of="principal_id_number")
    relation = models.CharField("代理关系", max_length=20, choices=Relation.choices)
    evidence = models.CharField("委托书或证明材料", max_length=200)
    valid_from = models.DateField("有效期起")
    valid_until = models.DateField("有效期止", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="登记人"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "代理申请关系"
        verbose_name_plural = "代理申请关系"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agent", "principal_id_number_bidx"], name="rh_agent_principal_once"
            ),
            models.CheckConstraint(
                name="rh_agent_validity_order",
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent} 代理 {self.principal_name}（{self.get_relation_display()}）"

    def clean(self) -> None:
        super().clean()
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": "有效期止：不能早于有效期起。"})

    def active_on(self, day: Any) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)
