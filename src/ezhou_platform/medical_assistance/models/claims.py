"""Claims from designated hospitals, the entries of their aid, the amounts to recover, the year's accumulator.

A claim is a case of 医疗保障局 (接收 → 结算 → 冲销): received through 一站式结算 (第十八条) and settled at once, or
kept pending until an application is approved (第十五条) and settled then; reversed with a reason (M12). Its
entries are never edited: a settlement, a reversal (a new row negating what the claim was paid) or an
adjustment when the person's year is settled again. An adjustment that lowers a paid aid opens an amount to
recover (多付应追回), itself a case tracked until it is recorded as recovered.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django_fsm import FSMField, FSMModelMixin, transition

from ezhou_platform.common.audit.money import MoneyMAC
from ezhou_platform.procedures.machine import Refusal, StepContext, step
from ezhou_rules.core.money import format_yuan

from ..cites import CITE_APPLICATION, CITE_RETRO, CITE_SETTLE
from .persons import CLASS_CHOICES, Person
from .steps import STAFF, actor_or_none, four_eyes

AMOUNTS = ("basic_aid", "tilted_aid", "hospital_borne")
# The year's position a claim adds (YearState fields), stored on each entry so the entries of a year add up to
# its accumulator.
STATE_DELTAS = {
    "self_pay": "self_pay_delta",
    "tilted_base": "tilted_base_delta",
    "tilted_counted": "tilted_counted_delta",
}


def _reason_given(claim: Any, ctx: StepContext) -> Refusal | None:
    if str(ctx.data.get("reason", "")).strip():
        return None
    return Refusal("冲销须写明原因", code="missing_reason", field="reason")


class Claim(FSMModelMixin, models.Model):
    """A claim received from a designated hospital (一站式结算), amounts in fen."""

    class Kind(models.TextChoices):
        INPATIENT = "inpatient", "住院"
        CHRONIC_OUTPATIENT = "chronic_outpatient", "门诊慢特病"

    class Status(models.TextChoices):
        PENDING = "pending", "已接收未结算"
        SETTLED = "settled", "已结算"
        REVERSED = "reversed", "已冲销"

    claim_id = models.CharField("结算单号", max_length=64, unique=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="claims", verbose_name="人员")
    settle_date = models.DateField("结算日期")
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    hospital_name = models.CharField("医疗机构", max_length=100)
    hospital_level = models.PositiveSmallIntegerField(
        "医疗机构级别", choices=[(1, "一级"), (2, "二级"), (3, "三级")]
    )
    in_city = models.BooleanField("市域内")
    in_province = models.BooleanField("省域内")
    temporary_out_of_city = models.BooleanField("临时外出就医（未经转诊）", default=False)
    total_cost = models.BigIntegerField("医疗总费用（分）")
    out_of_policy_cost = models.BigIntegerField("政策范围外费用（分）")
    policy_self_pay = models.BigIntegerField("政策范围内个人自付（分）")
    referred_from_primary_care = models.BooleanField(
        "经基层首诊转诊", default=False, help_text="第二十条“先诊疗后付费”的条件之一"
    )
    pending_reason = models.CharField(
        "未结算原因", max_length=200, blank=True, help_text="接收时不符合救助条件的原因；依申请救助批准后结算"
    )
    status = FSMField("状态", max_length=12, choices=Status.choices, default=Status.PENDING, protected=True)
    # The printed 医疗救助结算单 (a numbered document) and how many entries it showed; a print after the entries
    # changed (an adjustment, the reversal) is a corrected version of the same number.
    slip = models.ForeignKey(
        "procedures.Document",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="医疗救助结算单",
    )
    slip_entries = models.PositiveIntegerField("结算单所列记账笔数", default=0)
    received_at = models.DateTimeField("接收时间", auto_now_add=True)

    class Meta:
        verbose_name = "结算单"
        verbose_name_plural = "结算单"
        ordering = ["-settle_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_cost__gte=0)
                & Q(out_of_policy_cost__gte=0)
                & Q(policy_self_pay__gte=0)
                & Q(out_of_policy_cost__lte=models.F("total_cost")),
                name="ma_claim_amounts",
            )
        ]

    def __str__(self) -> str:
        return self.claim_id

    def get_absolute_url(self) -> str:
        return reverse("medical_assistance:claim", args=[self.pk])

    def sums(self) -> dict[str, int]:
        """What the claim's entries add up to (amounts and the year's position)."""
        entries = list(self.settlements.all())
        return {k: sum(getattr(e, k) for e in entries) for k in (*AMOUNTS, *STATE_DELTAS.values())}

    @property
    def aid_paid(self) -> int:
        """Basic + tilted aid of all the claim's entries (fen): what the claim is owed now."""
        s = self.sums()
        return s["basic_aid"] + s["tilted_aid"]

    @transition(
        field=status,
        source=Status.PENDING,
        target=Status.SETTLED,
        custom=step("依申请结算", cites=CITE_APPLICATION, roles=STAFF, audit_fields=("pending_reason",)),
    )
    def settle_on_application(self, ctx: StepContext) -> None:
        """第十五条第一款: the year's application approved, the claim received while it was pending is settled."""
        self.pending_reason = ""

    @transition(
        field=status,
        source=Status.PENDING,
        target=Status.SETTLED,
        custom=step("身份确定前费用结算", cites=CITE_RETRO, roles=STAFF, audit_fields=("pending_reason",)),
    )
    def settle_retroactive(self, ctx: StepContext) -> None:
        """第十五条第二款: a claim of the 12 months before the identity was determined, settled on approval."""
        self.pending_reason = ""

    @transition(
        field=status,
        source=Status.SETTLED,
        target=Status.REVERSED,
        custom=step(
            "冲销结算",
            cites=CITE_SETTLE,
            roles=STAFF,
            checks=(_reason_given,),
            second_person=four_eyes("reversal"),
            # A reversal takes back what was paid: always a second person (SECURITY.md C29).
            effect="pay",
            audit_fields=("aid_paid",),
        ),
    )
    def reverse(self, ctx: StepContext) -> None:
        """A hospital's 冲销: a new entry negating everything the claim was paid (its settlement and any
        adjustment); the rest of the person's year is settled again by the service (M12)."""
        original = self.settlements.get(kind=Settlement.Kind.SETTLE)
        sums = self.sums()
        reason = str(ctx.data["reason"]).strip()
        Settlement.objects.create(
            claim=self,
            person_id=original.person_id,
            jurisdiction_id=original.jurisdiction_id,
            kind=Settlement.Kind.REVERSE,
            reverses=original,
            year=original.year,
            person_class=original.person_class,
            tilted_approved=original.tilted_approved,
            **{k: -v for k, v in sums.items()},
            remaining_deductible=0,
            remaining_cap=0,
            trace=[
                {
                    "rule": "medical_assistance.reverse",
                    "citation": None,
                    "explanation": f"冲销结算单{self.claim_id}：原因“{reason}”；冲销救助合计"
                    f"{format_yuan(sums['basic_aid'] + sums['tilted_aid'])}。",
                }
            ],
            reason=reason,
            entry_date=ctx.on,
            created_by=actor_or_none(ctx),
        )


class Settlement(MoneyMAC):
    """An entry of a claim's aid, never edited: the settlement (one per claim), a reversal (a new row with the
    claim's amounts negated) or an adjustment (a new row with the difference) written when the person's year
    is settled again after a reversal, a tilted-aid approval or a claim dated before others (interpretation
    M12). The sum of a claim's entries is what the claim is owed."""

    class Kind(models.TextChoices):
        SETTLE = "settle", "结算"
        REVERSE = "reverse", "冲销"
        ADJUST = "adjust", "重新结算调整"

    claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, related_name="settlements", verbose_name="结算单"
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="settlements", verbose_name="人员"
    )
    jurisdiction = models.ForeignKey(
        "common.Jurisdiction", on_delete=models.PROTECT, related_name="+", verbose_name="所属区"
    )
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.SETTLE)
    reverses = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversal",
        verbose_name="冲销的结算",
    )
    year = models.PositiveIntegerField("年度")
    person_class = models.PositiveSmallIntegerField("救助类别", choices=CLASS_CHOICES)
    tilted_approved = models.BooleanField("倾斜救助对象", default=False)
    # amounts in fen; a reversal carries the negated amounts and deltas
    basic_aid = models.BigIntegerField("基本救助（分）")
    tilted_aid = models.BigIntegerField("倾斜救助（分）")
    hospital_borne = models.BigIntegerField("医疗机构承担（分）")
    remaining_deductible = models.BigIntegerField("剩余起付标准（分）")
    remaining_cap = models.BigIntegerField("剩余年度限额（分）")
    self_pay_delta = models.BigIntegerField("计入起付的自付（分）")
    tilted_base_delta = models.BigIntegerField("计入倾斜救助基数（分）")
    tilted_counted_delta = models.BigIntegerField("已结算倾斜救助基数（分）")
    trace = models.JSONField("计算过程", default=list)
    reason = models.CharField("原因", max_length=300, blank=True, help_text="冲销、重新结算调整的原因")
    entry_date = models.DateField("记账日期", null=True, blank=True, help_text="结算、冲销或调整发生之日")
    created_at = models.DateTimeField("结算时间", auto_now_add=True)
    created_by = models.ForeignKey(
        "common.User", null=True, on_delete=models.PROTECT, related_name="+", verbose_name="经办人"
    )

    # C21: the amounts, and whose they are, under a MAC (common.audit.money) that `ezhou audit verify` checks.
    money_fields = (
        "claim_id",
        "person_id",
        "kind",
        "reverses_id",
        "year",
        *AMOUNTS,
        "remaining_deductible",
        "remaining_cap",
        "self_pay_delta",
        "tilted_base_delta",
        "tilted_counted_delta",
    )
    money_noun = "结算"

    class Meta:
        verbose_name = "救助结算"
        verbose_name_plural = "救助结算"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim"], condition=Q(kind="settle"), name="ma_one_settlement_per_claim"
            ),
            models.CheckConstraint(
                condition=(Q(kind__in=["settle", "adjust"]) & Q(reverses__isnull=True))
                | (Q(kind="reverse") & Q(reverses__isnull=False)),
                name="ma_reversal_points_back",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.claim.claim_id}"

    @property
    def total_aid(self) -> int:
        return self.basic_aid + self.tilted_aid


def _evidence_given(recovery: Any, ctx: StepContext) -> Refusal | None:
    if str(ctx.data.get("evidence", "")).strip():
        return None
    return Refusal("请填写追回凭证（缴款凭证号或抵扣说明）", code="missing_evidence", field="evidence")


class Recovery(FSMModelMixin, models.Model):
    """An amount paid that a re-settlement took back (多付应追回): an adjustment that lowers a claim's aid after
    it was paid, e.g. when an earlier claim's reversal gives the deductible back to later claims. Recorded as
    recovered with the day and the receipt (interpretation M12)."""

    class State(models.TextChoices):
        OPEN = "open", "待追回"
        RECOVERED = "recovered", "已追回"

    adjustment = models.OneToOneField(
        Settlement, on_delete=models.PROTECT, related_name="recovery", verbose_name="调整记录"
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="recoveries", verbose_name="人员"
    )
    year = models.PositiveIntegerField("年度")
    amount = models.BigIntegerField("应追回金额（分）")
    reason = models.CharField("原因", max_length=300)
    state = FSMField("状态", max_length=12, choices=State.choices, default=State.OPEN, protected=True)
    recovered_on = models.DateField("追回日期", null=True, blank=True)
    evidence = models.CharField("追回凭证", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        "common.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="登记人",
    )
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = "多付应追回"
        verbose_name_plural = "多付应追回"
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="ma_recovery_positive"),
            models.CheckConstraint(
                condition=(Q(state="open") & Q(recovered_on__isnull=True))
                | (Q(state="recovered") & Q(recovered_on__isnull=False)),
                name="ma_recovery_dated_when_recovered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.year}年 应追回（{self.get_state_display()}）"

    def get_absolute_url(self) -> str:
        return reverse("medical_assistance:recoveries") + f"?year={self.year}"

    @transition(
        field=state,
        source=State.OPEN,
        target=State.RECOVERED,
        custom=step(
            "登记追回",
            cites=CITE_SETTLE,
            roles=STAFF,
            checks=(_evidence_given,),
            audit_fields=("recovered_on", "evidence"),
        ),
    )
    def recovered(self, ctx: StepContext) -> None:
        """The amount was paid back (or offset) on ``recovered_on``, with the receipt."""
        self.recovered_on = ctx.data["recovered_on"]
        self.evidence = str(ctx.data["evidence"]).strip()
        self.recorded_by = actor_or_none(ctx)


class YearAccount(models.Model):
    """A person's running position in a year: the sums of their settlements (reversals included)."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="year_accounts", verbose_name="人员"
    )
    year = models.PositiveIntegerField("年度")
    self_pay = models.BigIntegerField("累计计入起付的自付（分）", default=0)
    basic_paid = models.BigIntegerField("累计基本救助（分）", default=0)
    tilted_base = models.BigIntegerField("倾斜救助基数（分）", default=0)
    tilted_counted = models.BigIntegerField("已结算倾斜救助基数（分）", default=0)
    tilted_paid = models.BigIntegerField("累计倾斜救助（分）", default=0)
    hospital_borne = models.BigIntegerField("累计医疗机构承担（分）", default=0)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "年度累计"
        verbose_name_plural = "年度累计"
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="ma_one_account_per_person_year")
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.year}年"
