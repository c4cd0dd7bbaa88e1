"""Plans and what changes them: plan requests (第六条), issued plans (第九条), their changes (第十条—第十二条,
附件1 三, 附件2 （三）), proportional cuts (第十一条), 增减量 findings (第八条, 附件1) and coefficient cases."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django_fsm import FSMField, FSMModelMixin, transition

from ezhou_platform.procedures.machine import StepContext, step
from ezhou_rules.water_plan.plan import COEFFICIENT_CASES
from ezhou_rules.water_plan.volumes import format_volume

from .. import steps
from .units import WaterUnit


class CoefficientEvent(FSMModelMixin, models.Model):
    """A recorded case of 附件1 三 (or a 第八条 finding) with its evidence.

    A case takes effect when a second person confirms it (``apply``): from then on it counts in the plans
    issued for the years it counts for, and the plans already issued for those years change (W17, W23).
    Until then it is pending; a case recorded by mistake is withdrawn."""

    class Status(models.TextChoices):
        RECORDED = "recorded", "已记录，待复核"
        APPLIED = "applied", "已生效"
        WITHDRAWN = "withdrawn", "已撤销"

    unit = models.ForeignKey(
        WaterUnit, on_delete=models.CASCADE, related_name="coefficient_events", verbose_name="用水单位"
    )
    kind = models.CharField("情形", max_length=40)
    on = models.DateField("发生（完成、备案、认定）日期")
    until = models.DateField("称号有效期至", null=True, blank=True)
    evidence = models.CharField("证明材料", max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="记录人"
    )
    recorded_at = models.DateTimeField(auto_now_add=True, verbose_name="记录时间")
    recorded_on = models.DateField("记录日期", null=True, blank=True)
    status = FSMField("状态", max_length=10, choices=Status.choices, default=Status.RECORDED, protected=True)
    decided_on = models.DateField("生效或撤销日期", null=True, blank=True)
    withdraw_reason = models.CharField("撤销理由", max_length=200, blank=True)

    class Meta:
        verbose_name = "增减系数情形"
        verbose_name_plural = "增减系数情形"

    def __str__(self) -> str:
        return f"{self.unit} {self.get_kind_label()}"

    def get_absolute_url(self) -> str:
        return reverse("water_plan:coefficient_case", args=[self.pk])

    def get_kind_label(self) -> str:
        case = COEFFICIENT_CASES.get(self.kind)
        return case.label if case is not None else self.kind

    @transition(
        field=status,
        source=Status.RECORDED,
        target=Status.APPLIED,
        custom=step(
            "复核生效并变更已下达的计划",
            cites=steps.cite("附件1 三"),
            cites_for=lambda r, ctx: steps.cite(COEFFICIENT_CASES[r.kind].place),
            roles=steps.CLERKS,
            checks=(steps.applied_after_recording,),
            second_person=True,
            # Changes issued plans: always a second person (SECURITY.md C29).
            effect="plan",
            audit_fields=("decided_on",),
        ),
    )
    def apply(self, ctx: StepContext) -> None:
        """The plans are recomputed by the service in the same transaction (services.coefficients)."""
        self.decided_on = ctx.on

    @transition(
        field=status,
        source=Status.RECORDED,
        target=Status.WITHDRAWN,
        custom=step(
            "撤销增减系数情形记录",
            cites=steps.cite("附件1 三"),
            roles=steps.CLERKS,
            checks=(steps.withdraw_reason_given,),
            audit_fields=("withdraw_reason", "decided_on"),
        ),
    )
    def withdraw(self, ctx: StepContext) -> None:
        self.withdraw_reason = str(ctx.data["reason"]).strip()[:200]
        self.decided_on = ctx.on


class PlanRequest(FSMModelMixin, models.Model):
    """用水计划申请 (第六条), answered by the issue of the plan (第九条: by 31 January of the plan year)."""

    class Status(models.TextChoices):
        RECEIVED = "received", "已受理"
        ISSUED = "issued", "已下达计划"

    unit = models.ForeignKey(
        WaterUnit, on_delete=models.CASCADE, related_name="plan_requests", verbose_name="用水单位"
    )
    plan_year = models.PositiveSmallIntegerField("计划年度")
    filed_on = models.DateField("申请日期")
    due_on = models.DateField("申请截止日")
    requested_m3x100 = models.BigIntegerField("申请水量（0.01立方米）")
    note = models.TextField("说明", blank=True)
    issue_due = models.DateField("下达期限", null=True, blank=True)
    status = FSMField("状态", max_length=10, choices=Status.choices, default=Status.RECEIVED, protected=True)

    class Meta:
        verbose_name = "用水计划申请"
        verbose_name_plural = "用水计划申请"
        constraints = [models.UniqueConstraint(fields=["unit", "plan_year"], name="water_plan_request_once")]

    def __str__(self) -> str:
        return f"{self.unit}{self.plan_year}年度用水计划申请"

    def get_absolute_url(self) -> str:
        return reverse("water_plan:plan_request", args=[self.pk])

    @transition(
        field=status,
        source=Status.RECEIVED,
        target=Status.ISSUED,
        custom=step(
            "下达用水计划", cites=steps.cite("第九条第一款"), roles=steps.CLERKS, closes=("issue_due",)
        ),
    )
    def issue(self, ctx: StepContext) -> None:
        """Taken when the unit's plan for the year is issued (by the year's issuance or by a clerk)."""


class YearlyPlan(models.Model):
    """The plan issued for a year (第九条). Never edited: changes are PlanChange rows."""

    unit = models.ForeignKey(
        WaterUnit, on_delete=models.PROTECT, related_name="plans", verbose_name="用水单位"
    )
    year = models.PositiveSmallIntegerField("年度")
    method = models.CharField("核定方法", max_length=12)
    volume_m3x100 = models.BigIntegerField("下达计划（0.01立方米）")
    coefficient_pct = models.SmallIntegerField("增减系数（百分之一）", default=0)
    explanation = models.TextField("核定说明")
    inputs = models.JSONField("核定依据数据", default=dict, help_text="重新计算并解释计划所需的全部输入")
    issued_on = models.DateField("下达日期")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="下达人"
    )

    class Meta:
        verbose_name = "年度用水计划"
        verbose_name_plural = "年度用水计划"
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="water_plan_once_a_year")]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}年 {format_volume(self.volume_m3x100)}立方米"

    @property
    def effective_m3x100(self) -> int:
        return self.volume_m3x100 + sum(c.delta_m3x100 for c in self.changes.all())


class PlanChange(models.Model):
    """A change of an issued plan, with its article; each is notified to the unit (计划变更通知书, a page and a
    PDF). The plan itself is never edited."""

    class Kind(models.TextChoices):
        ADJUSTMENT = "adjustment", "计划调整（第十条）"
        SUPPLEMENT = "supplement", "突发用水增补（第十二条）"
        CUT = "cut", "按比例下调（第十一条）"
        CONSTRUCTION = "construction", "基建用水减除（附件2 （三））"
        COEFFICIENT = "coefficient", "增减系数变化（附件1 三）"

    plan = models.ForeignKey(
        YearlyPlan, on_delete=models.PROTECT, related_name="changes", verbose_name="年度用水计划"
    )
    kind = models.CharField("类别", max_length=12, choices=Kind.choices)
    delta_m3x100 = models.BigIntegerField("增减水量（0.01立方米）")
    reason = models.CharField("理由", max_length=300)
    citation = models.CharField("依据", max_length=80)
    decided_on = models.DateField("决定日期")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="决定人"
    )
    source_id = models.PositiveIntegerField("申请编号", null=True, blank=True)
    coefficient_pct = models.SmallIntegerField(
        "变更后的增减系数（百分之一）", null=True, blank=True, help_text="增减系数变化（附件1 三）时填写"
    )
    trace = models.JSONField("计算过程", default=list, blank=True)
    # The numbered document that notified the change: the decision on an adjustment or a supplement, or the
    # 计划变更通知书 of a coefficient case. None for changes made before issue 9 and for 第十一条 cuts.
    document = models.ForeignKey(
        "procedures.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="通知文书",
    )

    class Meta:
        verbose_name = "计划变更"
        verbose_name_plural = "计划变更"
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind", "source_id"], name="water_change_once_per_source")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {format_volume(self.delta_m3x100)}"


class ShortageCut(models.Model):
    """第十一条: a proportional cut for all units in a water shortage."""

    year = models.PositiveSmallIntegerField("年度")
    percent = models.DecimalField("下调比例（%）", max_digits=5, decimal_places=2)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    reason = models.CharField("理由", max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="创建人"
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="创建时间")

    class Meta:
        verbose_name = "按比例下调"
        verbose_name_plural = "按比例下调"

    def __str__(self) -> str:
        return f"{self.year}年按比例下调{self.percent}%"


class PlanFinding(models.Model):
    """A recorded 增减量 for one unit and plan year, applied by the batch issuance (第九条): the reductions of
    第八条第（一）（二）项 (negative) and the ± 增减量 of the 附件1 formulas. Recorded before issuance; an issued
    plan is never edited (later changes are PlanChange rows)."""

    class Basis(models.TextChoices):
        ART8_ITEM1 = "art8-item1", "第八条第（一）项 用水水平未达到用水定额标准（核减）"
        ART8_ITEM2 = "art8-item2", "第八条第（二）项 不合理用水拒不整改，参照合理用水量核减"
        ANNEX1 = "annex1", "附件1 ±增减量"

    unit = models.ForeignKey(
        WaterUnit, on_delete=models.PROTECT, related_name="findings", verbose_name="用水单位"
    )
    year = models.PositiveSmallIntegerField("计划年度")
    basis = models.CharField("依据", max_length=12, choices=Basis.choices)
    delta_m3x100 = models.BigIntegerField("增减量（0.01立方米）")
    reason = models.CharField("认定理由", max_length=300)
    evidence = models.CharField("证明材料", max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="记录人"
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "计划增减量认定"
        verbose_name_plural = "计划增减量认定"
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "basis"], name="water_finding_once_per_basis")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year}年 {self.get_basis_display()} {format_volume(self.delta_m3x100)}"
