"""An application for 承租资格 and what follows it (第十一条–第十七条): the application itself (a procedure:
submitted → reviewed within 5 working days → publicity with objections → qualified → a unit chosen →
contracted), the objections raised during the publicity (a procedure of their own), the allocation of a unit
and the 轮候配租通知 offering a freed unit to the first waiting applicant (a procedure).

States are django-fsm-2 fields; each step is a transition whose `custom=step(...)` carries its article, who
takes it, its checks, the periods it opens and closes and its document (see `..steps` and
docs/procedures.md). Only `procedures.engine.take` moves them.

What must never double-book is enforced by the database: a unit has at most one active allocation, an
application at most one, and a person (ID number) at most one across all projects; one open offer per unit
and per application (conditional unique constraints, valid on SQLite and PostgreSQL).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_fsm import FSMField, FSMModelMixin, transition

from ezhou_platform.common import clock
from ezhou_platform.common.fields import BlindIndexField, EncryptedCharField
from ezhou_platform.procedures.machine import StepContext, step
from ezhou_rules.core.dates import cn_date
from ezhou_rules.core.ids import mask_name

from .. import steps as S
from .registers import AgentRelationship, Project, Unit


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


class Application(FSMModelMixin, models.Model):
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
    id_number = EncryptedCharField("身份证号码", max_length=18)  # C20: encrypted, exact lookup by its index
    id_number_bidx = BlindIndexField(of="id_number")
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
    status = FSMField(
        "状态",
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
        protected=True,
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
                fields=["project", "id_number_bidx"],
                condition=Q(status__in=[s.value for s in ACTIVE_APPLICATION_STATES]),
                name="rh_one_open_application_per_person_and_project",
            )
        ]
        indexes = [models.Index(fields=["project", "status", "submitted_at", "id"], name="rh_app_queue")]

    def __str__(self) -> str:
        return f"{self.project} · {mask_name(self.name)}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("rental_housing:record", args=["application", self.pk])

    @property
    def unit_number(self) -> str:
        """The unit held now (for the audit record of the choice)."""
        alloc = self.allocations.filter(active=True).select_related("unit").first()
        return alloc.unit.number if alloc else ""

    # -- steps (第十四条第（二）项, 第十七条, 第十八条, 第二十条) ----------------------------------------------------
    @transition(
        field=status,
        source=ApplicationStatus.SUBMITTED,
        target=ApplicationStatus.PUBLICITY,
        custom=step(
            "审核通过并公示",
            cites=S.CITE_REVIEW,
            roles=S.CLERKS,
            checks=(S.materials_complete, S.eligible),
            closes=("review_deadline",),
            opens=(S.PUBLICITY_PERIOD,),
            audit_fields=("publicity_start", "publicity_end"),
        ),
    )
    def approve(self, ctx: StepContext) -> None:
        """审核: materials (第十三条) and conditions (第十二条) met → published for 5 working days."""
        self.reviewed_on = ctx.on
        self.reviewed_by = ctx.actor
        self.publicity_start = ctx.on

    @transition(
        field=status,
        source=ApplicationStatus.SUBMITTED,
        target=ApplicationStatus.REJECTED,
        custom=step(
            "审核不予通过",
            cites=S.CITE_REVIEW,
            roles=S.CLERKS,
            checks=(S.text_required("reason", "不予通过理由"),),
            closes=("review_deadline",),
            document=S.REFUSAL_NOTICE,
            audit_fields=("refusal_reason",),
        ),
    )
    def reject(self, ctx: StepContext) -> None:
        self.reviewed_on = ctx.on
        self.reviewed_by = ctx.actor
        self.refusal_reason = str(ctx.data["reason"]).strip()

    @transition(
        field=status,
        source=ApplicationStatus.PUBLICITY,
        target=ApplicationStatus.QUALIFIED,
        custom=step(
            "公示期满，确认承租资格",
            cites=S.CITE_REVIEW,
            roles=S.CLERKS,
            checks=(S.publicity_over, S.no_pending_objection),
            closes=("publicity_end",),
            document=S.QUALIFICATION_NOTICE,
            audit_fields=("qualified_on",),
        ),
    )
    def qualify(self, ctx: StepContext) -> None:
        """经公示无异议或异议不成立的，申请人取得承租资格."""
        self.qualified_on = ctx.on

    @transition(
        field=status,
        source=ApplicationStatus.PUBLICITY,
        target=ApplicationStatus.DISQUALIFIED,
        custom=step(
            "公示异议成立，不予取得承租资格",
            cites=S.CITE_REVIEW,
            roles=S.CLERKS,
            closes=("publicity_end",),
            document=S.DISQUALIFICATION_NOTICE,
            audit_fields=("refusal_reason",),
        ),
    )
    def disqualify(self, ctx: StepContext) -> None:
        self.refusal_reason = f"公示异议成立：{ctx.data.get('decision', '')}"

    @transition(
        field=status,
        source=[ApplicationStatus.SUBMITTED, ApplicationStatus.PUBLICITY, ApplicationStatus.QUALIFIED],
        target=ApplicationStatus.WITHDRAWN,
        custom=step("放弃申请（轮候）", cites=S.CITE_APPLICATION, roles=S.CITIZEN_OR_CLERKS),
    )
    def withdraw(self, ctx: StepContext) -> None:
        """The applicant gives up (an open offer is cancelled and passed on by the service)."""

    @transition(
        field=status,
        source=ApplicationStatus.QUALIFIED,
        target=ApplicationStatus.ALLOCATED,
        custom=step(
            "选定房源", cites=S.CITE_CHOOSE, roles=S.CITIZEN_OR_CLERKS, audit_fields=("unit_number",)
        ),
    )
    def allocate(self, ctx: StepContext) -> None:
        """先到先租 (第十七条): the service has checked the order and written the allocation."""

    @transition(
        field=status,
        source=ApplicationStatus.ALLOCATED,
        target=ApplicationStatus.CONTRACTED,
        custom=step("签订租赁合同", cites=S.CITE_SIGN, roles=S.CLERKS),
    )
    def contract(self, ctx: StepContext) -> None:
        """The contract is written by the service (originals checked, 第十八条)."""

    @transition(
        field=status,
        source=ApplicationStatus.CONTRACTED,
        target=ApplicationStatus.EXITED,
        custom=step("腾退退出", cites=S.CITE_EXIT, roles=S.CLERKS),
    )
    def exit(self, ctx: StepContext) -> None:
        """The unit was handed back and the exit rent settled (第二十条第二款)."""

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


class ObjectionStatus(models.TextChoices):
    PENDING = "pending", "待处理"
    DISMISSED = "dismissed", "异议不成立"
    UPHELD = "upheld", "异议成立"


class Objection(FSMModelMixin, models.Model):
    """An objection raised during the publicity period and its decision (第十四条第（二）项): a procedure of its
    own — recorded (待处理) → 异议成立 (the applicant does not obtain the qualification) or 异议不成立."""

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
    status = FSMField(
        "状态",
        max_length=20,
        choices=ObjectionStatus.choices,
        default=ObjectionStatus.PENDING,
        protected=True,
    )

    class Meta:
        verbose_name = "公示异议"
        verbose_name_plural = "公示异议"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.application} 的公示异议（{cn_date(self.raised_on)}）"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("rental_housing:record", args=["application", self.application_id])

    def _decide(self, ctx: StepContext, upheld: bool) -> None:
        self.upheld = upheld
        self.decision = str(ctx.data["decision"]).strip()
        self.decided_on = ctx.on
        self.decided_by = ctx.actor

    @transition(
        field=status,
        source=ObjectionStatus.PENDING,
        target=ObjectionStatus.UPHELD,
        custom=step(
            "公示异议成立",
            cites=S.CITE_REVIEW,
            roles=S.CLERKS,
            checks=(S.text_required("decision", "处理意见"),),
            audit_fields=("upheld", "decision"),
        ),
    )
    def uphold(self, ctx: StepContext) -> None:
        """异议成立: the applicant does not obtain the qualification (the service disqualifies them)."""
        self._decide(ctx, True)

    @transition(
        field=status,
        source=ObjectionStatus.PENDING,
        target=ObjectionStatus.DISMISSED,
        custom=step(
            "公示异议不成立",
            cites=S.CITE_REVIEW,
            roles=S.CLERKS,
            checks=(S.text_required("decision", "处理意见"),),
            audit_fields=("upheld", "decision"),
        ),
    )
    def dismiss(self, ctx: StepContext) -> None:
        self._decide(ctx, False)


class Allocation(models.Model):
    """A unit let to a qualified applicant (第十七条). Active rows are unique per unit, application and person."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="allocations", verbose_name="申请"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="allocations", verbose_name="房源")
    id_number = EncryptedCharField("身份证号码", max_length=18)
    id_number_bidx = BlindIndexField(of="id_number")
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
                fields=["id_number_bidx"], condition=Q(active=True), name="rh_person_one_unit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} ← {mask_name(self.application.name)}"


class OfferStatus(models.TextChoices):
    OPEN = "open", "待答复"
    ACCEPTED = "accepted", "已接受"
    DECLINED = "declined", "已放弃"
    CANCELLED = "cancelled", "已撤销"


class UnitOffer(FSMModelMixin, models.Model):
    """轮候配租通知 (第十七条): a freed unit offered to the first waiting applicant in application order.

    At most one open offer per unit and per application (conditional unique constraints); the project row is
    locked while offers are made, accepted or declined, as for the allocation."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="offers", verbose_name="申请"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="offers", verbose_name="房源")
    status = FSMField(
        "状态", max_length=10, choices=OfferStatus.choices, default=OfferStatus.OPEN, protected=True
    )
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
        return f"{self.unit} → {mask_name(self.application.name)}（{self.get_status_display()}）"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("rental_housing:record", args=["application", self.application_id])

    @transition(
        field=status,
        source=OfferStatus.OPEN,
        target=OfferStatus.ACCEPTED,
        custom=step("接受轮候配租通知", cites=S.CITE_CHOOSE, roles=S.CITIZEN_OR_CLERKS),
    )
    def accept(self, ctx: StepContext) -> None:
        self.answered_at = clock.now()

    @transition(
        field=status,
        source=OfferStatus.OPEN,
        target=OfferStatus.DECLINED,
        custom=step("放弃轮候配租通知", cites=S.CITE_CHOOSE, roles=S.CITIZEN_OR_CLERKS),
    )
    def decline(self, ctx: StepContext) -> None:
        """The decliner keeps their place in the queue (P8); the unit goes to the next in order."""
        self.answered_at = clock.now()

    @transition(
        field=status,
        source=OfferStatus.OPEN,
        target=OfferStatus.CANCELLED,
        custom=step("撤销轮候配租通知", cites=S.CITE_CHOOSE, roles=S.CITIZEN_OR_CLERKS),
    )
    def cancel(self, ctx: StepContext) -> None:
        """The applicant gave up the application while the offer was open."""
        self.answered_at = clock.now()
