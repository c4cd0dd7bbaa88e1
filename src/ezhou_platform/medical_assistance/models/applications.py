"""Applications to 医疗保障局 (第十二条 倾斜救助, 第十五条 依申请救助 and 身份确定前费用救助) and to 民政局 for
recognition as 因病致贫重病患者 (第四条第六款、第七款), each a procedure on the platform's layer: its states are a
django-fsm field, each decision a step with its article, its checks, the four-eyes rule and its numbered
decision (决定书)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django_fsm import FSMField, FSMModelMixin, transition

from ezhou_platform.procedures.machine import Refusal, StepContext, step
from ezhou_rules.medical_assistance.recipients import class_4_valid_until

from ..cites import CITE_APPLICATION, CITE_CLASS_4, CITE_CLASS_4_VALIDITY, CITE_RETRO, CITE_TILTED
from .persons import Identity, Person
from .steps import STAFF, actor_or_none, decision, four_eyes, tree

APPLICATION_DECISION = "medical_assistance.application_decision"
CLASS_4_DECISION = "medical_assistance.class_4_decision"


class ApplicationKind(models.TextChoices):
    CLASS_AID = "class_aid", "三类、四类依申请救助"
    TILTED = "tilted", "倾斜救助"
    RETROACTIVE = "retroactive", "身份确定前12个月医疗费用救助"


KIND_CITES = {
    ApplicationKind.CLASS_AID: CITE_APPLICATION,
    ApplicationKind.TILTED: CITE_TILTED,
    ApplicationKind.RETROACTIVE: CITE_RETRO,
}


def _is_kind(kind: str) -> Any:
    def check(app: Any, ctx: StepContext) -> Refusal | None:
        if app.kind == kind:
            return None
        return Refusal(
            f"该申请为“{ApplicationKind(app.kind).label}”，不能按“{ApplicationKind(kind).label}”办理",
            code="wrong_kind",
            field="kind",
        )

    return check


def _retroactive_identity(app: Any, ctx: StepContext) -> Refusal | None:
    """第十五条第二款 "按相应类别给予救助": the person must hold a class on the day the identity was determined."""
    from ..services.identities import class_on

    if app.recognised_on is not None and class_on(app.person, app.recognised_on) is not None:
        return None
    return Refusal(
        "身份确定日期当天该人员没有有效的医疗救助身份，不能按相应类别救助",
        code="no_identity",
        field="recognised_on",
        status=409,
    )


def _application_document(app: Any, ctx: StepContext) -> dict[str, Any]:
    return {"recipient": app.person.name, "app": app, "reason": app.reason}


def _decision_step(verb: str, kind: str, *, approve: bool) -> dict[str, Any]:
    label = ApplicationKind(kind).label
    checks: tuple[Any, ...] = (_is_kind(kind),)
    if approve and kind == ApplicationKind.RETROACTIVE:
        checks += (_retroactive_identity,)
    return step(
        f"{verb}{label}申请",
        cites=KIND_CITES[ApplicationKind(kind)],
        roles=STAFF,
        checks=checks,
        closes=("review_deadline",),
        # Approving pays (pending claims settled, the tilted backlog): the filer may not approve (M25) — always,
        # whatever ``four_eyes.application_approval`` says (effect="pay": SECURITY.md C29, issue 14 failure 3).
        second_person=four_eyes("application_approval") if approve else False,
        effect="pay" if approve else "",
        audit_fields=("decided_on", "reason"),
        document=decision(
            APPLICATION_DECISION,
            "medical_assistance/documents/application_decision.html",
            _application_document,
        ),
    )


APPROVE_CLASS_AID = _decision_step("批准", ApplicationKind.CLASS_AID, approve=True)
APPROVE_TILTED = _decision_step("批准", ApplicationKind.TILTED, approve=True)
APPROVE_RETROACTIVE = _decision_step("批准", ApplicationKind.RETROACTIVE, approve=True)
REJECT_CLASS_AID = _decision_step("不予批准", ApplicationKind.CLASS_AID, approve=False)
REJECT_TILTED = _decision_step("不予批准", ApplicationKind.TILTED, approve=False)
REJECT_RETROACTIVE = _decision_step("不予批准", ApplicationKind.RETROACTIVE, approve=False)


class Application(FSMModelMixin, models.Model):
    """An application reviewed by 医疗保障局: aid for classes 3/4 (第十五条第一款), tilted aid (第十二条),
    retroactive aid (第十五条第二款)."""

    Kind = ApplicationKind

    class State(models.TextChoices):
        SUBMITTED = "submitted", "已提交"
        APPROVED = "approved", "已批准"
        REJECTED = "rejected", "未批准"
        WITHDRAWN = "withdrawn", "已撤回"

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="applications", verbose_name="申请人"
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    year = models.PositiveIntegerField("救助年度", help_text="倾斜救助、依申请救助适用的年度")
    submitted_on = models.DateField("申请日期")
    review_deadline = models.DateField("审核期限", null=True, blank=True)
    state = FSMField("状态", max_length=20, choices=State.choices, default=State.SUBMITTED, protected=True)
    decided_on = models.DateField("决定日期", null=True, blank=True)
    decided_by = models.ForeignKey(
        "common.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="审核人",
    )
    reason = models.TextField("审核意见", blank=True)
    note = models.TextField("申请说明", blank=True)
    recognised_on = models.DateField(
        "身份确定日期",
        null=True,
        blank=True,
        help_text="身份确定前12个月医疗费用救助：民政、乡村振兴部门确定身份之日",
    )

    class Meta:
        verbose_name = "救助申请"
        verbose_name_plural = "救助申请"
        ordering = ["-submitted_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}年（{self.get_state_display()}）"

    def get_absolute_url(self) -> str:
        return reverse("medical_assistance:application", args=[self.pk])

    def _decide(self, ctx: StepContext) -> None:
        self.decided_on = ctx.on
        self.decided_by = actor_or_none(ctx)
        self.reason = str(ctx.data.get("reason", "")).strip()

    # One approval and one refusal per kind, each with the kind's article (第十五条第一款, 第十二条第一款, 第十五条第二款).
    @transition(field=state, source=State.SUBMITTED, target=State.APPROVED, custom=APPROVE_CLASS_AID)
    def approve_class_aid(self, ctx: StepContext) -> None:
        self._decide(ctx)

    @transition(field=state, source=State.SUBMITTED, target=State.APPROVED, custom=APPROVE_TILTED)
    def approve_tilted(self, ctx: StepContext) -> None:
        self._decide(ctx)

    @transition(field=state, source=State.SUBMITTED, target=State.APPROVED, custom=APPROVE_RETROACTIVE)
    def approve_retroactive(self, ctx: StepContext) -> None:
        self._decide(ctx)

    @transition(field=state, source=State.SUBMITTED, target=State.REJECTED, custom=REJECT_CLASS_AID)
    def reject_class_aid(self, ctx: StepContext) -> None:
        self._decide(ctx)

    @transition(field=state, source=State.SUBMITTED, target=State.REJECTED, custom=REJECT_TILTED)
    def reject_tilted(self, ctx: StepContext) -> None:
        self._decide(ctx)

    @transition(field=state, source=State.SUBMITTED, target=State.REJECTED, custom=REJECT_RETROACTIVE)
    def reject_retroactive(self, ctx: StepContext) -> None:
        self._decide(ctx)

    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.WITHDRAWN,
        custom=step("撤回申请", cites=CITE_APPLICATION, roles=STAFF, closes=("review_deadline",)),
    )
    def withdraw(self, ctx: StepContext) -> None:
        """The applicant withdraws (依本人申请: the applicant may withdraw what only they could ask for)."""
        self._decide(ctx)


def _property_recorded(rec: Any, ctx: StepContext) -> Refusal | None:
    if rec.property_check_passed is None:
        return Refusal(
            "尚未记录家庭财产审核结论，不能认定",
            code="property_check_missing",
            field="property_check_passed",
            status=409,
        )
    if not rec.property_check_passed:
        return Refusal(
            "家庭财产不符合我市规定，不能认定为因病致贫重病患者，请作不予认定处理",
            code="property_check_failed",
            field="property_check_passed",
            status=409,
        )
    return None


def _self_pay_and_class(rec: Any, ctx: StepContext) -> Refusal | None:
    """第四条第六款: self-pay above the threshold (worked out at submission) and not in classes 1–3 on the
    recognition day."""
    from ..services.class_4 import class_4_test
    from ..services.identities import class_on

    result = class_4_test(rec.submitted_on, rec.self_pay_12m, class_on(rec.person, ctx.on))
    if result.eligible:
        return None
    return Refusal(
        "".join(result.reasons).rstrip("。"), code="not_eligible", field="self_pay_12m", status=409
    )


def _class_4_document(rec: Any, ctx: StepContext) -> dict[str, Any]:
    return {"recipient": rec.person.name, "rec": rec}


def _class_4_decision() -> Any:
    return decision(CLASS_4_DECISION, "medical_assistance/documents/class_4_decision.html", _class_4_document)


class Class4Recognition(FSMModelMixin, models.Model):
    """An application for recognition as 因病致贫重病患者 (第四条第六款、第七款), decided by 民政局
    (第四条第八款, 第二十二条第三款). Approval records the class-4 identity, valid 12 months from recognition."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", "已受理"
        APPROVED = "approved", "已认定"
        REJECTED = "rejected", "不予认定"

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="class_4_recognitions", verbose_name="申请人"
    )
    submitted_on = models.DateField("申请日期")
    self_pay_12m = models.BigIntegerField("申请前12个月累计自负医疗费用（分）")
    self_pay_evidence = models.CharField("自负费用依据", max_length=200, help_text="结算单据等材料")
    income_year = models.PositiveIntegerField("收入统计年度")
    threshold = models.BigIntegerField("认定门槛（分）", help_text="上年度居民人均可支配收入 × 100%")
    self_pay_test_passed = models.BooleanField("自负费用超过门槛")
    review_deadline = models.DateField("审核期限", null=True, blank=True)
    property_check_passed = models.BooleanField("家庭财产符合规定", null=True, blank=True)
    property_check_reason = models.TextField("家庭财产审核意见", blank=True)
    property_checked_by = models.ForeignKey(
        "common.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="财产审核人",
    )
    state = FSMField("状态", max_length=20, choices=State.choices, default=State.SUBMITTED, protected=True)
    decided_on = models.DateField("认定日期", null=True, blank=True)
    decided_by = models.ForeignKey(
        "common.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="认定人",
    )
    reason = models.TextField("认定意见", blank=True)
    valid_until = models.DateField("身份有效期止", null=True, blank=True)
    identity = models.OneToOneField(
        Identity,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recognition",
        verbose_name="登记的救助身份",
    )
    created_at = models.DateTimeField("受理时间", auto_now_add=True)

    class Meta:
        verbose_name = "因病致贫重病患者认定"
        verbose_name_plural = "因病致贫重病患者认定"
        ordering = ["-submitted_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(self_pay_12m__gte=0), name="ma_class4_self_pay_not_negative")
        ]

    def __str__(self) -> str:
        return f"因病致贫重病患者认定 {self.person}（{self.get_state_display()}）"

    def get_absolute_url(self) -> str:
        return reverse("medical_assistance:class_4_detail", args=[self.pk])

    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.SUBMITTED,
        custom=step(
            "记录家庭财产审核结论",
            cites=CITE_CLASS_4_VALIDITY,
            roles=STAFF,
            audit_fields=("property_check_passed", "property_check_reason"),
        ),
    )
    def property_check(self, ctx: StepContext) -> None:
        """The property check (the standard of 低保边缘家庭, 第四条第七款) as the clerk's recorded decision; it may
        be recorded again while the application is under review."""
        self.property_check_passed = bool(ctx.data["passed"])
        self.property_check_reason = str(ctx.data.get("reason", "")).strip()
        self.property_checked_by = actor_or_none(ctx)

    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.APPROVED,
        custom=step(
            "认定因病致贫重病患者",
            cites=CITE_CLASS_4_VALIDITY,
            roles=STAFF,
            checks=(_property_recorded, _self_pay_and_class),
            closes=("review_deadline",),
            second_person=four_eyes("class_4_approval"),
            audit_fields=("decided_on", "valid_until", "reason"),
            document=_class_4_decision(),
        ),
    )
    def approve(self, ctx: StepContext) -> None:
        """Recognised on ``ctx.on``: the identity holds 12 months from that day (第四条第七款, M9)."""
        self.decided_on = ctx.on
        self.decided_by = actor_or_none(ctx)
        self.reason = str(ctx.data.get("reason", "")).strip()
        self.valid_until = class_4_valid_until(tree(), ctx.on)

    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.REJECTED,
        custom=step(
            "不予认定因病致贫重病患者",
            cites=CITE_CLASS_4,
            roles=STAFF,
            closes=("review_deadline",),
            audit_fields=("decided_on", "reason"),
            document=_class_4_decision(),
        ),
    )
    def reject(self, ctx: StepContext) -> None:
        self.decided_on = ctx.on
        self.decided_by = actor_or_none(ctx)
        self.reason = str(ctx.data.get("reason", "")).strip()
