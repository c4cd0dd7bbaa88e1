"""Requests a unit files during the plan year: adjustments (第十条) and emergency supplements (第十二条, 附件2),
with the monthly construction-meter reports of an approved construction request (附件2 （三））."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django_fsm import FSMField, FSMModelMixin, transition

from ezhou_platform.procedures.machine import DocumentSpec, StepContext, step
from ezhou_rules.core.trace import Trace
from ezhou_rules.water_plan.supplement_requests import by_opinion
from ezhou_rules.water_plan.supplements import SUPPLEMENT_TYPES
from ezhou_rules.water_plan.volumes import format_volume

from .. import steps
from .plans import YearlyPlan


class Status(models.TextChoices):
    RECEIVED = "received", "已受理"
    VERIFIED = "verified", "已核实"
    APPROVED = "approved", "已核准"
    REFUSED = "refused", "不予调整/增补"


class AdjustmentRequest(FSMModelMixin, models.Model):
    """调整申请 (第十条): verified within 5 working days of receipt, decided and notified within the first 10
    working days of the next month; refused for one of the cases of 第十三条."""

    plan = models.ForeignKey(
        YearlyPlan, on_delete=models.PROTECT, related_name="adjustments", verbose_name="年度用水计划"
    )
    received_on = models.DateField("接到申请日期")
    requested_m3x100 = models.BigIntegerField("申请增加水量（0.01立方米）")
    reason = models.TextField("申请理由")
    has_form = models.BooleanField("调整申请表", default=False)
    has_change_evidence = models.BooleanField("变化情况证明材料", default=False)
    has_balance_test = models.BooleanField("水平衡测试证明材料", default=False)
    other_materials = models.CharField("其他材料", max_length=200, blank=True)
    status = FSMField("状态", max_length=10, choices=Status.choices, default=Status.RECEIVED, protected=True)
    verify_due = models.DateField("核实期限")
    notify_due = models.DateField("核准告知期限")
    approved_m3x100 = models.BigIntegerField("核准水量（0.01立方米）", null=True, blank=True)
    refusal_case = models.PositiveSmallIntegerField("不予调整情形（第十三条）", null=True, blank=True)
    refusal_reason = models.CharField("不予调整理由", max_length=300, blank=True)
    decided_on = models.DateField("决定日期", null=True, blank=True)

    class Meta:
        verbose_name = "计划调整申请"
        verbose_name_plural = "计划调整申请"

    def __str__(self) -> str:
        return f"调整申请#{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("water_plan:adjustment", args=[self.pk])

    @transition(
        field=status,
        source=Status.RECEIVED,
        target=Status.VERIFIED,
        custom=step(
            "核实调整申请",
            cites=steps.cite("第十条第一款"),
            roles=steps.CLERKS,
            checks=(steps.decided_after_receipt,),
            closes=("verify_due",),
        ),
    )
    def verify(self, ctx: StepContext) -> None:
        """核实: answers the 5-working-day period; the notification period runs on."""

    @transition(
        field=status,
        source=Status.VERIFIED,
        target=Status.APPROVED,
        custom=step(
            "核准调整用水计划",
            cites=steps.cite("第十条第一款"),
            roles=steps.CLERKS,
            checks=(steps.decided_after_receipt, steps.not_owing, steps.approved_within_request),
            closes=("notify_due",),
            second_person=True,
            # Changes the year's plan: always a second person, not configurable off (SECURITY.md C29).
            effect="plan",
            audit_fields=("approved_m3x100", "decided_on"),
            document=DocumentSpec(
                kind=steps.ADJUSTMENT_DECISION,
                template="water_plan/documents/adjustment_decision.html",
                remedy=steps.REVIEW,
                context=steps.decision_context,
            ),
        ),
    )
    def approve(self, ctx: StepContext) -> None:
        """The plan change (a new record; the plan is never edited) is written by the service."""
        self.approved_m3x100 = int(ctx.data["approved_m3x100"])
        self.decided_on = ctx.on

    @transition(
        field=status,
        source=[Status.RECEIVED, Status.VERIFIED],
        target=Status.REFUSED,
        custom=step(
            "不予调整用水计划",
            cites=steps.cite("第十三条"),
            cites_for=steps.refusal_cites,
            roles=steps.CLERKS,
            checks=(steps.decided_after_receipt, steps.refusal_case_and_reason),
            closes=("verify_due", "notify_due"),
            audit_fields=("refusal_case", "refusal_reason", "decided_on"),
            document=DocumentSpec(
                kind=steps.ADJUSTMENT_DECISION,
                template="water_plan/documents/adjustment_decision.html",
                remedy=steps.REVIEW,
                context=steps.decision_context,
            ),
        ),
    )
    def refuse(self, ctx: StepContext) -> None:
        self.refusal_case = int(ctx.data["case"])
        self.refusal_reason = str(ctx.data["reason"]).strip()[:300]
        self.decided_on = ctx.on


class SupplementRequest(FSMModelMixin, models.Model):
    """突发用水增补申请 (第十二条, 附件2): reviewed within 5 working days of receipt."""

    plan = models.ForeignKey(
        YearlyPlan, on_delete=models.PROTECT, related_name="supplements", verbose_name="年度用水计划"
    )
    type = models.CharField("突发用水类型", max_length=20)
    event_on = models.DateField("事发日期")
    received_on = models.DateField("接到申请日期")
    inputs = models.JSONField("计算依据数据")
    # None: an "other" case without a quota, whose volume the department's written opinion sets (附件2 注).
    computed_m3x100 = models.BigIntegerField("计算增补水量（0.01立方米）", null=True, blank=True)
    trace = models.JSONField("计算过程", default=list)
    review_due = models.DateField("审核期限")
    status = FSMField("状态", max_length=10, choices=Status.choices, default=Status.RECEIVED, protected=True)
    approved_m3x100 = models.BigIntegerField("核准水量（0.01立方米）", null=True, blank=True)
    refusal_case = models.PositiveSmallIntegerField("不予增补情形（第十三条）", null=True, blank=True)
    refusal_reason = models.CharField("不予增补理由", max_length=300, blank=True)
    opinion = models.TextField(
        "市水行政主管部门的书面意见", blank=True, help_text="无定额标准的其他突发用水情况（附件2 注）"
    )
    decided_on = models.DateField("决定日期", null=True, blank=True)

    class Meta:
        verbose_name = "突发用水增补申请"
        verbose_name_plural = "突发用水增补申请"

    def __str__(self) -> str:
        return f"突发用水增补申请#{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("water_plan:supplement", args=[self.pk])

    @property
    def type_label(self) -> str:
        return SUPPLEMENT_TYPES.get(self.type, self.type)

    @transition(
        field=status,
        source=Status.RECEIVED,
        target=Status.APPROVED,
        custom=step(
            "核准突发用水增补",
            cites=steps.cite("第十二条"),
            # 附件2 注: an "other" case without a quota is approved by the department's written opinion
            cites_for=lambda r, ctx: steps.cite("附件2" if r.computed_m3x100 is None else "第十二条"),
            roles=steps.CLERKS,
            checks=(steps.decided_after_receipt, steps.not_owing, steps.opinion_for_other_cases),
            closes=("review_due",),
            second_person=True,
            # Adds to the year's plan: always a second person (issue 14 failure 3, SECURITY.md C29).
            effect="plan",
            audit_fields=("approved_m3x100", "decided_on", "opinion"),
            document=DocumentSpec(
                kind=steps.SUPPLEMENT_DECISION,
                template="water_plan/documents/supplement_decision.html",
                remedy=steps.REVIEW,
                context=steps.decision_context,
            ),
        ),
    )
    def approve(self, ctx: StepContext) -> None:
        """The computed volume, or the written opinion's (附件2 注, explained in the trace), is approved; the
        plan change is the service's."""
        if self.computed_m3x100 is None:
            trace = Trace()
            self.opinion = str(ctx.data.get("opinion", "")).strip()
            self.approved_m3x100 = by_opinion(int(ctx.data["approved_m3x100"]), self.opinion, trace=trace)
            self.trace = [*self.trace, *trace.to_list()]
        else:
            self.approved_m3x100 = self.computed_m3x100
        self.decided_on = ctx.on

    @transition(
        field=status,
        source=Status.RECEIVED,
        target=Status.REFUSED,
        custom=step(
            "不予增补用水计划",
            cites=steps.cite("第十三条"),
            cites_for=steps.refusal_cites,
            roles=steps.CLERKS,
            checks=(steps.decided_after_receipt, steps.refusal_case_and_reason),
            closes=("review_due",),
            audit_fields=("refusal_case", "refusal_reason", "decided_on"),
            document=DocumentSpec(
                kind=steps.SUPPLEMENT_DECISION,
                template="water_plan/documents/supplement_decision.html",
                remedy=steps.REVIEW,
                context=steps.decision_context,
            ),
        ),
    )
    def refuse(self, ctx: StepContext) -> None:
        self.refusal_case = int(ctx.data["case"])
        self.refusal_reason = str(ctx.data["reason"]).strip()[:300]
        self.decided_on = ctx.on


class ConstructionReport(models.Model):
    """A month's construction-meter volume reported through the platform (附件2 （三）: "每月通过节水平台上报");
    deducted from actual use only if the construction request is approved and the month reported on time."""

    request = models.ForeignKey(
        SupplementRequest,
        on_delete=models.PROTECT,
        related_name="construction_reports",
        verbose_name="基建用水申请",
    )
    month = models.DateField("月份", help_text="当月1日")
    volume_m3x100 = models.BigIntegerField("基建水表用水量（0.01立方米）")
    reported_on = models.DateField("上报日期")
    due_on = models.DateField("上报期限")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="上报人"
    )

    class Meta:
        verbose_name = "基建水表月用水量上报"
        verbose_name_plural = "基建水表月用水量上报"
        ordering = ["month"]
        constraints = [
            models.UniqueConstraint(fields=["request", "month"], name="water_construction_report_once"),
            models.CheckConstraint(
                name="water_construction_report_nonnegative", condition=models.Q(volume_m3x100__gte=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {format_volume(self.volume_m3x100)}"

    @property
    def on_time(self) -> bool:
        return self.reported_on <= self.due_on
