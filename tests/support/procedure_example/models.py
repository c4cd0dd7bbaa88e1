"""A minimal procedure for the tests of the procedure layer: filed → verified → approved, or refused.

It borrows the periods of 鄂州政办发〔2022〕15号 第十条 (verify within 5 working days, decide within 10), so the
numbers in the tests are the law's.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django_fsm import FSMField, FSMModelMixin, transition

from ezhou_platform.common.roles import Role
from ezhou_platform.procedures.machine import APPLICANT, DEPARTMENT, DocumentSpec, Opens, StepContext, step
from ezhou_rules.core import periods
from ezhou_rules.core.periods import compute_deadline

CITE = "鄂州政办发〔2022〕15号 第十条第一款"
CLERKS = (Role.CLERK, Role.DEPARTMENT_HEAD)


def _volume_positive(record: Any, ctx: StepContext) -> str | None:
    volume = ctx.data.get("volume")
    if not isinstance(volume, int) or volume <= 0:
        return "核准水量应为大于0的整数"
    return None


class ExampleRequest(FSMModelMixin, models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", "已受理"
        VERIFIED = "verified", "已核实"
        APPROVED = "approved", "已核准"
        REFUSED = "refused", "不予核准"

    applicant = models.ForeignKey("common.User", null=True, blank=True, on_delete=models.PROTECT)
    uscc = models.CharField(max_length=18, blank=True)
    name = models.CharField(max_length=100)
    received_on = models.DateField()
    verify_due = models.DateField(null=True, blank=True)
    decision_due = models.DateField(null=True, blank=True)
    volume = models.PositiveIntegerField(null=True, blank=True)
    refusal_reason = models.CharField(max_length=200, blank=True)
    status = FSMField(default=Status.RECEIVED, choices=Status.choices, protected=True)

    def __str__(self) -> str:
        return f"{self.name}的调整申请"

    @transition(
        field=status,
        source=Status.RECEIVED,
        target=Status.VERIFIED,
        custom=step(
            "核实",
            cites=CITE,
            roles=CLERKS,
            closes=("verify_due",),
            opens=(
                Opens(
                    "decision_due",
                    "核准告知期限",
                    CITE,
                    lambda r, ctx, cal: compute_deadline(cal, ctx.on, periods.workdays(10)),
                    DEPARTMENT,
                ),
            ),
        ),
    )
    def verify(self, ctx: StepContext) -> None:
        """核实: answers the 5-working-day period, opens the 10-working-day one for the decision."""

    @transition(
        field=status,
        source=Status.VERIFIED,
        target=Status.APPROVED,
        custom=step(
            "核准",
            cites=CITE,
            roles=CLERKS,
            checks=(_volume_positive,),
            closes=("decision_due",),
            second_person=True,
            audit_fields=("volume",),
            document=DocumentSpec(
                kind="procedure_example.decision",
                template="procedure_example/decision.html",
                remedy="如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，或者六个月内依法提起行政诉讼。",
            ),
        ),
    )
    def approve(self, ctx: StepContext) -> None:
        """核准: records the volume, issues the numbered decision."""
        self.volume = ctx.data["volume"]

    @transition(
        field=status,
        source=[Status.RECEIVED, Status.VERIFIED],
        target=Status.REFUSED,
        custom=step(
            "不予核准",
            cites="鄂州政办发〔2022〕15号 第十三条",
            roles=CLERKS,
            audit_fields=("refusal_reason",),
        ),
    )
    def refuse(self, ctx: StepContext) -> None:
        self.refusal_reason = str(ctx.data.get("reason", ""))[:200]


PAY_PARTY = APPLICANT  # re-exported for the tests of applicant periods
