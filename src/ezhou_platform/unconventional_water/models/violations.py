"""The register of the acts 第二十四条 forbids, and how each is handed over for handling (第二十五条).

第二十五条 names no law: the laws an act is handled under are dated configuration
(`violations.handled_under.<act>`, entered with their source); handing over is refused until they are entered
for the day the act was found, naming the parameter (U12). The laws applied are copied onto the record when it
is handed over, so a later change of the configuration does not rewrite what was done.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django_fsm import FSMField, FSMModelMixin, transition

from ezhou_platform.common.roles import Role
from ezhou_platform.procedures.machine import DocumentSpec, StepContext, step
from ezhou_rules.unconventional_water.violations import ACTS

from .projects import DOC

CLERKS = (Role.CLERK, Role.DEPARTMENT_HEAD)


class ViolationStatus(models.TextChoices):
    RECORDED = "recorded", "已登记"
    HANDED_OVER = "handed_over", "已移交处理"
    CLOSED = "closed", "已办结"


def _basis_entered(record: Any, ctx: StepContext) -> str | None:
    if not ctx.data.get("handled_under"):
        return "据以处理的法律法规规章尚未录入"
    return None


class Violation(FSMModelMixin, models.Model):
    """违反第二十四条的行为."""

    act = models.CharField("违法行为", max_length=40, choices=[(k, a.label) for k, a in ACTS.items()])
    citation = models.CharField("依据", max_length=80)
    found_on = models.DateField("发现日期")
    party = models.CharField("当事单位或个人", max_length=100)
    party_uscc = models.CharField("当事单位统一社会信用代码", max_length=18, blank=True)
    facility = models.ForeignKey(
        "unconventional_water.Facility",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="violation_records",
        verbose_name="涉及设施",
    )
    inspection = models.ForeignKey(
        "unconventional_water.Inspection",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="violations",
        verbose_name="发现于现场检查",
    )
    description = models.TextField("违法事实")
    evidence = models.TextField("证据材料")
    explanation = models.TextField("说明")
    handled_under = models.JSONField("处理依据", default=list)
    handed_over_on = models.DateField("移交日期", null=True, blank=True)
    result = models.TextField("处理结果", blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="记录人"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)
    status = FSMField(
        "状态", default=ViolationStatus.RECORDED, choices=ViolationStatus.choices, protected=True
    )

    class Meta:
        verbose_name = "违法行为登记（第二十四条）"
        verbose_name_plural = "违法行为登记（第二十四条）"
        ordering = ["-found_on", "-id"]

    def __str__(self) -> str:
        return f"{self.party}：{self.get_act_display()}"

    def get_absolute_url(self) -> str:
        return reverse("unconventional_water:violation", args=[self.pk])

    @transition(
        field=status,
        source=ViolationStatus.RECORDED,
        target=ViolationStatus.HANDED_OVER,
        custom=step(
            "移交处理",
            cites=f"{DOC} 第二十五条",
            roles=CLERKS,
            checks=(_basis_entered,),
            audit_fields=("handled_under", "handed_over_on"),
            document=DocumentSpec(
                kind="unconventional_water.violation_referral",
                template="unconventional_water/documents/violation_referral.html",
            ),
        ),
    )
    def hand_over(self, ctx: StepContext) -> None:
        self.handled_under = list(ctx.data["handled_under"])
        self.handed_over_on = ctx.on

    @transition(
        field=status,
        source=ViolationStatus.HANDED_OVER,
        target=ViolationStatus.CLOSED,
        custom=step("办结", cites=f"{DOC} 第二十五条", roles=CLERKS, audit_fields=("result", "closed_on")),
    )
    def close(self, ctx: StepContext) -> None:
        self.result = ctx.data["result"]
        self.closed_on = ctx.on
