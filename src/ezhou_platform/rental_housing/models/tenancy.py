"""The tenancy (第十八条–第二十三条) and its end: the lease contract, a procedure — signed (originals checked,
第十八条) → filed on the platform (第十九条) → renewed after the conditions are checked again (第二十条第一款), or
terminated with a move-out period (第二十条第二款, 第二十三条) → vacated and the exit rent settled — and the
先租后售 request (鄂州政办发〔2022〕19号 三（四）, 第六条第二款), a procedure: filed after 5 full years → assessed
(price and credited rent) → approved by another person, or refused."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_fsm import FSMField, FSMModelMixin, transition

from ezhou_platform.procedures.machine import StepContext, step

from .. import steps as S
from .applications import Allocation


class TerminationReason(models.TextChoices):
    EXPIRED = "expired", "期满不再符合承租条件（第二十条）"
    EXPIRED_NOT_RENEWED = "not_renewed", "期满不续签"
    TENANT_REQUEST = "tenant_request", "承租人申请退出"
    SUBLET = "sublet", "转租（第二十三条）"
    LENT = "lent", "转借（第二十三条）"
    CHANGED_USE = "changed_use", "改变房屋用途（第二十三条）"
    DAMAGE = "damage", "破坏房屋（第二十三条）"
    RENOVATION = "renovation", "擅自装修（第二十三条）"


BREACH_REASONS = {
    TerminationReason.SUBLET,
    TerminationReason.LENT,
    TerminationReason.CHANGED_USE,
    TerminationReason.DAMAGE,
    TerminationReason.RENOVATION,
}


class ContractStatus(models.TextChoices):
    SIGNED = "signed", "已签订（待备案）"
    FILED = "filed", "已备案"
    RENEWED = "renewed", "期满已续签"
    TERMINATED = "terminated", "已终止（腾退中）"
    CLOSED = "closed", "已腾退结清"


class Contract(FSMModelMixin, models.Model):
    """租赁合同 (第十八条–第二十三条): signed after the originals were checked, filed on the platform."""

    allocation = models.ForeignKey(
        Allocation, on_delete=models.PROTECT, related_name="contracts", verbose_name="配租"
    )
    number = models.CharField("合同编号", max_length=40, unique=True)
    start_date = models.DateField("起租日期")
    end_date = models.DateField("到期日期")
    monthly_rent_fen = models.BigIntegerField("月租金（分）")
    deposit_fen = models.BigIntegerField("押金（分）", default=0)
    payment_period_months = models.PositiveSmallIntegerField("租金收取周期（月）")
    originals_checked = models.BooleanField("申请资料已与原件核对一致（第十八条）")
    status = FSMField(
        "状态", max_length=20, choices=ContractStatus.choices, default=ContractStatus.SIGNED, protected=True
    )
    signed_on = models.DateField("签订日期")
    filed_on = models.DateField("备案日期", null=True, blank=True)
    terminated_on = models.DateField("终止日期", null=True, blank=True)
    termination_reason = models.CharField(
        "终止原因", max_length=20, choices=TerminationReason.choices, blank=True
    )
    termination_record = models.TextField("违规情况记录", blank=True)
    move_out_months = models.PositiveSmallIntegerField("腾退搬迁期（月）", null=True, blank=True)
    move_out_due = models.DateField("腾退搬迁期截止日", null=True, blank=True)
    vacated_on = models.DateField("腾退日期", null=True, blank=True)
    market_rent_fen = models.BigIntegerField("市场月租金（分）", null=True, blank=True)
    exit_rent_fen = models.BigIntegerField("退出期间应缴租金（分）", null=True, blank=True)
    exit_statement = models.JSONField("退出租金清单", default=list, blank=True)
    renewal_check = models.JSONField("续签时的条件复核", default=list, blank=True)

    class Meta:
        verbose_name = "租赁合同"
        verbose_name_plural = "租赁合同"
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.CheckConstraint(name="rh_contract_originals_checked", condition=Q(originals_checked=True)),
            models.UniqueConstraint(
                fields=["allocation"],
                condition=Q(status__in=["signed", "filed", "terminated"]),
                name="rh_one_live_contract_per_allocation",
            ),
            models.CheckConstraint(
                name="rh_contract_payment_period",
                condition=Q(payment_period_months__gte=1, payment_period_months__lte=3),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("rental_housing:record", args=["contract", self.pk])

    @property
    def is_breach(self) -> bool:
        """Terminated for a breach of 第二十三条 (解除, not 终止)."""
        return self.termination_reason in BREACH_REASONS

    @transition(
        field=status,
        source=ContractStatus.SIGNED,
        target=ContractStatus.FILED,
        custom=step(
            "租赁合同备案",
            cites=S.CITE_FILE,
            roles=S.CLERKS,
            document=S.FILING_CERTIFICATE,
            audit_fields=("filed_on",),
        ),
    )
    def file(self, ctx: StepContext) -> None:
        self.filed_on = ctx.on

    @transition(
        field=status,
        source=[ContractStatus.SIGNED, ContractStatus.FILED],
        target=ContractStatus.RENEWED,
        custom=step("复核后续签", cites=S.CITE_RENEW, roles=S.CLERKS),
    )
    def renew(self, ctx: StepContext) -> None:
        """The conditions were checked again and the new contract written by the service (P5)."""

    def _terminate(self, ctx: StepContext) -> None:
        self.terminated_on = ctx.data["terminated_on"]
        self.termination_reason = ctx.data["reason"]
        self.termination_record = str(ctx.data.get("record_text") or "").strip()
        self.move_out_months = int(ctx.data.get("move_out_months") or 0)

    @transition(
        field=status,
        source=[ContractStatus.SIGNED, ContractStatus.FILED],
        target=ContractStatus.TERMINATED,
        custom=step(
            "终止租赁合同",
            cites=S.CITE_FILE,
            roles=S.CLERKS,
            opens=(S.MOVE_OUT_PERIOD,),
            document=S.EXIT_NOTICE,
            audit_fields=("terminated_on", "termination_reason", "move_out_months", "move_out_due"),
        ),
    )
    def terminate(self, ctx: StepContext) -> None:
        """期满不再符合条件、不续签或承租人申请 (第十九条, 第二十条): the move-out period is the applicant's."""
        self._terminate(ctx)

    @transition(
        field=status,
        source=[ContractStatus.SIGNED, ContractStatus.FILED],
        target=ContractStatus.TERMINATED,
        custom=step(
            "因违规解除租赁合同",
            cites=S.CITE_BREACH,
            roles=S.CLERKS,
            checks=(S.breach_recorded,),
            opens=(S.MOVE_OUT_PERIOD,),
            document=S.BREACH_NOTICE,
            audit_fields=("terminated_on", "termination_reason", "move_out_months", "move_out_due"),
        ),
    )
    def terminate_for_breach(self, ctx: StepContext) -> None:
        """转借、转租、改变用途、破坏或擅自装修 (第二十三条): the facts are recorded."""
        self._terminate(ctx)

    @transition(
        field=status,
        source=ContractStatus.TERMINATED,
        target=ContractStatus.CLOSED,
        custom=step(
            "腾退并结算退出租金",
            cites=S.CITE_EXIT,
            roles=S.CLERKS,
            closes=("move_out_due",),
            document=S.SETTLEMENT,
            audit_fields=("vacated_on", "market_rent_fen", "exit_rent_fen"),
        ),
    )
    def vacate(self, ctx: StepContext) -> None:
        """The statement was computed by the service from the rule (R6) and is kept as computed."""
        self.vacated_on = ctx.data["vacated_on"]
        self.market_rent_fen = ctx.data["market_rent_fen"]
        self.exit_rent_fen = ctx.data["exit_rent_fen"]
        self.exit_statement = ctx.data["exit_statement"]


class RentToOwnStatus(models.TextChoices):
    FILED = "filed", "已申请"
    ASSESSED = "assessed", "已核定购房款"
    APPROVED = "approved", "准予转为共有产权住房"
    REFUSED = "refused", "不予转为共有产权住房"


OPEN_RENT_TO_OWN = (RentToOwnStatus.FILED, RentToOwnStatus.ASSESSED)


class RentToOwnRequest(FSMModelMixin, models.Model):
    """先租后售: a tenant of a 允许先租后售 unit applies, after 5 full years of tenancy, to convert it into
    共有产权住房, buying part or all of it; the rent paid is credited to the price (三（四）). The price and the
    share are set by the standard the city approves (三（四）: "由市住建部门会同…制定，报市政府批准后施行"), so
    the department enters them with the standard's reference; nothing is invented (P19)."""

    class Share(models.TextChoices):
        FULL = "full", "全部产权"
        PARTIAL = "partial", "部分产权"

    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="rent_to_own", verbose_name="租赁合同"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rental_rent_to_own",
        verbose_name="申请人账户",
    )
    filed_on = models.DateField("申请日期")
    tenancy_start = models.DateField("租赁起始日", help_text="首份租赁合同的起租日期（续签的租期连续计算）")
    share = models.CharField("拟购产权", max_length=10, choices=Share.choices)
    share_ratio = models.CharField(
        "拟购产权份额", max_length=20, blank=True, help_text="部分产权时填写，如60%"
    )
    price_basis = models.CharField("定价依据", max_length=200, blank=True)
    price_fen = models.BigIntegerField("拟购份额的购房款（分）", null=True, blank=True)
    rent_paid_fen = models.BigIntegerField("已交租金合计（分）", null=True, blank=True)
    credited_rent_fen = models.BigIntegerField("计入购房款的已交租金（分）", null=True, blank=True)
    payable_fen = models.BigIntegerField("尚需支付的购房款（分）", null=True, blank=True)
    uncredited_rent_fen = models.BigIntegerField("超出购房款的已交租金（分）", null=True, blank=True)
    assessment_trace = models.JSONField("核定过程", default=list, blank=True)
    assessed_on = models.DateField("核定日期", null=True, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="核定人",
    )
    decided_on = models.DateField("决定日期", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="决定人",
    )
    refusal_reason = models.TextField("不予批准的理由", blank=True)
    status = FSMField(
        "状态", max_length=20, choices=RentToOwnStatus.choices, default=RentToOwnStatus.FILED, protected=True
    )

    class Meta:
        verbose_name = "先租后售申请"
        verbose_name_plural = "先租后售申请"
        ordering = ["-filed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract"],
                condition=Q(status__in=[s.value for s in OPEN_RENT_TO_OWN]),
                name="rh_one_open_rent_to_own_per_contract",
            )
        ]

    def __str__(self) -> str:
        return f"{self.contract} 先租后售申请"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("rental_housing:record", args=["rent_to_own", self.pk])

    @transition(
        field=status,
        source=RentToOwnStatus.FILED,
        target=RentToOwnStatus.ASSESSED,
        custom=step(
            "核定购房款与计入的租金",
            cites=S.CITE_RENT_TO_OWN,
            roles=S.CLERKS,
            checks=(S.department_staff, S.text_required("price_basis", "定价依据")),
            audit_fields=("price_fen", "rent_paid_fen", "credited_rent_fen", "payable_fen"),
        ),
    )
    def assess(self, ctx: StepContext) -> None:
        for key in (
            "share",
            "share_ratio",
            "price_basis",
            "price_fen",
            "rent_paid_fen",
            "credited_rent_fen",
            "payable_fen",
            "uncredited_rent_fen",
            "assessment_trace",
        ):
            setattr(self, key, ctx.data[key])
        self.assessed_on = ctx.on
        self.assessed_by = ctx.actor

    @transition(
        field=status,
        source=RentToOwnStatus.ASSESSED,
        target=RentToOwnStatus.APPROVED,
        custom=step(
            "准予转为共有产权住房",
            cites=S.CITE_RENT_TO_OWN,
            roles=S.CLERKS,
            checks=(S.department_staff, S.not_the_assessor),
            second_person=True,
            document=S.RENT_TO_OWN_APPROVAL,
            audit_fields=("payable_fen",),
        ),
    )
    def approve(self, ctx: StepContext) -> None:
        self.decided_on = ctx.on
        self.decided_by = ctx.actor

    @transition(
        field=status,
        source=[RentToOwnStatus.FILED, RentToOwnStatus.ASSESSED],
        target=RentToOwnStatus.REFUSED,
        custom=step(
            "不予转为共有产权住房",
            cites=S.CITE_RENT_TO_OWN,
            roles=S.CLERKS,
            checks=(S.department_staff, S.text_required("reason", "不予批准的理由")),
            document=S.RENT_TO_OWN_REFUSAL,
            audit_fields=("refusal_reason",),
        ),
    )
    def refuse(self, ctx: StepContext) -> None:
        self.decided_on = ctx.on
        self.decided_by = ctx.actor
        self.refusal_reason = str(ctx.data["reason"]).strip()
