"""Filing an application, the one-time notice, the signed commitment and the decision (第二部分 二、三（一）（二）).

The enterprise picks an item and describes the application; the rules say whether the commitment route applies
and why not. It may always choose the general procedure. On the commitment route the credit bar is checked,
the one-time notice is generated from the item's scheme and configured periods and kept as proof (content,
hash, template version, time), and the case waits for the signed commitment; then the window decides on the
spot, or says what is missing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from ezhou_platform.common import clock
from ezhou_platform.common.calendar import platform_calendar
from ezhou_platform.common.models import Department, Jurisdiction
from ezhou_platform.procedures import documents, engine, periods
from ezhou_platform.procedures.machine import APPLICANT, Opens
from ezhou_rules.licensing import CITE_APPLICANTS, CITE_APPLY, CITE_NOTIFY, CITE_OPERATE
from ezhou_rules.licensing.case_state import EventKind
from ezhou_rules.licensing.catalogue import ReformMode
from ezhou_rules.licensing.coverage import Coverage, coverage, required_facets
from ezhou_rules.licensing.credit import Eligibility
from ezhou_rules.licensing.departments import Level, supervisor
from ezhou_rules.licensing.errors import LicensingError
from ezhou_rules.licensing.notification import build_notification, notification_proof
from ezhou_rules.licensing.periods import PeriodKind
from ezhou_rules.licensing.scheme import Timing

from .. import counting
from ..models import (
    Application,
    Commitment,
    Licence,
    MaterialItem,
    MaterialSubmission,
    NotificationProof,
    Route,
    Scheme,
    Status,
)
from ..procedures import kind_code
from . import casefile, catalogue, credit, rules

MAX_FILE_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Described:
    """The answer to "may this application use the commitment route?" before anything is filed."""

    coverage: Coverage
    eligibility: Eligibility | None
    eligibility_error: str = ""

    @property
    def may_commit(self) -> bool:
        return self.coverage.covered and self.eligibility is not None and self.eligibility.eligible


def questions(code: str) -> list[dict[str, Any]]:
    """The facets a form asks for this item (one per restricted dimension, with its options)."""
    return required_facets(rules.catalogue().item(code))


def describe(
    code: str, facets: dict[str, Any], *, on: dt.date, certificate: str = "", uscc: str = ""
) -> Described:
    """Coverage (scope) and, for a known applicant, the credit bar; raises ``LicensingError`` for bad facets."""
    cov = coverage(
        rules.catalogue().item(code),
        facets,
        on=on,
        certificate=certificate or None,
        partial_scopes=rules.partial_scopes(),
    )
    if not uscc:
        return Described(cov, None)
    try:
        return Described(cov, credit.eligibility(uscc, on))
    except LicensingError as exc:
        return Described(cov, None, exc.message)


def _issuing(
    item_row: Any, level: str, jurisdiction: Jurisdiction | None, on: dt.date
) -> tuple[Department, str]:
    """The body that decides — and, on the commitment route, supervises (谁审批、谁监管, 第一部分 三（三））."""
    rules_item = rules.catalogue().item(item_row.code)
    table = rules.issuing_table()
    where = jurisdiction.code if jurisdiction and level == "district" else None
    rule = table.lookup(rules_item, Level(level), on, where)
    body = rule.issuing_body
    if ReformMode.COMMITMENT in rules_item.modes:
        body = supervisor(
            rules_item, ReformMode.COMMITMENT, level=Level(level), on=on, table=table, jurisdiction=where
        ).body
    dept = Department.objects.filter(code=body.code).first()
    if dept is None:
        raise LicensingError(
            "issuing_body_unknown",
            f"审批部门：配置的部门代码“{body.code}”不是平台的部门。",
            field="issuing_body",
        )
    return dept, rule.source


def _commitment_opens() -> list[Opens]:
    return [Opens("commitment_due", "递交告知承诺书", CITE_NOTIFY, counting.commitment_due, APPLICANT)]


@transaction.atomic
def file(
    *,
    code: str,
    facets: dict[str, Any],
    route: str,
    uscc: str,
    name: str,
    actor: Any,
    on: dt.date | None = None,
    certificate: str = "",
    level: str = "city",
    jurisdiction: Jurisdiction | None = None,
) -> Application:
    """File an application. On the commitment route: covered, not barred, a scheme and the periods configured,
    or ``LicensingError`` naming what stops it (nothing is written)."""
    on = on or clock.today()
    if route not in Route.values:
        raise LicensingError("route_invalid", "办理方式：应为告知承诺制或一般程序。", field="route")
    if level not in ("city", "district"):
        raise LicensingError("level_invalid", "审批层级：应为市级或区级。", field="level")
    row = catalogue.item_row(code)
    described = describe(row.code, facets, on=on, certificate=certificate, uscc=uscc)
    scheme_row: Scheme | None = None
    notification = None
    if route == Route.COMMITMENT:
        if not described.coverage.covered:
            raise LicensingError("not_covered", described.coverage.reason, field="facets")
        if described.eligibility is None:
            raise LicensingError("credit_policy_not_configured", described.eligibility_error, field="records")
        if not described.eligibility.eligible:
            raise LicensingError("credit_bar", described.eligibility.reason, field="applicant")
        book = rules.scheme_book()
        scheme = book.scheme_on(row.code, on)
        scheme_row = Scheme.objects.get(item_code=row.code, version=scheme.version)
        notification = build_notification(
            rules.catalogue().item(row.code), scheme, rules.period_table(), on=on
        )
    department, source = _issuing(row, level, jurisdiction, on)
    org = credit.enterprise(uscc, name, actor=actor)
    app = Application.objects.create(
        applicant=org,
        applicant_uscc=org.uscc,
        applicant_name=org.name,
        applicant_user=actor if getattr(actor, "role", None) == "enterprise" else None,
        jurisdiction=jurisdiction,
        level=level,
        item=row,
        item_code=row.code,
        certificate=certificate,
        facets={k: sorted(v) if isinstance(v, list | tuple | set) else v for k, v in facets.items()},
        coverage=described.coverage.to_dict(),
        eligibility=described.eligibility.to_dict() if described.eligibility else {},
        route=route,
        department=department,
        issuing_source=source[:300],
        scheme=scheme_row,
        filed_on=on,
        received_on=None if route == Route.COMMITMENT else on,
        status=Status.NOTIFIED if route == Route.COMMITMENT else Status.SUBMITTED,
    )
    app.reference = f"XK{on.year}{app.pk:06d}"
    app.save(update_fields=["reference"])
    if route == Route.COMMITMENT:
        assert notification is not None and scheme_row is not None
        proof = notification_proof(notification, clock.now())
        NotificationProof.objects.create(
            application=app,
            item_code=proof.item,
            scheme_version=proof.scheme_version,
            template_version=proof.template_version,
            template_sha256=proof.template_sha256,
            content_sha256=proof.content_sha256,
            content_json=proof.content_json,
            text=notification.text(),
            notified_at=proof.notified_at,
        )
        for m in rules.rules_scheme(scheme_row).materials:
            MaterialItem.objects.create(application=app, code=m.code, name=m.name, timing=m.timing.value)
        engine.start(
            app, actor=actor, on=on, label="一次性告知", cites=CITE_NOTIFY, opens=_commitment_opens()
        )
        casefile.log(app, EventKind.NOTIFIED, on)
    else:
        engine.start(app, actor=actor, on=on, label="按一般程序受理申请", cites=CITE_APPLICANTS)
        casefile.log(app, EventKind.SUBMITTED, on)
    return app


def _store_file(material: MaterialItem, *, on: dt.date, actor: Any, upload: Any = None) -> MaterialSubmission:
    name, content = "", None
    if upload is not None:
        content = upload.read() if hasattr(upload, "read") else bytes(upload[1])
        name = getattr(upload, "name", None) or str(upload[0])
        if len(content) > MAX_FILE_BYTES:
            raise LicensingError(
                "file_too_large", f"材料“{material.name}”：文件不超过10MB。", field=material.code
            )
        # by content: PDF or images only, no active PDF content, no polyglot, no malware (SECURITY.md C18)
        from ezhou_platform.security.uploads import UploadRejected, screen_bytes

        try:
            screen_bytes(content, label=f"材料“{material.name}”")
        except UploadRejected as exc:
            raise LicensingError(f"file_{exc.code}", exc.message, field=material.code) from None
    return MaterialSubmission.objects.create(
        material=material,
        submitted_on=on,
        file_name=name[:200],
        file_sha256=hashlib.sha256(content).hexdigest() if content is not None else "",
        content=content,
        submitted_by=actor if getattr(actor, "pk", None) else None,
    )


@transaction.atomic
def sign(
    app: Application,
    *,
    actor: Any,
    data: dict[str, Any],
    on: dt.date | None = None,
    files: dict[str, Any] | None = None,
) -> Application:
    """The signed commitment (五项确认, delivery, dates) and the materials handed in with it."""
    on = on or clock.today()
    files = files or {}
    at_submission = {m.code: m for m in app.materials.filter(timing=Timing.AT_SUBMISSION.value)}
    stray = sorted(set(files) - set(at_submission))
    if stray:
        raise LicensingError(
            "unknown_material",
            f"材料：“{'、'.join(stray)}”不是递交告知承诺书时提交的材料（{CITE_APPLY}）。",
            field="materials",
        )
    engine.take(app, "submit_commitment", actor=actor, on=on, data=data)
    commitment = casefile.commitment_from_data(app, data)
    Commitment.objects.create(
        application=app,
        confirmations=sorted(commitment.confirmations),
        delivery=commitment.delivery.value,
        signed_on=commitment.signed_on,
        received_on=commitment.received_on,
        qualification=commitment.qualification.value,
        conditions=sorted(commitment.conditions),
        template_version=commitment.template_version,
        notification_sha256=commitment.notification_sha256,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    for code, upload in files.items():
        material = at_submission[code]
        _store_file(material, on=app.received_on or on, actor=actor, upload=upload)
        material.state = MaterialItem.State.SUBMITTED
        material.submitted_on = app.received_on
        material.save(update_fields=["state", "submitted_on"])
    casefile.log(app, EventKind.SUBMITTED, app.received_on or on)
    app.refresh_from_db()
    return app


def _open_after(app: Application) -> None:
    """The periods that count from the decision or the delivery: materials (each its own row), the
    qualification; a period not configured, or whose event has not happened, opens nothing and says why."""
    cal = platform_calendar()
    table = rules.period_table()
    case = engine.case_of(app)
    for m in app.materials.filter(timing=Timing.AFTER_DECISION.value, due__isnull=True):
        deadline, basis = counting.case_deadline(table, app, PeriodKind.MATERIALS, cal, m.code)
        m.period_basis = basis[:300]
        if deadline is not None:
            m.due = deadline.due
            m.save(update_fields=["due", "period_basis"])
            periods.track(
                m,
                "due",
                deadline,
                label=f"提交材料“{m.name}”",
                citation=CITE_APPLY,
                department=app.department.code,
                case=case,
                party=APPLICANT,
            )
        else:
            m.save(update_fields=["period_basis"])
    if app.qualification == "later" and app.qualify_due is None:
        deadline, _ = counting.case_deadline(table, app, PeriodKind.QUALIFY, cal)
        if deadline is not None:
            app.qualify_due = deadline.due
            app.save(update_fields=["qualify_due"])
            periods.track(
                app,
                "qualify_due",
                deadline,
                label="证明达到承诺的经营许可条件",
                citation=CITE_OPERATE,
                department=app.department.code,
                case=case,
                party=APPLICANT,
            )
    if app.verification_due is None and app.verified_on is None and app.route == Route.COMMITMENT:
        deadline, _ = counting.case_deadline(table, app, PeriodKind.VERIFICATION, cal)
        if deadline is not None:
            app.verification_due = deadline.due
            app.save(update_fields=["verification_due"])
            from ezhou_rules.licensing import CITE_OVERSIGHT

            periods.track(
                app,
                "verification_due",
                deadline,
                label="核查承诺内容",
                citation=CITE_OVERSIGHT,
                department=app.department.code,
                case=case,
            )


def _licence(app: Application, *, actor: Any, on: dt.date) -> Licence:
    certificate = app.certificate or (app.item.certificates[0] if app.item.certificates else app.item.matter)
    case = engine.case_of(app)
    doc = documents.issue(
        kind_code("licence", app.department.code),
        template="licensing/documents/licence.html",
        title=certificate,
        on=on,
        actor=actor,
        case=case,
        recipient=app.applicant_name,
        citation=CITE_OPERATE if app.route == Route.COMMITMENT else CITE_APPLICANTS,
        context={"record": app, "certificate": certificate},
    )
    return Licence.objects.create(
        application=app,
        number=doc.number,
        certificate=certificate,
        holder=app.applicant,
        holder_uscc=app.applicant_uscc,
        holder_name=app.applicant_name,
        item_code=app.item_code,
        department=app.department,
        issued_on=on,
        document=doc,
    )


@transaction.atomic
def decide(app: Application, *, actor: Any, on: dt.date | None = None) -> Application:
    """当场作出准予许可决定 (三（二）): the numbered decision, the licence, and the periods that follow."""
    on = on or clock.today()
    event = engine.take(app, "decide", actor=actor, on=on)
    _licence(app, actor=actor, on=on)
    casefile.log(app, EventKind.DECIDED, on, number=event.document.number if event.document else None)
    _open_after(app)
    return app


@transaction.atomic
def decide_general(app: Application, *, actor: Any, on: dt.date | None = None) -> Application:
    on = on or clock.today()
    event = engine.take(app, "decide_general", actor=actor, on=on)
    _licence(app, actor=actor, on=on)
    casefile.log(app, EventKind.DECIDED, on, number=event.document.number if event.document else None)
    casefile.log(app, EventKind.DELIVERED, on)
    return app


@transaction.atomic
def refuse(app: Application, *, actor: Any, reason: str, on: dt.date | None = None) -> Application:
    on = on or clock.today()
    engine.take(app, "refuse", actor=actor, on=on, data={"reason": reason})
    casefile.log(app, EventKind.REFUSED, on)
    return app


@transaction.atomic
def withdraw(app: Application, *, actor: Any, reason: str = "", on: dt.date | None = None) -> Application:
    on = on or clock.today()
    engine.take(app, "withdraw", actor=actor, on=on, data={"reason": reason})
    casefile.log(app, EventKind.WITHDRAWN, on)
    return app


@transaction.atomic
def deliver(app: Application, *, actor: Any, on: dt.date | None = None) -> Application:
    """送达许可证件 of a decision not made on the spot; the periods counting from delivery open now."""
    on = on or clock.today()
    engine.take(app, "deliver", actor=actor, on=on)
    casefile.log(app, EventKind.DELIVERED, on)
    _open_after(app)
    return app
