"""Assessment and collection (第十四条—第十六条): the surcharge notices, the appeals against them, the reminders."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.urls import reverse
from django_fsm import FSMField, FSMModelMixin, transition

from ezhou_platform.common.audit.money import MoneyMAC
from ezhou_platform.procedures.machine import DocumentSpec, StepContext, step

from .. import steps
from .units import WaterUnit


class SurchargeNotice(FSMModelMixin, MoneyMAC):
    """《超计划、超定额用水加价收费通知单》 (第十四条—第十六条) and its collection: the unit acknowledges it (签收,
    or a clerk records delivery), which starts its periods to pay and to object; unpaid after them, a
    《征收催告单》 twice; still unpaid after the second, listed for the social credit platform. An upheld appeal
    issues a new version and the old one is superseded."""

    class State(models.TextChoices):
        ISSUED = "issued", "已开具"
        SUPERSEDED = "superseded", "已被新版本取代"
        PAID = "paid", "已缴费"
        CREDIT_LISTED = "credit_listed", "已纳入社会信用体系平台"

    unit = models.ForeignKey(
        WaterUnit, on_delete=models.PROTECT, related_name="notices", verbose_name="用水单位"
    )
    year = models.PositiveSmallIntegerField("年度")
    number = models.CharField("通知单编号", max_length=40, unique=True)
    version = models.PositiveSmallIntegerField("版本", default=1)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name="所更正的通知单",
    )
    actual_m3x100 = models.BigIntegerField("实际用水量（0.01立方米）")
    plan_m3x100 = models.BigIntegerField("考核计划（0.01立方米）")
    excess_m3x100 = models.BigIntegerField("超计划水量（0.01立方米）")
    bands = models.JSONField("分档明细")
    amount_fen = models.BigIntegerField("加价水费（分）")
    trace = models.JSONField("计算过程", default=list)
    state = FSMField("状态", max_length=15, choices=State.choices, default=State.ISSUED, protected=True)
    issued_on = models.DateField("开具日期")
    received_on = models.DateField("送达日期", null=True, blank=True)
    payment_due = models.DateField("缴费期限", null=True, blank=True)
    appeal_due = models.DateField("异议期限", null=True, blank=True)
    paid_on = models.DateField("缴费日期", null=True, blank=True)
    credit_listed_on = models.DateField("纳入信用平台日期", null=True, blank=True)
    # The pay-by date of the latest 催告单 (第十六条第二款), a period of the unit's.
    reminder_due = models.DateField("催告缴费期限", null=True, blank=True)
    # The numbered document as issued (None for notices issued before issue 9: their page renders the record).
    document = models.OneToOneField(
        "procedures.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="文书",
    )

    # C21: the amount, and whose it is, under a MAC (common.audit.money) that `ezhou audit verify` checks.
    money_fields = (
        "unit_id",
        "year",
        "version",
        "actual_m3x100",
        "plan_m3x100",
        "excess_m3x100",
        "amount_fen",
    )
    money_noun = "加价水费通知单"

    class Meta:
        verbose_name = "超计划用水加价收费通知单"
        verbose_name_plural = "超计划用水加价收费通知单"
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "version"], name="water_notice_version_unique")
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("water_plan:notice", args=[self.pk])

    @classmethod
    def unpaid_overdue(cls, unit_id: int, on: dt.date) -> list[SurchargeNotice]:
        """Notices in force whose payment period has passed unpaid (第十三条第（七）项, 第十六条)."""
        return list(
            cls.objects.filter(
                unit_id=unit_id,
                state__in=[cls.State.ISSUED, cls.State.CREDIT_LISTED],
                payment_due__lt=on,
            )
        )

    @transition(
        field=state,
        source=State.ISSUED,
        target=State.ISSUED,
        custom=step(
            "签收（送达）通知单",
            cites=steps.cite("第十六条第二款"),
            roles=steps.UNIT_OR_CLERK,
            checks=(
                steps.own_unit(lambda n: n.unit.uscc),
                steps.not_yet_delivered,
                steps.delivered_after_issue,
            ),
            opens=(steps.NOTICE_PAYMENT, steps.NOTICE_APPEAL),
            audit_fields=("received_on", "payment_due", "appeal_due"),
        ),
    )
    def deliver(self, ctx: StepContext) -> None:
        """The unit received the notice: its periods to pay (第十六条) and to object (第十五条) start."""
        self.received_on = ctx.on

    @transition(
        field=state,
        source=[State.ISSUED, State.CREDIT_LISTED],
        target=State.PAID,
        custom=step(
            "登记缴纳加价水费",
            cites=steps.cite("第十六条第一款"),
            roles=steps.CLERKS,
            checks=(steps.paid_after_issue,),
            closes=("payment_due", "reminder_due"),
            audit_fields=("paid_on",),
        ),
    )
    def pay(self, ctx: StepContext) -> None:
        self.paid_on = ctx.on

    @transition(
        field=state,
        source=State.ISSUED,
        target=State.ISSUED,
        custom=step(
            "下发征收催告单",
            cites=steps.cite("第十六条第二款"),
            roles=steps.CLERKS,
            checks=(steps.reminder_allowed,),
            closes=("payment_due", "reminder_due"),
            opens=(steps.REMINDER_PAY_BY,),
            audit_fields=("reminder_due",),
            document=DocumentSpec(
                kind=steps.REMINDER,
                template="water_plan/documents/reminder.html",
                remedy=steps.REMINDER_REMEDY,
                context=steps.reminder_context,
            ),
        ),
    )
    def remind(self, ctx: StepContext) -> None:
        """The reminder row (sequence, number, pay-by) is written by the service with the document."""

    @transition(
        field=state,
        source=State.ISSUED,
        target=State.CREDIT_LISTED,
        custom=step(
            "纳入社会信用体系平台",
            cites=steps.cite("第十六条第二款"),
            roles=steps.CLERKS,
            checks=(steps.credit_listing_due,),
            closes=("reminder_due",),
            second_person=True,
            # A credit-record entry: always a second person (SECURITY.md C29).
            effect="credit",
            audit_fields=("credit_listed_on",),
        ),
    )
    def credit_list(self, ctx: StepContext) -> None:
        self.credit_listed_on = ctx.on

    @transition(
        field=state,
        source=State.ISSUED,
        target=State.ISSUED,
        custom=step(
            "提出异议",
            cites=steps.cite("第十五条"),
            roles=steps.UNIT_OR_CLERK,
            checks=(steps.own_unit(lambda n: n.unit.uscc), steps.appeal_in_time),
            closes=("appeal_due",),
        ),
    )
    def object_to(self, ctx: StepContext) -> None:
        """The unit objects to the volume or amount (第十五条); the appeal is its own case (``Appeal``)."""

    @transition(
        field=state,
        source=State.ISSUED,
        target=State.SUPERSEDED,
        custom=step("异议成立，由新版本通知单取代", cites=steps.cite("第十五条"), roles=steps.CLERKS),
    )
    def supersede(self, ctx: StepContext) -> None:
        """Taken by the service that upholds an appeal, with the new version it issues."""


class Appeal(FSMModelMixin, models.Model):
    """异议 (第十五条): filed within 10 working days of receipt of the notice, decided within 8 of its own receipt."""

    class State(models.TextChoices):
        RECEIVED = "received", "已受理"
        UPHELD = "upheld", "异议成立，已重新开具"
        REJECTED = "rejected", "异议不成立"

    notice = models.ForeignKey(
        SurchargeNotice, on_delete=models.PROTECT, related_name="appeals", verbose_name="加价水费通知单"
    )
    received_on = models.DateField("接到申请日期")
    reason = models.TextField("异议内容")
    claimed_actual_m3x100 = models.BigIntegerField("主张的实际用水量（0.01立方米）", null=True, blank=True)
    decision_due = models.DateField("处理期限")
    state = FSMField("状态", max_length=10, choices=State.choices, default=State.RECEIVED, protected=True)
    decision = models.TextField("处理意见", blank=True)
    decided_on = models.DateField("处理日期", null=True, blank=True)
    new_notice = models.OneToOneField(
        SurchargeNotice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="from_appeal",
        verbose_name="重新出具的通知单",
    )

    class Meta:
        verbose_name = "加价水费异议"
        verbose_name_plural = "加价水费异议"

    def __str__(self) -> str:
        return f"异议#{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("water_plan:appeal", args=[self.pk])

    @transition(
        field=state,
        source=State.RECEIVED,
        target=State.UPHELD,
        custom=step(
            "异议成立",
            cites=steps.cite("第十五条"),
            roles=steps.CLERKS,
            checks=(steps.decided_after_receipt, steps.decision_written, steps.corrected_volume_given),
            closes=("decision_due",),
            second_person=True,
            audit_fields=("decision", "decided_on"),
            document=DocumentSpec(
                kind=steps.APPEAL_DECISION,
                template="water_plan/documents/appeal_decision.html",
                remedy=steps.REVIEW,
                context=steps.appeal_context,
            ),
        ),
    )
    def uphold(self, ctx: StepContext) -> None:
        """The new version of the notice is issued by the service, which links it here."""
        self.decision = str(ctx.data["decision"]).strip()
        self.decided_on = ctx.on

    @transition(
        field=state,
        source=State.RECEIVED,
        target=State.REJECTED,
        custom=step(
            "异议不成立",
            cites=steps.cite("第十五条"),
            roles=steps.CLERKS,
            checks=(steps.decided_after_receipt, steps.decision_written),
            closes=("decision_due",),
            audit_fields=("decision", "decided_on"),
            document=DocumentSpec(
                kind=steps.APPEAL_DECISION,
                template="water_plan/documents/appeal_decision.html",
                remedy=steps.REVIEW,
                context=steps.appeal_context,
            ),
        ),
    )
    def reject(self, ctx: StepContext) -> None:
        self.decision = str(ctx.data["decision"]).strip()
        self.decided_on = ctx.on


class CollectionReminder(models.Model):
    """《鄂州市超计划超定额用水加价水费征收催告单》 (第十六条第二款)."""

    notice = models.ForeignKey(
        SurchargeNotice, on_delete=models.PROTECT, related_name="reminders", verbose_name="加价水费通知单"
    )
    sequence = models.PositiveSmallIntegerField("催告次数")
    number = models.CharField("催告单编号", max_length=40, unique=True)
    issued_on = models.DateField("催告日期")
    pay_by = models.DateField("催告缴费期限")
    document = models.OneToOneField(
        "procedures.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="文书",
    )

    class Meta:
        verbose_name = "征收催告单"
        verbose_name_plural = "征收催告单"
        constraints = [models.UniqueConstraint(fields=["notice", "sequence"], name="water_reminder_once")]

    def __str__(self) -> str:
        return self.number
