"""A licensing application and what follows its decision (第二部分 三（一）至（四）), on the procedure layer.

One ``Application`` per application: the item and scope the enterprise described, the route it chose (告知承诺制
or 一般程序), and on the commitment route the proof of the one-time notice (``NotificationProof``), the signed
commitment (``Commitment``), the materials with their periods (``MaterialItem``), rectification orders and the
revocation with the applicant heard. Each state change is a step (``@transition`` with its article, roles,
checks, periods and document) taken through ``procedures.engine``; the checks are in ``licensing.checks``.
The records the case gathers (the proof, the commitment, materials, orders, the licence) are in
``case_records``, so this module holds the application and its steps alone.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.urls import reverse
from django_fsm import FSMField, FSMModelMixin, transition

from ezhou_platform.common import clock
from ezhou_platform.common.roles import Role
from ezhou_platform.procedures.machine import APPLICANT, DocumentSpec, Opens, StepContext, step
from ezhou_rules.licensing import (
    CITE_APPLICANTS,
    CITE_APPLY,
    CITE_COMMIT,
    CITE_DECIDE,
    CITE_OPERATE,
    CITE_OVERSIGHT,
)

from .. import checks, counting

CLERKS = (Role.CLERK, Role.DEPARTMENT_HEAD)
REMEDY = "如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，或者自收到本决定书之日起六个月内依法向人民法院提起行政诉讼。"


def _kind(name: str) -> Any:
    """The document kind of the deciding department: numbers run per department (documents.register_kind)."""
    return lambda record, ctx: f"licensing.{name}.{record.department.code}"


class Status(models.TextChoices):
    NOTIFIED = "notified", "已告知，待递交承诺书"
    SUBMITTED = "submitted", "已受理，待决定"
    LICENSED = "licensed", "已许可"
    COMPLETED = "completed", "承诺已履行"
    RECTIFYING = "rectifying", "限期整改中"
    RECTIFICATION_FAILED = "rectification_failed", "整改未通过"
    REVOCATION_PROPOSED = "revocation_proposed", "拟撤销，待听取陈述申辩"
    HEARD = "heard", "已听取陈述申辩，待决定"
    REVOKED = "revoked", "许可已撤销"
    REFUSED = "refused", "不予许可"
    WITHDRAWN = "withdrawn", "已撤回"


HOLDING = (
    Status.LICENSED,
    Status.COMPLETED,
    Status.RECTIFYING,
    Status.RECTIFICATION_FAILED,
    Status.REVOCATION_PROPOSED,
    Status.HEARD,
)
SUPERVISED = (Status.LICENSED, Status.COMPLETED, Status.RECTIFYING, Status.RECTIFICATION_FAILED)


class Route(models.TextChoices):
    COMMITMENT = "commitment", "告知承诺制"
    GENERAL = "general", "一般程序"


class Application(FSMModelMixin, models.Model):
    reference = models.CharField("申请编号", max_length=20, unique=True, null=True, blank=True)
    applicant = models.ForeignKey(
        "common.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="申请人"
    )
    applicant_uscc = models.CharField("统一社会信用代码", max_length=18, db_index=True)
    applicant_name = models.CharField("申请人名称", max_length=100)
    applicant_user = models.ForeignKey(
        "common.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="申请账户",
    )
    jurisdiction = models.ForeignKey(
        "common.Jurisdiction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="所在辖区",
    )
    level = models.CharField("审批层级", max_length=10, choices=[("city", "市级"), ("district", "区级")])
    item = models.ForeignKey("CatalogueItem", on_delete=models.PROTECT, related_name="+", verbose_name="事项")
    item_code = models.CharField("事项编号", max_length=12, db_index=True)
    certificate = models.CharField("许可证件", max_length=60, blank=True)
    facets = models.JSONField("申请情况", default=dict)
    coverage = models.JSONField("适用告知承诺制的判断", default=dict)
    eligibility = models.JSONField("信用情况的判断", default=dict, blank=True)
    route = models.CharField("办理方式", max_length=12, choices=Route.choices)
    department = models.ForeignKey(
        "common.Department", on_delete=models.PROTECT, related_name="+", verbose_name="审批部门（监管部门）"
    )
    issuing_source = models.CharField("审批部门配置依据", max_length=300, blank=True)
    scheme = models.ForeignKey(
        "Scheme",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="一事项一方案",
    )
    qualification = models.CharField(
        "承诺类型",
        max_length=10,
        blank=True,
        choices=[("already", "已具备经营许可条件"), ("later", "领证后一定期限内具备")],
    )
    filed_on = models.DateField("申请日期")
    received_on = models.DateField("收到告知承诺书之日", null=True, blank=True)
    commitment_due = models.DateField("作出承诺的期限", null=True, blank=True)
    decision_due = models.DateField("决定期限", null=True, blank=True)
    verification_due = models.DateField("核查期限", null=True, blank=True)
    qualify_due = models.DateField("具备条件的期限", null=True, blank=True)
    rectification_due = models.DateField("整改期限", null=True, blank=True)
    decided_on = models.DateField("决定日期", null=True, blank=True)
    delivered_on = models.DateField("证件送达日期", null=True, blank=True)
    qualified_on = models.DateField("证明达到条件日期", null=True, blank=True)
    verified_on = models.DateField("核查日期", null=True, blank=True)
    verification_result = models.CharField(
        "核查结论", max_length=10, blank=True, choices=[("true", "承诺属实"), ("untrue", "承诺不实")]
    )
    verification_note = models.CharField("核查情况", max_length=500, blank=True)
    refusal_reason = models.CharField("不予许可理由", max_length=500, blank=True)
    revocation_grounds = models.CharField("撤销理由", max_length=500, blank=True)
    revocation_proposed_by = models.ForeignKey(
        "common.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="撤销建议人",
    )
    statement = models.TextField("申请人陈述申辩", blank=True)
    statement_on = models.DateField("陈述申辩日期", null=True, blank=True)
    hearing_note = models.CharField("听取意见情况", max_length=500, blank=True)
    heard_on = models.DateField("听取意见日期", null=True, blank=True)
    revoked_on = models.DateField("撤销日期", null=True, blank=True)
    closing_note = models.CharField("办理说明", max_length=500, blank=True)
    # Set by the daily overdue sweep (jobs.sweep): what needs a clerk's action, and since when.
    attention = models.CharField("待处理事项", max_length=40, blank=True, db_index=True)
    attention_since = models.DateField("待处理起始日", null=True, blank=True)
    # The case's events as the rules layer reads them (ezhou_rules.licensing.case_state), appended by the
    # service that takes each step, in the same transaction.
    rules_events = models.JSONField("事件记录", default=list, blank=True)
    status = FSMField("状态", default=Status.NOTIFIED, choices=Status.choices, protected=True, db_index=True)
    filed_at = models.DateTimeField("记录时间", default=clock.now)

    class Meta:
        verbose_name = "涉企经营许可申请"
        verbose_name_plural = "涉企经营许可申请"
        ordering = ["-filed_on", "-id"]
        indexes = [models.Index(fields=["department", "status"])]

    def __str__(self) -> str:
        return f"{self.applicant_name}：{self.item}"

    def get_absolute_url(self) -> str:
        return reverse("licensing:case", args=[self.pk])

    @property
    def on_the_spot(self) -> bool | None:
        if self.decided_on is None or self.route != Route.COMMITMENT:
            return None
        return self.decided_on == self.received_on

    # -- the applicant's commitment and the decision --------------------------------------------------------
    @transition(
        field=status,
        source=Status.NOTIFIED,
        target=Status.SUBMITTED,
        custom=step(
            "递交告知承诺书",
            cites=CITE_COMMIT,
            roles=(Role.ENTERPRISE, *CLERKS),
            checks=(checks.own_case, checks.commitment_complete),
            closes=("commitment_due",),
            opens=(Opens("decision_due", "当场作出决定", CITE_DECIDE, counting.decision_due),),
            audit_fields=("received_on", "qualification"),
        ),
    )
    def submit_commitment(self, ctx: StepContext) -> None:
        self.received_on = checks.receipt_day(ctx)
        self.qualification = str(ctx.data["qualification"])

    @transition(
        field=status,
        source=Status.SUBMITTED,
        target=Status.LICENSED,
        custom=step(
            "当场作出准予许可决定",
            cites=CITE_DECIDE,
            roles=CLERKS,
            checks=(checks.decide_on_the_spot,),
            closes=("decision_due",),
            opens=(Opens("verification_due", "核查承诺内容", CITE_OVERSIGHT, counting.verification_due),),
            document=DocumentSpec(
                kind=_kind("decision"),
                template="licensing/documents/decision.html",
                title="准予行政许可决定书",
                remedy=REMEDY,
            ),
            audit_fields=("decided_on", "delivered_on"),
        ),
    )
    def decide(self, ctx: StepContext) -> None:
        self.decided_on = ctx.on
        # 当场作出决定: the licence is handed over at once (docs/interpretations.md L10).
        self.delivered_on = ctx.on if ctx.on == self.received_on else None

    @transition(
        field=status,
        source=Status.SUBMITTED,
        target=Status.LICENSED,
        custom=step(
            "按一般程序作出准予许可决定",
            cites=CITE_APPLICANTS,
            roles=CLERKS,
            checks=(checks.general_route,),
            document=DocumentSpec(
                kind=_kind("decision"),
                template="licensing/documents/decision.html",
                title="准予行政许可决定书",
                remedy=REMEDY,
            ),
            audit_fields=("decided_on",),
        ),
    )
    def decide_general(self, ctx: StepContext) -> None:
        self.decided_on = ctx.on
        self.delivered_on = ctx.on

    @transition(
        field=status,
        source=Status.SUBMITTED,
        target=Status.REFUSED,
        custom=step(
            "作出不予许可决定",
            cites=CITE_DECIDE,
            roles=CLERKS,
            checks=(checks.reason_given,),
            closes=("decision_due",),
            document=DocumentSpec(
                kind=_kind("refusal"),
                template="licensing/documents/refusal.html",
                title="不予行政许可决定书",
                remedy=REMEDY,
            ),
            audit_fields=("refusal_reason",),
        ),
    )
    def refuse(self, ctx: StepContext) -> None:
        self.refusal_reason = str(ctx.data["reason"]).strip()[:500]
        self.decided_on = ctx.on

    @transition(
        field=status,
        source=[Status.NOTIFIED, Status.SUBMITTED],
        target=Status.WITHDRAWN,
        custom=step(
            "撤回申请",
            cites=CITE_APPLICANTS,
            roles=(Role.ENTERPRISE, *CLERKS),
            checks=(checks.own_case,),
            audit_fields=("closing_note",),
        ),
    )
    def withdraw(self, ctx: StepContext) -> None:
        self.closing_note = str(ctx.data.get("reason") or ctx.note or "申请人撤回申请")[:500]

    @transition(
        field=status,
        source=Status.LICENSED,
        target=None,
        custom=step(
            "送达许可证件",
            cites=CITE_DECIDE,
            roles=CLERKS,
            checks=(checks.not_delivered,),
            audit_fields=("delivered_on",),
        ),
    )
    def deliver(self, ctx: StepContext) -> None:
        self.delivered_on = ctx.on

    # -- after the decision -------------------------------------------------------------------------------
    @transition(
        field=status,
        source=list(HOLDING),
        target=None,
        custom=step(
            "提交约定材料",
            cites=CITE_APPLY,
            roles=(Role.ENTERPRISE, *CLERKS),
            checks=(checks.own_case, checks.material_may_be_submitted),
        ),
    )
    def submit_material(self, ctx: StepContext) -> None:
        """The material row is written by the service in the same transaction."""

    @transition(
        field=status,
        source=list(HOLDING),
        target=None,
        custom=step(
            "审查补交材料",
            cites=CITE_OVERSIGHT,
            roles=CLERKS,
            checks=(checks.material_may_be_reviewed,),
        ),
    )
    def review_material(self, ctx: StepContext) -> None:
        """The review is written on the material row by the service."""

    @transition(
        field=status,
        source=list(HOLDING),
        target=None,
        custom=step(
            "确认达到承诺的经营许可条件",
            cites=CITE_OPERATE,
            roles=CLERKS,
            checks=(checks.may_qualify,),
            closes=("qualify_due",),
            audit_fields=("qualified_on",),
        ),
    )
    def qualify(self, ctx: StepContext) -> None:
        self.qualified_on = ctx.on

    @transition(
        field=status,
        source=[Status.SUBMITTED, *SUPERVISED],
        target=None,
        custom=step(
            "核查承诺内容",
            cites=CITE_OVERSIGHT,
            roles=CLERKS,
            checks=(checks.verification_result,),
            closes=("verification_due",),
            audit_fields=("verified_on", "verification_result", "verification_note"),
        ),
    )
    def verify(self, ctx: StepContext) -> None:
        self.verified_on = ctx.on
        self.verification_result = str(ctx.data["result"])
        self.verification_note = str(ctx.data.get("note") or "")[:500]

    # -- rectification and revocation (never automatic) ---------------------------------------------------
    @transition(
        field=status,
        source=[Status.LICENSED, Status.COMPLETED],
        target=Status.RECTIFYING,
        custom=step(
            "责令限期整改",
            cites=CITE_OVERSIGHT,
            roles=CLERKS,
            checks=(checks.rectification_grounds,),
            opens=(
                Opens("rectification_due", "限期整改", CITE_OVERSIGHT, counting.rectification_due, APPLICANT),
            ),
            document=DocumentSpec(
                kind=_kind("order"),
                template="licensing/documents/order.html",
                title="责令限期整改通知书",
                context=checks.order_context,
            ),
        ),
    )
    def order_rectification(self, ctx: StepContext) -> None:
        """The order row (grounds, matters, period) is written by the service."""

    @transition(
        field=status,
        source=Status.RECTIFYING,
        target=Status.LICENSED,
        custom=step(
            "整改合格",
            cites=CITE_OVERSIGHT,
            roles=CLERKS,
            closes=("rectification_due",),
        ),
    )
    def rectified(self, ctx: StepContext) -> None:
        """The result is written on the order row by the service."""

    @transition(
        field=status,
        source=Status.RECTIFYING,
        target=Status.RECTIFICATION_FAILED,
        custom=step(
            "整改后仍不符合要求",
            cites=CITE_OVERSIGHT,
            roles=CLERKS,
            checks=(checks.note_given,),
            closes=("rectification_due",),
        ),
    )
    def rectification_failed(self, ctx: StepContext) -> None:
        """The result is written on the order row by the service."""

    @transition(
        field=status,
        source=[Status.LICENSED, Status.COMPLETED, Status.RECTIFYING, Status.RECTIFICATION_FAILED],
        target=Status.REVOCATION_PROPOSED,
        custom=step(
            "提出撤销许可建议",
            cites=CITE_OVERSIGHT,
            roles=CLERKS,
            checks=(checks.revocation_grounds,),
            closes=("rectification_due",),
            document=DocumentSpec(
                kind=_kind("hearing_notice"),
                template="licensing/documents/hearing_notice.html",
                title="拟撤销行政许可告知书",
            ),
            audit_fields=("revocation_grounds",),
        ),
    )
    def propose_revocation(self, ctx: StepContext) -> None:
        self.revocation_grounds = str(ctx.data["grounds"]).strip()[:500]
        self.revocation_proposed_by = ctx.actor if getattr(ctx.actor, "pk", None) else None

    @transition(
        field=status,
        source=Status.REVOCATION_PROPOSED,
        target=None,
        custom=step(
            "提出陈述申辩",
            cites=CITE_OVERSIGHT,
            roles=(Role.ENTERPRISE,),
            checks=(checks.own_case, checks.statement_given),
            audit_fields=("statement",),
        ),
    )
    def state_statement(self, ctx: StepContext) -> None:
        self.statement = str(ctx.data["statement"]).strip()[:4000]
        self.statement_on = ctx.on

    @transition(
        field=status,
        source=Status.REVOCATION_PROPOSED,
        target=Status.HEARD,
        custom=step(
            "听取陈述申辩",
            cites=CITE_OVERSIGHT,
            roles=CLERKS,
            checks=(checks.note_given,),
            audit_fields=("hearing_note",),
        ),
    )
    def hear(self, ctx: StepContext) -> None:
        self.hearing_note = str(ctx.data["note"]).strip()[:500]
        self.heard_on = ctx.on

    @transition(
        field=status,
        source=Status.HEARD,
        target=Status.REVOKED,
        custom=step(
            "作出撤销许可决定",
            cites=CITE_OVERSIGHT,
            roles=CLERKS,
            checks=(checks.not_the_proposer,),
            document=DocumentSpec(
                kind=_kind("revocation"),
                template="licensing/documents/revocation.html",
                title="撤销行政许可决定书",
                remedy=REMEDY,
            ),
            audit_fields=("revoked_on",),
        ),
    )
    def revoke(self, ctx: StepContext) -> None:
        self.revoked_on = ctx.on

    @transition(
        field=status,
        source=Status.HEARD,
        target=Status.LICENSED,
        custom=step(
            "决定不予撤销",
            cites=CITE_OVERSIGHT,
            roles=CLERKS,
            checks=(checks.not_the_proposer, checks.note_given),
            audit_fields=("closing_note",),
        ),
    )
    def drop_revocation(self, ctx: StepContext) -> None:
        self.closing_note = str(ctx.data["note"]).strip()[:500]

    @transition(
        field=status,
        source=Status.LICENSED,
        target=Status.COMPLETED,
        custom=step(
            "确认承诺已履行",
            cites=CITE_OVERSIGHT,
            roles=CLERKS,
            checks=(checks.commitment_fulfilled,),
        ),
    )
    def complete(self, ctx: StepContext) -> None:
        """All materials conforming, conditions proved (later qualification); supervision goes on."""
