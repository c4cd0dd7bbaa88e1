"""Applications for a subsidy of 鄂州政办发〔2022〕32号, from filing to payment, and the batches they go through.

An application is one case of the procedure ``subsidies.application`` (``procedures.py``):

    已受理 → 审核通过 → 公示中 → 已决定 → 已支付
       ↘ 不予奖补 / 已撤回                ↘ 已追回 (an award found undue, with its reason)

The text sets the measures, not the procedure: review, 名单公示, decision and payment are how the closing
paragraph's "对照政策标准…逐一落实…推动政策直达快享" is carried out (interpretation S18). The steps cite the
document; each page shows beside a decision the measure (section) it applies.

History is kept: the facts as filed, the rules' answer at filing (amount, ceiling, reasons, trace), the
review, the decision and the payment each in their own fields, written once by the step that makes them. A
correction is a clawback or a new application, never an edit.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django_fsm import FSMField, FSMModelMixin, transition

from ezhou_platform.common import clock
from ezhou_platform.common.fields import BlindIndexField, EncryptedCharField, EncryptedKeysJSONField
from ezhou_platform.common.models import Department
from ezhou_platform.common.roles import Role
from ezhou_platform.procedures.machine import StepContext, step
from ezhou_rules.core import ids
from ezhou_rules.core.money import format_yuan
from ezhou_rules.subsidies.components import COMPONENTS

DOC = "鄂州政办发〔2022〕32号"
REVIEWERS = (Role.CLERK, Role.DEPARTMENT_HEAD)
APPLICANTS = (Role.CITIZEN, Role.ENTERPRISE)
FINANCE = "finance"
# The facts that may hold a natural person's ID number (申请人、旧车登记所有人、消费者、借款人): sealed inside the
# facts (C20). USCC-only fields (unit_id, enterprise_id …) stay plain: an enterprise's code is public.
PERSON_ID_FACTS = tuple(
    sorted({f.name for c in COMPONENTS.values() for f in c.fields if f.kind in ("resident_id", "subject_id")})
)


def _reason_given(record: Any, ctx: StepContext) -> str | None:
    if not str(ctx.data.get("reason", "")).strip():
        return "请填写理由"
    return None


def _not_the_reviewer(record: Any, ctx: StepContext) -> str | None:
    """Four eyes (双人复核): the decision is taken by another person than the one who reviewed the case."""
    if record.reviewed_by_id is not None and record.reviewed_by_id == getattr(ctx.actor, "pk", None):
        return "奖补决定须由审核人以外的另一名工作人员作出（双人复核）"
    return None


def _notice_over(record: Any, ctx: StepContext) -> str | None:
    notice = record.notice
    if notice is None:
        return "该申请尚未经名单公示"
    if ctx.on <= notice.ends_on:
        return f"名单公示期至{notice.ends_on.year}年{notice.ends_on.month}月{notice.ends_on.day}日，期满后方可作出决定"
    return None


def _payer_matches(record: Any, ctx: StepContext) -> str | None:
    from ezhou_platform.subsidies.services.payers import payer_of_user

    mine = payer_of_user(ctx.actor)
    if mine != record.payer:
        return f"该项奖补由{record.payer}兑现，您所在单位（{mine or '未指定'}）不能支付"
    if record.decided_by_id is not None and record.decided_by_id == getattr(ctx.actor, "pk", None):
        return "支付须由作出奖补决定以外的工作人员办理"
    return None


class Application(FSMModelMixin, models.Model):
    """一份奖补申请（或银行报送、批量申报的一条）: the facts, the rules' answer, and each step's record."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "已受理"
        REVIEWED = "reviewed", "审核通过"
        NOTICED = "noticed", "公示中"
        DECIDED = "decided", "已决定"
        PAID = "paid", "已支付"
        REFUSED = "refused", "不予奖补"
        WITHDRAWN = "withdrawn", "已撤回"
        CLAWED_BACK = "clawed_back", "已追回"

    class Source(models.TextChoices):
        ONLINE = "online", "网上申请"
        BATCH = "batch", "批量申报"
        BANK = "bank", "银行报送"

    component = models.CharField("奖补事项", max_length=30, db_index=True)
    measure = models.PositiveSmallIntegerField("措施（条）")
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name="审核部门"
    )
    source = models.CharField("来源", max_length=10, choices=Source.choices, default=Source.ONLINE)
    applicant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subsidy_applications",
        verbose_name="申请人账户",
    )
    applicant_uscc = models.CharField("申请单位统一社会信用代码", max_length=18, blank=True, db_index=True)
    # C20: a resident ID for the citizens' components (十二, 十五, individual borrowers of 一至三), a USCC for
    # the rest. The whole column is encrypted — one column cannot be half encrypted, and an enterprise's code
    # loses nothing by it — and found by exact value through its blind index.
    subject = EncryptedCharField("享受主体证件号码", max_length=18)
    subject_bidx = BlindIndexField(of="subject")
    subject_name = models.CharField("享受主体名称", max_length=100)
    object = models.CharField("奖补对象", max_length=120, db_index=True)
    year = models.PositiveSmallIntegerField("年度")
    payer = models.CharField("兑现单位", max_length=20)
    facts = EncryptedKeysJSONField("申报信息", secret_keys=PERSON_ID_FACTS)  # C20: person IDs sealed
    amount_fen = models.BigIntegerField("按规则测算金额（分）")
    ceiling_fen = models.BigIntegerField("最高额（分）")
    pending_decision = models.BooleanField("待决定金额", default=False)
    reasons = models.JSONField("测算说明", default=list, blank=True)
    trace = models.JSONField("计算过程", default=list, blank=True)
    payee_name = models.CharField("收款户名", max_length=100)
    payee_bank = models.CharField("开户银行", max_length=100)
    payee_account = EncryptedCharField("收款账号", max_length=34, blind_index=False)  # C20; never searched
    received_on = models.DateField("受理日期")
    received_at = models.DateTimeField("提交时间", default=clock.now)
    supersedes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
        verbose_name="按就高不就低取代的奖补",
    )

    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="审核人",
    )
    reviewed_on = models.DateField("审核日期", null=True, blank=True)
    review_note = models.CharField("审核意见", max_length=300, blank=True)
    notice = models.ForeignKey(
        "subsidies.PublicNotice",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name="公示批次",
    )
    decision = models.ForeignKey(
        "subsidies.AwardDecision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name="奖补决定",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="决定人",
    )
    decided_on = models.DateField("决定日期", null=True, blank=True)
    decided_amount_fen = models.BigIntegerField("决定金额（分）", null=True, blank=True)
    decision_reason = models.CharField("决定理由", max_length=300, blank=True)
    payable_fen = models.BigIntegerField("应付金额（分）", null=True, blank=True)
    capped = models.BooleanField("按上限核减", default=False)
    payment = models.ForeignKey(
        "subsidies.PaymentBatch",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name="支付批次",
    )
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="支付人",
    )
    paid_on = models.DateField("支付日期", null=True, blank=True)
    refusal_reason = models.CharField("不予奖补理由", max_length=300, blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    clawback_reason = models.CharField("追回理由", max_length=300, blank=True)
    clawback_fen = models.BigIntegerField("应追回金额（分）", null=True, blank=True)
    clawback_document = models.ForeignKey(
        "procedures.Document",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="追回决定书",
    )
    status = FSMField("状态", default=Status.SUBMITTED, choices=Status.choices, protected=True)

    class Meta:
        verbose_name = "奖补申请"
        verbose_name_plural = "奖补申请"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["component", "year"]),
            models.Index(fields=["status", "department"]),
            models.Index(fields=["payer", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="subsidy_amounts_not_negative", condition=models.Q(amount_fen__gte=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject_name}"

    def get_absolute_url(self) -> str:
        return reverse("subsidies:application", args=[self.pk])

    @property
    def number(self) -> str:
        """申请编号: SQ and eight digits of the row id (one number, never reused)."""
        return f"SQ{self.pk:08d}" if self.pk else "SQ（未受理）"

    @property
    def subject_is_person(self) -> bool:
        """A resident (car trade-in, an individual borrower): anything that is not an enterprise's USCC."""
        return not ids.is_valid_uscc(self.subject)

    @property
    def masked_subject(self) -> str:
        """The subject as pages, lists and exports show it: 420***********123X, 914207********123X."""
        return ids.mask_resident_id(self.subject) if self.subject_is_person else ids.mask_uscc(self.subject)

    @property
    def shown_subject(self) -> str:
        """For clerks' lists, exports and the API: an enterprise's USCC whole (public), a resident ID masked."""
        return self.masked_subject if self.subject_is_person else self.subject

    @property
    def amount_text(self) -> str:
        if self.payable_fen is not None:
            return format_yuan(self.payable_fen)
        if self.pending_decision:
            return f"待决定（最高{format_yuan(self.ceiling_fen)}）"
        return format_yuan(self.amount_fen)

    @property
    def standing(self) -> bool:
        """A standing award of the ledger: decided or paid, not clawed back."""
        return self.status in (self.Status.DECIDED, self.Status.PAID)

    # -- steps ---------------------------------------------------------------------------------------------
    @transition(
        field=status,
        source=Status.SUBMITTED,
        target=Status.REVIEWED,
        custom=step("审核通过", cites=DOC, roles=REVIEWERS, audit_fields=("review_note",)),
    )
    def review(self, ctx: StepContext) -> None:
        """审核: the facts checked against the documents and the data holders' lists."""
        self.reviewed_by = ctx.actor
        self.reviewed_on = ctx.on
        self.review_note = str(ctx.data.get("note", ""))[:300]

    @transition(
        field=status,
        source=[Status.SUBMITTED, Status.REVIEWED, Status.NOTICED],
        target=Status.REFUSED,
        custom=step(
            "不予奖补", cites=DOC, roles=REVIEWERS, checks=(_reason_given,), audit_fields=("refusal_reason",)
        ),
    )
    def refuse(self, ctx: StepContext) -> None:
        self.refusal_reason = str(ctx.data["reason"]).strip()[:300]
        self.closed_on = ctx.on

    @transition(
        field=status,
        source=[Status.SUBMITTED, Status.REVIEWED, Status.NOTICED],
        target=Status.WITHDRAWN,
        custom=step("撤回申请", cites=DOC, roles=APPLICANTS, audit_fields=("refusal_reason",)),
    )
    def withdraw(self, ctx: StepContext) -> None:
        self.refusal_reason = str(ctx.data.get("reason", "申请人撤回"))[:300]
        self.closed_on = ctx.on

    @transition(
        field=status,
        source=Status.REVIEWED,
        target=Status.NOTICED,
        custom=step("列入名单公示", cites=DOC, roles=REVIEWERS),
    )
    def publish(self, ctx: StepContext) -> None:
        self.notice = ctx.data["notice"]

    @transition(
        field=status,
        source=Status.NOTICED,
        target=Status.DECIDED,
        custom=step(
            "作出奖补决定",
            cites=DOC,
            roles=REVIEWERS,
            checks=(_notice_over, _not_the_reviewer),
            audit_fields=("decided_amount_fen", "decision_reason", "payable_fen", "capped"),
        ),
    )
    def decide(self, ctx: StepContext) -> None:
        self.decision = ctx.data["decision"]
        self.decided_by = ctx.actor
        self.decided_on = ctx.on
        self.decided_amount_fen = ctx.data.get("decided_amount")
        self.decision_reason = str(ctx.data.get("reason", ""))[:300]
        self.payable_fen = int(ctx.data["payable"])
        self.capped = bool(ctx.data.get("capped", False))

    @transition(
        field=status,
        source=Status.DECIDED,
        target=Status.PAID,
        custom=step(
            "支付奖补资金",
            cites=DOC,
            roles=REVIEWERS,
            department=FINANCE,
            effect="pay",  # money leaves the budget: never the person who opened the case (C29)
            checks=(_payer_matches,),
            audit_fields=("paid_on",),
        ),
    )
    def pay(self, ctx: StepContext) -> None:
        self.payment = ctx.data["payment"]
        self.paid_by = ctx.actor
        self.paid_on = ctx.on
        self.closed_on = ctx.on

    @transition(
        field=status,
        source=[Status.DECIDED, Status.PAID],
        target=Status.CLAWED_BACK,
        custom=step(
            "认定不应享受并追回",
            cites=DOC,
            roles=REVIEWERS,
            checks=(_reason_given,),
            audit_fields=("clawback_reason", "clawback_fen"),
        ),
    )
    def claw_back(self, ctx: StepContext) -> None:
        self.clawback_reason = str(ctx.data["reason"]).strip()[:300]
        self.clawback_fen = self.payable_fen if self.status == self.Status.PAID else 0
        self.closed_on = ctx.on


class ApplicationDocument(models.Model):
    """An uploaded supporting document (the car trade-in's vehicle documents), kept with its hash. Stored in the
    database, so it is written in the same transaction as the application: nothing half-written."""

    class Kind(models.TextChoices):
        ID_CARD = "id_card", "申请人身份证"
        OLD_CAR = "old_car", "旧车报废或转出证明（机动车注销证明书、转移登记证明）"
        OLD_LICENCE = "old_licence", "旧车机动车行驶证或登记证书"
        INVOICE = "invoice", "新车机动车销售统一发票"
        NEW_LICENCE = "new_licence", "新车机动车行驶证"
        OTHER = "other", "其他证明材料"

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="documents", verbose_name="申请"
    )
    kind = models.CharField("材料类别", max_length=20, choices=Kind.choices)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=30)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("文件摘要", max_length=64)
    data = models.BinaryField("文件内容")
    uploaded_at = models.DateTimeField("上传时间", default=clock.now)

    class Meta:
        verbose_name = "申请材料"
        verbose_name_plural = "申请材料"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.original_name}"


class _Batch(models.Model):
    """A numbered act over many applications (a notice, a decision, a payment), with its document."""

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name="部门"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="经办人"
    )
    created_at = models.DateTimeField("记录时间", default=clock.now)
    document = models.OneToOneField(
        "procedures.Document",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="文书",
    )

    class Meta:
        abstract = True

    @property
    def number(self) -> str:
        return self.document.number if self.document else f"#{self.pk}"


class PublicNotice(_Batch):
    """名单公示: the awards about to be decided, published with names and identifiers masked."""

    published_on = models.DateField("公示日期")
    ends_on = models.DateField("公示期届满日")
    title = models.CharField("标题", max_length=200)
    workdays = models.PositiveSmallIntegerField("公示期（工作日）")

    class Meta:
        verbose_name = "奖补名单公示"
        verbose_name_plural = "奖补名单公示"
        ordering = ["-published_on", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("subsidies:notice", args=[self.pk])


class AwardDecision(_Batch):
    """奖补决定: one decision document over the awards decided together."""

    decided_on = models.DateField("决定日期")
    title = models.CharField("标题", max_length=200)

    class Meta:
        verbose_name = "奖补决定"
        verbose_name_plural = "奖补决定"
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return self.title


class PaymentBatch(_Batch):
    """支付批次: awards paid together by one payer; its payment file goes to the finance office (国库集中支付)."""

    payer = models.CharField("兑现单位", max_length=20)
    paid_on = models.DateField("支付日期")
    total_fen = models.BigIntegerField("合计金额（分）", default=0)
    count = models.PositiveIntegerField("笔数", default=0)

    class Meta:
        verbose_name = "支付批次"
        verbose_name_plural = "支付批次"
        ordering = ["-paid_on", "-id"]

    def __str__(self) -> str:
        return f"{self.payer}支付批次{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("subsidies:payment", args=[self.pk])
