"""Records of 保障性租赁住房 (鄂州政发〔2022〕19号): operators, projects, units, applications, objections,
allocations, contracts, and the supervision registers.

What must never double-book is enforced here by the database: a unit has at most one active allocation, an
application at most one, and a person (ID number) at most one across all projects (conditional unique
constraints, valid on SQLite and PostgreSQL).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from ezhou_rules.core.dates import cn_date
from ezhou_rules.rental_housing.housing import (
    RENT_ONLY,
    RENT_THEN_SELL,
    SOURCING_METHODS,
    rent_cap_ratio_bound,
)

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
    certificate_number = models.CharField("项目认定书编号", max_length=50, unique=True)
    certificate_date = models.DateField("认定日期")
    started_or_converted = models.BooleanField(
        "已开工建设或由现有建成住房转化",
        default=False,
        help_text="只租不售房源面积上限由70平方米放宽至90平方米（第八条第二款）",
    )
    rent_appraised_on = models.DateField("租金评估日期", null=True, blank=True)
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
    id_number = models.CharField("身份证号码", max_length=18, unique=True, validators=[_valid_resident_id])
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
    principal_id_number = models.CharField(
        "被代理人身份证号码", max_length=18, validators=[_valid_resident_id]
    )
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
            models.UniqueConstraint(fields=["agent", "principal_id_number"], name="rh_agent_principal_once"),
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


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", "待审核"
    PUBLICITY = "publicity", "公示中"
    QUALIFIED = "qualified", "已取得承租资格（待选房/轮候）"
    ALLOCATED = "allocated", "已选房"
    CONTRACTED = "contracted", "已签约"
    REJECTED = "rejected", "审核未通过"
    DISQUALIFIED = "disqualified", "公示异议成立"
    WITHDRAWN = "withdrawn", "已放弃"
    EXITED = "exited", "已退出"


ACTIVE_APPLICATION_STATES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.PUBLICITY,
    ApplicationStatus.QUALIFIED,
    ApplicationStatus.ALLOCATED,
    ApplicationStatus.CONTRACTED,
)

MATERIALS = (  # 第十三条
    ("material_form", "《鄂州市保障性租赁住房申请审批表》", 1),
    ("material_identity", "申请人及其配偶、未成年子女身份证和户口簿", 2),
    ("material_marriage", "婚姻状况证明", 3),
    ("material_housing", "住房状况证明", 4),
    ("material_other", "其他需要提供的证明材料", 5),
)


class Application(models.Model):
    """An application for 承租资格 to one project (第十一条–第十四条)."""

    class Channel(models.TextChoices):
        ONLINE = "online", "线上（申请人本人）"
        OFFLINE = "offline", "线下（运营单位代录）"

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="applications", verbose_name="项目"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rental_applications",
        verbose_name="申请人账户",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="录入人"
    )
    channel = models.CharField("申请方式", max_length=10, choices=Channel.choices)
    agent = models.ForeignKey(
        AgentRelationship,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name="代理关系",
        help_text="网上申请由代理人账户为被代理人提出时记录；本人申请为空",
    )
    name = models.CharField("申请人姓名", max_length=50)
    id_number = models.CharField("身份证号码", max_length=18)
    phone = models.CharField("联系电话", max_length=20)
    birth_date = models.DateField("出生日期")
    full_civil_capacity = models.BooleanField("声明具有完全民事行为能力", default=False)
    has_spouse = models.BooleanField("有配偶", default=False)
    minor_children = models.PositiveSmallIntegerField("未成年子女人数", default=0)
    homes = models.JSONField("辖区内住房（申请人、配偶、未成年子女）", default=list, blank=True)
    other_subsidised_housing = models.BooleanField("已享受其他形式的保障性住房", default=False)
    work_unit = models.CharField("工作单位", max_length=100, blank=True)
    priority_public_service = models.BooleanField("从事基本公共服务人员", default=False)
    priority_multi_child = models.BooleanField("多孩家庭", default=False)
    priority_three_generation = models.BooleanField("三世同堂家庭", default=False)
    material_form = models.BooleanField("申请审批表", default=False)
    material_identity = models.BooleanField("身份证和户口簿", default=False)
    material_marriage = models.BooleanField("婚姻状况证明", default=False)
    material_housing = models.BooleanField("住房状况证明", default=False)
    material_other = models.BooleanField("其他证明材料", default=False)
    eligibility_trace = models.JSONField("资格核验过程", default=list, blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    submitted_on = models.DateField("申请日期")
    submitted_at = models.DateTimeField("提交时间", db_index=True)
    review_deadline = models.DateField("审核期限")
    reviewed_on = models.DateField("审核日期", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="审核人",
    )
    refusal_reason = models.TextField("不予通过理由", blank=True)
    publicity_start = models.DateField("公示开始", null=True, blank=True)
    publicity_end = models.DateField("公示结束", null=True, blank=True)
    qualified_on = models.DateField("取得承租资格日期", null=True, blank=True)

    class Meta:
        verbose_name = "承租资格申请"
        verbose_name_plural = "承租资格申请"
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "id_number"],
                condition=Q(status__in=[s.value for s in ACTIVE_APPLICATION_STATES]),
                name="rh_one_open_application_per_person_and_project",
            )
        ]
        indexes = [models.Index(fields=["project", "status", "submitted_at", "id"], name="rh_app_queue")]

    def __str__(self) -> str:
        return f"{self.project} · {self.name}"

    @property
    def household_size(self) -> int:
        return 1 + int(self.has_spouse) + self.minor_children

    def missing_materials(self) -> list[str]:
        """Items (一)–(四) of 第十三条 are always required; (五) "其他需要提供的证明材料" only when the operator
        asks for something specific, so it is recorded but does not block the review (interpretation 4)."""
        return [label for fieldname, label, item in MATERIALS if item <= 4 and not getattr(self, fieldname)]

    def priority_labels(self) -> list[str]:
        out = []
        if self.priority_public_service:
            out.append("基本公共服务人员")
        if self.priority_multi_child:
            out.append("多孩家庭")
        if self.priority_three_generation:
            out.append("三世同堂")
        return out


class Objection(models.Model):
    """An objection raised during the publicity period and its decision (第十四条第（二）项)."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="objections", verbose_name="申请"
    )
    raised_on = models.DateField("提出日期")
    raised_by = models.CharField("异议人", max_length=50)
    content = models.TextField("异议内容")
    upheld = models.BooleanField("异议成立", null=True, blank=True)
    decision = models.TextField("处理意见", blank=True)
    decided_on = models.DateField("处理日期", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="处理人",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="登记人"
    )

    class Meta:
        verbose_name = "公示异议"
        verbose_name_plural = "公示异议"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.application} 的公示异议（{cn_date(self.raised_on)}）"


class Allocation(models.Model):
    """A unit let to a qualified applicant (第十七条). Active rows are unique per unit, application and person."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="allocations", verbose_name="申请"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="allocations", verbose_name="房源")
    id_number = models.CharField("身份证号码", max_length=18)
    active = models.BooleanField("有效", default=True)
    allocated_at = models.DateTimeField("选房时间")
    released_on = models.DateField("释放日期", null=True, blank=True)
    release_reason = models.CharField("释放原因", max_length=100, blank=True)

    class Meta:
        verbose_name = "配租记录"
        verbose_name_plural = "配租记录"
        ordering = ["allocated_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["unit"], condition=Q(active=True), name="rh_unit_let_once"),
            models.UniqueConstraint(
                fields=["application"], condition=Q(active=True), name="rh_application_one_unit"
            ),
            models.UniqueConstraint(
                fields=["id_number"], condition=Q(active=True), name="rh_person_one_unit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} ← {self.application.name}"


class OfferStatus(models.TextChoices):
    OPEN = "open", "待答复"
    ACCEPTED = "accepted", "已接受"
    DECLINED = "declined", "已放弃"
    CANCELLED = "cancelled", "已撤销"


class UnitOffer(models.Model):
    """轮候配租通知 (第十七条): a freed unit offered to the first waiting applicant in application order.

    At most one open offer per unit and per application (conditional unique constraints); the project row is
    locked while offers are made, accepted or declined, as for the allocation."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="offers", verbose_name="申请"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="offers", verbose_name="房源")
    status = models.CharField("状态", max_length=10, choices=OfferStatus.choices, default=OfferStatus.OPEN)
    offered_at = models.DateTimeField("通知时间")
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)

    class Meta:
        verbose_name = "轮候配租通知"
        verbose_name_plural = "轮候配租通知"
        ordering = ["offered_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=Q(status="open"), name="rh_offer_one_open_per_unit"
            ),
            models.UniqueConstraint(
                fields=["application"], condition=Q(status="open"), name="rh_offer_one_open_per_application"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} → {self.application.name}（{self.get_status_display()}）"


class TerminationReason(models.TextChoices):
    EXPIRED = "expired", "期满不再符合承租条件（第二十条）"
    EXPIRED_NOT_RENEWED = "not_renewed", "期满不续签"
    TENANT_REQUEST = "tenant_request", "承租人申请退出"
    SUBLET = "sublet", "转租（第二十三条）"
    LENT = "lent", "转借（第二十三条）"
    CHANGED_USE = "changed_use", "改变房屋用途（第二十三条）"
    DAMAGE = "damage", "破坏房屋（第二十三条）"
    RENOVATION = "renovation", "擅自装修（第二十三条）"


BREACH_REASONS = {
    TerminationReason.SUBLET,
    TerminationReason.LENT,
    TerminationReason.CHANGED_USE,
    TerminationReason.DAMAGE,
    TerminationReason.RENOVATION,
}


class ContractStatus(models.TextChoices):
    SIGNED = "signed", "已签订（待备案）"
    FILED = "filed", "已备案"
    RENEWED = "renewed", "期满已续签"
    TERMINATED = "terminated", "已终止（腾退中）"
    CLOSED = "closed", "已腾退结清"


class Contract(models.Model):
    """租赁合同 (第十八条–第二十三条): signed after the originals were checked, filed on the platform."""

    allocation = models.ForeignKey(
        Allocation, on_delete=models.PROTECT, related_name="contracts", verbose_name="配租"
    )
    number = models.CharField("合同编号", max_length=40, unique=True)
    start_date = models.DateField("起租日期")
    end_date = models.DateField("到期日期")
    monthly_rent_fen = models.BigIntegerField("月租金（分）")
    deposit_fen = models.BigIntegerField("押金（分）", default=0)
    payment_period_months = models.PositiveSmallIntegerField("租金收取周期（月）")
    originals_checked = models.BooleanField("申请资料已与原件核对一致（第十八条）")
    status = models.CharField(
        "状态", max_length=20, choices=ContractStatus.choices, default=ContractStatus.SIGNED
    )
    signed_on = models.DateField("签订日期")
    filed_on = models.DateField("备案日期", null=True, blank=True)
    terminated_on = models.DateField("终止日期", null=True, blank=True)
    termination_reason = models.CharField(
        "终止原因", max_length=20, choices=TerminationReason.choices, blank=True
    )
    termination_record = models.TextField("违规情况记录", blank=True)
    move_out_months = models.PositiveSmallIntegerField("腾退搬迁期（月）", null=True, blank=True)
    vacated_on = models.DateField("腾退日期", null=True, blank=True)
    market_rent_fen = models.BigIntegerField("市场月租金（分）", null=True, blank=True)
    exit_rent_fen = models.BigIntegerField("退出期间应缴租金（分）", null=True, blank=True)
    exit_statement = models.JSONField("退出租金清单", default=list, blank=True)
    renewal_check = models.JSONField("续签时的条件复核", default=list, blank=True)

    class Meta:
        verbose_name = "租赁合同"
        verbose_name_plural = "租赁合同"
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.CheckConstraint(name="rh_contract_originals_checked", condition=Q(originals_checked=True)),
            models.UniqueConstraint(
                fields=["allocation"],
                condition=Q(status__in=["signed", "filed", "terminated"]),
                name="rh_one_live_contract_per_allocation",
            ),
            models.CheckConstraint(
                name="rh_contract_payment_period",
                condition=Q(payment_period_months__gte=1, payment_period_months__lte=3),
            ),
        ]

    def __str__(self) -> str:
        return self.number


# -- tenancy service and supervision (第二十四条, 第二十七条, 第二十八条) ---------------------------------------
class MaintenanceRequest(models.Model):
    """A tenant's maintenance request (第二十四条: 运营单位应当做好维修、养护工作)."""

    class Status(models.TextChoices):
        OPEN = "open", "待处理"
        IN_PROGRESS = "in_progress", "维修中"
        DONE = "done", "已修复"

    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="maintenance", verbose_name="合同"
    )
    reported_on = models.DateField("报修日期")
    description = models.TextField("报修内容")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.OPEN)
    completed_on = models.DateField("修复日期", null=True, blank=True)
    note = models.TextField("处理情况", blank=True)

    class Meta:
        verbose_name = "维修申请"
        verbose_name_plural = "维修申请"
        ordering = ["-reported_on", "-id"]

    def __str__(self) -> str:
        return f"{self.contract} 报修（{cn_date(self.reported_on)}）"


class Complaint(models.Model):
    """投诉举报 (第二十七条)."""

    class Status(models.TextChoices):
        OPEN = "open", "待处理"
        IN_PROGRESS = "in_progress", "处理中"
        ANSWERED = "answered", "已答复"

    received_on = models.DateField("受理日期")
    complainant = models.CharField("投诉人", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    project = models.ForeignKey(
        Project,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name="涉及项目",
    )
    content = models.TextField("投诉举报内容")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.OPEN)
    reply = models.TextField("答复", blank=True)
    answered_on = models.DateField("答复日期", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="提交账户",
    )

    class Meta:
        verbose_name = "投诉举报"
        verbose_name_plural = "投诉举报"
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"投诉举报（{cn_date(self.received_on)}）"


class Inspection(models.Model):
    """巡查检查 by a district (第二十八条)."""

    jurisdiction = models.ForeignKey(
        "common.Jurisdiction", on_delete=models.PROTECT, verbose_name="检查辖区", related_name="+"
    )
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="inspections", verbose_name="项目"
    )
    inspected_on = models.DateField("检查日期")
    inspectors = models.CharField("检查人员", max_length=100)
    summary = models.TextField("检查情况", blank=True)

    class Meta:
        verbose_name = "巡查检查"
        verbose_name_plural = "巡查检查"
        ordering = ["-inspected_on", "-id"]

    def __str__(self) -> str:
        return f"{self.project} 巡查（{cn_date(self.inspected_on)}）"


class Finding(models.Model):
    """A finding of an inspection, in the categories and with the sanctions of 第二十八条."""

    class Category(models.TextChoices):
        LISTING = "listing", "房源申报"
        TENANT_REVIEW = "tenant_review", "承租审核"
        PRICE = "price", "租赁价格"
        FILING = "filing", "合同备案"
        OPERATION = "operation", "运营管理"

    class Sanction(models.TextChoices):
        RECTIFY = "rectify", "责令整改"
        PUBLIC_NOTICE = "public_notice", "通报曝光"
        CREDIT = "credit", "纳入失信联合惩戒"
        SUSPEND = "suspend", "暂停享受保障性租赁住房优惠政策"
        REFUND = "refund", "责令退回财政奖补资金"
        JUDICIAL = "judicial", "移送司法机关"

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="findings", verbose_name="检查"
    )
    category = models.CharField("问题类别", max_length=20, choices=Category.choices)
    description = models.TextField("问题描述")
    sanction = models.CharField("处理措施", max_length=20, choices=Sanction.choices, default=Sanction.RECTIFY)
    rectify_by = models.DateField("整改期限", null=True, blank=True)
    rectified_on = models.DateField("整改完成日期", null=True, blank=True)

    class Meta:
        verbose_name = "检查发现问题"
        verbose_name_plural = "检查发现问题"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_category_display()}：{self.description[:20]}"
