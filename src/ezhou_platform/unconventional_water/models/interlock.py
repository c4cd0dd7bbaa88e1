"""The interlock with the planned-water-use system (鄂州政办发〔2022〕15号): what this system's records mean
for a unit's water plan (附件1 三（四）, 第八条第（四）项; interpretation U11).

``WaterPlanLink`` is this system's side of the link: one row per unit, year and kind (used / able but not
using) with the records it rests on (facilities, lab reports, usage, findings) and the coefficient event the
water plan recorded through its own service (`water_plan.services.record_coefficient_event`). The water plan's
models are not changed: the link points at its event. A row exists once per unit, year and kind, so running
the interlock again records nothing twice. "Able but not using" lowers the unit's plan: it is proposed by one
clerk and confirmed by another (four-eyes).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django_fsm import FSMField, FSMModelMixin, transition

from ezhou_platform.common.roles import Role
from ezhou_platform.procedures.machine import StepContext, step

CLERKS = (Role.CLERK, Role.DEPARTMENT_HEAD)
WATER_PLAN_DOC = "鄂州政办发〔2022〕15号"


class CapabilityFinding(models.Model):
    """The department's finding that a unit is able to use unconventional water (具备利用条件) on a day: e.g. a
    reclaimed-water main at its gate (第十五条), a facility its project must build (第八条)."""

    water_unit = models.ForeignKey(
        "water_plan.WaterUnit", on_delete=models.PROTECT, related_name="+", verbose_name="计划用水单位"
    )
    found_on = models.DateField("认定日期")
    reason = models.CharField("认定理由", max_length=200)
    evidence = models.CharField("证明材料", max_length=200)
    project = models.ForeignKey(
        "unconventional_water.Project",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="相关建设项目",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="记录人"
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "具备利用条件认定"
        verbose_name_plural = "具备利用条件认定"
        ordering = ["-found_on", "-id"]

    def __str__(self) -> str:
        return f"{self.water_unit} {self.found_on}"


class LinkKind(models.TextChoices):
    USED = "unconventional_used", "使用非常规水资源（+0.1）"
    NOT_USED = "unconventional_not_used", "具备条件而不利用（-0.1，核减）"


class LinkStatus(models.TextChoices):
    PROPOSED = "proposed", "待记录"
    RECORDED = "recorded", "已计入计划用水"
    DISMISSED = "dismissed", "不予记录"


def _kind_is(kind: str) -> Any:
    def check(record: Any, ctx: StepContext) -> str | None:
        if record.kind != kind:
            return f"该联动记录为“{record.get_kind_display()}”，不适用此环节"
        return None

    return check


class WaterPlanLink(FSMModelMixin, models.Model):
    """计划用水联动记录: a coefficient case of the water plan derived from this system's records."""

    water_unit = models.ForeignKey(
        "water_plan.WaterUnit", on_delete=models.PROTECT, related_name="+", verbose_name="计划用水单位"
    )
    year = models.PositiveSmallIntegerField("年度")
    kind = models.CharField("情形", max_length=30, choices=LinkKind.choices)
    event_on = models.DateField("情形发生（认定）日期")
    evidence = models.CharField("证明材料", max_length=200)
    explanation = models.TextField("说明")
    citations = models.JSONField("依据", default=list)
    facilities = models.ManyToManyField(
        "unconventional_water.Facility", related_name="water_plan_links", blank=True
    )
    reports = models.ManyToManyField(
        "unconventional_water.LabReport", related_name="water_plan_links", blank=True
    )
    usage = models.ManyToManyField(
        "unconventional_water.UsageRecord", related_name="water_plan_links", blank=True
    )
    findings = models.ManyToManyField(CapabilityFinding, related_name="water_plan_links", blank=True)
    coefficient_event = models.ForeignKey(
        "water_plan.CoefficientEvent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="计划用水增减系数情形",
    )
    adopted = models.BooleanField(
        "沿用已有记录", default=False, help_text="计划用水系统中已有同一年度同一情形的记录，不重复记录"
    )
    plan_changes = models.JSONField("引起的计划变更", default=list)
    not_applied = models.JSONField("未变更的年度及原因", default=list)
    proposed_on = models.DateField("提出日期")
    decided_on = models.DateField("办理日期", null=True, blank=True)
    note = models.CharField("办理意见", max_length=300, blank=True)
    status = FSMField("状态", default=LinkStatus.PROPOSED, choices=LinkStatus.choices, protected=True)

    class Meta:
        verbose_name = "计划用水联动记录"
        verbose_name_plural = "计划用水联动记录"
        ordering = ["-year", "water_unit", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["water_unit", "year", "kind"], name="uw_link_once_per_unit_year_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.water_unit} {self.year}年 {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("unconventional_water:link", args=[self.pk])

    def _recorded(self, ctx: StepContext) -> None:
        event = ctx.data["event"]
        self.coefficient_event = event
        self.adopted = bool(ctx.data.get("adopted"))
        self.plan_changes = ctx.data.get("plan_changes", [])
        self.not_applied = ctx.data.get("not_applied", [])
        self.decided_on = ctx.on
        self.note = ctx.note[:300]

    @transition(
        field=status,
        source=LinkStatus.PROPOSED,
        target=LinkStatus.RECORDED,
        custom=step(
            "计入计划用水（使用非常规水资源+0.1）",
            cites=f"{WATER_PLAN_DOC} 附件1 三（四）",
            roles=CLERKS,
            checks=(_kind_is(LinkKind.USED),),
            audit_fields=("coefficient_event", "adopted", "decided_on"),
        ),
    )
    def record(self, ctx: StepContext) -> None:
        self._recorded(ctx)

    @transition(
        field=status,
        source=LinkStatus.PROPOSED,
        target=LinkStatus.RECORDED,
        custom=step(
            "确认具备条件而不利用（-0.1，核减）",
            cites=f"{WATER_PLAN_DOC} 第八条第（四）项",
            roles=CLERKS,
            checks=(_kind_is(LinkKind.NOT_USED),),
            second_person=True,
            # The department's judgment that a unit able to use it does not: the decision to cut its plans by 0.1
            # (SECURITY.md C29), never one person. (The "used" record above is proven by the records, and the
            # plan changes only when another person applies the case in the water plan: CoefficientEvent.apply.)
            effect="plan",
            audit_fields=("coefficient_event", "adopted", "decided_on"),
        ),
    )
    def confirm(self, ctx: StepContext) -> None:
        self._recorded(ctx)

    @transition(
        field=status,
        source=LinkStatus.PROPOSED,
        target=LinkStatus.DISMISSED,
        custom=step(
            "不予记录", cites=f"{WATER_PLAN_DOC} 附件1 三（四）", roles=CLERKS, audit_fields=("note",)
        ),
    )
    def dismiss(self, ctx: StepContext) -> None:
        self.note = ctx.note[:300]
        self.decided_on = ctx.on
