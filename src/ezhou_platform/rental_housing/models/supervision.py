"""Tenancy service and supervision: a tenant's maintenance request (第二十四条) and a complaint or report
(第二十七条), each a small procedure (received → in hand → done/answered); the districts' inspections
(第二十八条) and each finding a procedure: recorded → 责令整改 by a date (the rectification period) → rectified,
or a measure of 第二十八条 decided by a second person (通报曝光、纳入失信联合惩戒、暂停优惠政策、责令退回财政奖补资金),
or referred to the judicial organs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django_fsm import FSMField, FSMModelMixin, transition

from ezhou_platform.procedures.machine import StepContext, step
from ezhou_rules.core.dates import cn_date

from .. import steps as S
from .registers import Project
from .tenancy import Contract


class MaintenanceRequest(FSMModelMixin, models.Model):
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
    status = FSMField("状态", max_length=20, choices=Status.choices, default=Status.OPEN, protected=True)
    completed_on = models.DateField("修复日期", null=True, blank=True)
    note = models.TextField("处理情况", blank=True)

    class Meta:
        verbose_name = "维修申请"
        verbose_name_plural = "维修申请"
        ordering = ["-reported_on", "-id"]

    def __str__(self) -> str:
        return f"{self.contract} 报修（{cn_date(self.reported_on)}）"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("rental_housing:record", args=["maintenance", self.pk])

    @transition(
        field=status,
        source=[Status.OPEN, Status.IN_PROGRESS],
        target=Status.IN_PROGRESS,
        custom=step(
            "安排维修",
            cites=S.CITE_REPAIR,
            roles=S.CLERKS,
            checks=(S.text_required("note", "处理情况"),),
            audit_fields=("note",),
        ),
    )
    def start_repair(self, ctx: StepContext) -> None:
        self.note = str(ctx.data["note"]).strip()

    @transition(
        field=status,
        source=[Status.OPEN, Status.IN_PROGRESS],
        target=Status.DONE,
        custom=step(
            "维修完成",
            cites=S.CITE_REPAIR,
            roles=S.CLERKS,
            checks=(S.text_required("note", "处理情况"),),
            audit_fields=("note", "completed_on"),
        ),
    )
    def complete(self, ctx: StepContext) -> None:
        self.note = str(ctx.data["note"]).strip()
        self.completed_on = ctx.on


class Complaint(FSMModelMixin, models.Model):
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
    status = FSMField("状态", max_length=20, choices=Status.choices, default=Status.OPEN, protected=True)
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

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("rental_housing:record", args=["complaint", self.pk])

    @transition(
        field=status,
        source=[Status.OPEN, Status.IN_PROGRESS],
        target=Status.IN_PROGRESS,
        custom=step(
            "办理投诉举报",
            cites=S.CITE_COMPLAINT,
            roles=S.CLERKS,
            checks=(S.text_required("reply", "处理意见或答复"),),
            audit_fields=("reply",),
        ),
    )
    def handle(self, ctx: StepContext) -> None:
        self.reply = str(ctx.data["reply"]).strip()

    @transition(
        field=status,
        source=[Status.OPEN, Status.IN_PROGRESS],
        target=Status.ANSWERED,
        custom=step(
            "答复投诉举报",
            cites=S.CITE_COMPLAINT,
            roles=S.CLERKS,
            checks=(S.text_required("reply", "处理意见或答复"),),
            audit_fields=("reply", "answered_on"),
        ),
    )
    def answer(self, ctx: StepContext) -> None:
        self.reply = str(ctx.data["reply"]).strip()
        self.answered_on = ctx.on


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


class FindingStatus(models.TextChoices):
    RECORDED = "recorded", "已登记"
    RECTIFYING = "rectifying", "整改中"
    RECTIFIED = "rectified", "已整改"
    SANCTIONED = "sanctioned", "已依法处置"
    REFERRED = "referred", "已移送司法机关"


class Finding(FSMModelMixin, models.Model):
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
    requirement = models.TextField("整改要求", blank=True)
    measure_note = models.TextField("处理理由", blank=True)
    measured_on = models.DateField("处理日期", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="登记人",
    )
    status = FSMField(
        "状态", max_length=20, choices=FindingStatus.choices, default=FindingStatus.RECORDED, protected=True
    )

    class Meta:
        verbose_name = "检查发现问题"
        verbose_name_plural = "检查发现问题"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_category_display()}：{self.description[:20]}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("rental_housing:record", args=["finding", self.pk])

    @transition(
        field=status,
        source=FindingStatus.RECORDED,
        target=FindingStatus.RECTIFYING,
        custom=step(
            "责令整改",
            cites=S.CITE_SUPERVISION,
            roles=S.CLERKS,
            checks=(
                S.department_staff,
                S.date_after_today("rectify_by", "整改期限"),
                S.text_required("requirement", "整改要求"),
            ),
            opens=(S.RECTIFICATION_PERIOD,),
            document=S.RECTIFICATION_ORDER,
            audit_fields=("rectify_by", "requirement"),
        ),
    )
    def order(self, ctx: StepContext) -> None:
        self.sanction = self.Sanction.RECTIFY
        self.rectify_by = ctx.data["rectify_by"]
        self.requirement = str(ctx.data["requirement"]).strip()

    @transition(
        field=status,
        source=FindingStatus.RECTIFYING,
        target=FindingStatus.RECTIFIED,
        custom=step(
            "确认整改完成",
            cites=S.CITE_SUPERVISION,
            roles=S.CLERKS,
            checks=(S.department_staff,),
            closes=("rectify_by",),
            audit_fields=("rectified_on",),
        ),
    )
    def confirm(self, ctx: StepContext) -> None:
        self.rectified_on = ctx.data.get("rectified_on") or ctx.on

    @transition(
        field=status,
        source=[FindingStatus.RECORDED, FindingStatus.RECTIFYING],
        target=FindingStatus.SANCTIONED,
        custom=step(
            "依法处置",
            cites=S.CITE_SUPERVISION,
            roles=S.CLERKS,
            checks=(S.department_staff, S.measure_chosen, S.text_required("reason", "处理理由")),
            second_person=True,
            # 纳入失信联合惩戒 / 责令退回财政奖补资金: a credit record or money, never configurable to one person (C29).
            effect="credit",
            document=S.MEASURE_DECISION,
            audit_fields=("sanction", "measure_note"),
        ),
    )
    def impose(self, ctx: StepContext) -> None:
        """情节严重的 (第二十八条): 通报曝光、纳入失信联合惩戒、暂停享受优惠政策、责令退回财政奖补资金 — a credit record or
        money, so another person than the one who recorded the finding decides (second_person)."""
        self.sanction = ctx.data["sanction"]
        self.measure_note = str(ctx.data["reason"]).strip()
        self.measured_on = ctx.on

    @transition(
        field=status,
        source=[FindingStatus.RECORDED, FindingStatus.RECTIFYING],
        target=FindingStatus.REFERRED,
        custom=step(
            "移送司法机关",
            cites=S.CITE_SUPERVISION,
            roles=S.CLERKS,
            checks=(S.department_staff, S.text_required("reason", "移送理由")),
            audit_fields=("sanction", "measure_note"),
        ),
    )
    def refer(self, ctx: StepContext) -> None:
        """涉嫌违法的，移送司法机关依法处理."""
        self.sanction = self.Sanction.JUDICIAL
        self.measure_note = str(ctx.data["reason"]).strip()
        self.measured_on = ctx.on
