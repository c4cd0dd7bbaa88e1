"""Credit records (第二部分 三（四）加强信用监管; 二（一）2 信用修复), on the procedure layer.

A record is proposed — by the licensing department that found an untrue commitment or late materials, or by
the credit office from another system's bad-credit list — and confirmed and published by a second person of
the credit office (four eyes: it changes what the public sees and whether the enterprise may use the
commitment route). A repair is recorded with its date by the credit office, again by someone other than the
proposer. Records are never edited or deleted.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django_fsm import FSMField, FSMModelMixin, transition

from ezhou_platform.common import clock
from ezhou_platform.common.roles import Role
from ezhou_platform.procedures.machine import StepContext, step
from ezhou_rules.licensing import CITE_APPLICANTS, CITE_OVERSIGHT

from .. import checks
from .config import CREDIT_KIND_CHOICES

CREDIT_OFFICE = "development_reform"  # 社会信用体系建设牵头部门（信用办）
CLERKS = (Role.CLERK, Role.DEPARTMENT_HEAD)


class CreditRecord(FSMModelMixin, models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", "待认定"
        ACTIVE = "active", "已公示"
        REPAIRED = "repaired", "已信用修复"
        REJECTED = "rejected", "不予认定"

    number = models.CharField("记录编号", max_length=30, unique=True, null=True, blank=True)
    subject = models.ForeignKey(
        "common.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="主体"
    )
    subject_uscc = models.CharField("统一社会信用代码", max_length=18, db_index=True)
    subject_name = models.CharField("主体名称", max_length=100)
    kind = models.CharField("记录类型", max_length=30, choices=CREDIT_KIND_CHOICES)
    category = models.CharField("记录类别", max_length=60, blank=True, help_text="不良信用记录的类别")
    item_code = models.CharField("事项编号", max_length=12, blank=True)
    application = models.ForeignKey(
        "Application",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_records",
        verbose_name="许可申请",
    )
    authority = models.CharField("认定机关", max_length=100)
    recorded_on = models.DateField("认定日期")
    description = models.CharField("记录内容", max_length=500)
    source = models.CharField("来源", max_length=300, help_text="本平台案件，或外部系统名称与文号")
    proposed_at = models.DateTimeField("提出时间", default=clock.now)
    decided_on = models.DateField("认定（公示）日期", null=True, blank=True)
    rejection_reason = models.CharField("不予认定理由", max_length=300, blank=True)
    repaired_on = models.DateField("信用修复日期", null=True, blank=True)
    repair_note = models.CharField("修复说明", max_length=300, blank=True)
    status = FSMField("状态", default=Status.PROPOSED, choices=Status.choices, protected=True, db_index=True)

    class Meta:
        verbose_name = "信用记录"
        verbose_name_plural = "信用记录"
        ordering = ["-recorded_on", "-id"]

    def __str__(self) -> str:
        return f"{self.subject_name} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("licensing:credit_record", args=[self.pk])

    @transition(
        field=status,
        source=Status.PROPOSED,
        target=Status.ACTIVE,
        custom=step(
            "认定并公示信用记录",
            cites=CITE_OVERSIGHT,
            roles=CLERKS,
            second_person=True,
            effect="credit",  # a credit-record entry: always a second person (C29)
            audit_fields=("decided_on",),
        ),
    )
    def confirm(self, ctx: StepContext) -> None:
        self.decided_on = ctx.on

    @transition(
        field=status,
        source=Status.PROPOSED,
        target=Status.REJECTED,
        custom=step(
            "不予认定信用记录",
            cites=CITE_OVERSIGHT,
            roles=CLERKS,
            second_person=True,
            checks=(checks.reason_given,),
            audit_fields=("rejection_reason",),
        ),
    )
    def reject(self, ctx: StepContext) -> None:
        self.rejection_reason = str(ctx.data["reason"]).strip()[:300]

    @transition(
        field=status,
        source=Status.ACTIVE,
        target=Status.REPAIRED,
        custom=step(
            "登记信用修复",
            cites=CITE_APPLICANTS,
            roles=CLERKS,
            second_person=True,
            effect="credit",  # a credit-record entry: always a second person (C29)
            checks=(checks.repair_valid,),
            audit_fields=("repaired_on", "repair_note"),
        ),
    )
    def repair(self, ctx: StepContext) -> None:
        self.repaired_on = ctx.data["repaired_on"]
        self.repair_note = str(ctx.data["note"]).strip()[:300]
