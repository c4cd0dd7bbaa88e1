"""Choosing a unit and the queue (第十六条, 第十七条: 按申请先后顺序先到先租；房源不足的，实行轮候配租), and the
轮候配租通知 (a procedure): a freed unit offered to the first waiting applicant in application order, with a
numbered notice → accepted (the unit is let to them), declined (offered to the next; the decliner keeps their
place, P8) or cancelled (the applicant gave up).

Safety comes from the database: the project row is locked (SELECT … FOR UPDATE on PostgreSQL; on SQLite every
transaction takes the write lock at BEGIN IMMEDIATE), so allocations and offers of one project are serialised;
conditional unique constraints refuse a second active let of a unit, a second unit for an application or a
person, and a second open offer per unit or application.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from ezhou_platform.common import clock
from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.audit.services import record
from ezhou_platform.procedures import documents, engine

from .. import steps as S
from ..models import (
    Allocation,
    Application,
    ApplicationStatus,
    OfferStatus,
    Project,
    Unit,
    UnitOffer,
    UnitStatus,
)
from .common import today


def _waiting(project_id: int) -> Any:
    """Qualified applicants of a project without a unit and without an open offer (their unit is reserved)."""
    open_offer = UnitOffer.objects.filter(application=OuterRef("pk"), status=OfferStatus.OPEN)
    return Application.objects.filter(project_id=project_id, status=ApplicationStatus.QUALIFIED).exclude(
        Exists(open_offer)
    )


def _earlier_waiting(app: Application) -> int:
    """Qualified applicants of the same project, not yet holding a unit, who applied before `app`."""
    return (
        _waiting(app.project_id)
        .filter(Q(submitted_at__lt=app.submitted_at) | Q(submitted_at=app.submitted_at, id__lt=app.id))
        .count()
    )


@dataclass
class ChoiceResult:
    allocation: Allocation | None
    queue_position: int | None  # 1 = next in the queue (轮候); None when a unit was let
    earlier_waiting: int
    free_units: int


def queue_position(app: Application) -> ChoiceResult:
    """Where an applicant stands now, without changing anything."""
    free = Unit.objects.filter(
        project_id=app.project_id, status=UnitStatus.AVAILABLE, fitted_out=True
    ).count()
    earlier = _earlier_waiting(app)
    return ChoiceResult(None, None if earlier < free else earlier - free + 1, earlier, free)


def _allocate(app: Application, unit_id: int, acting_user: Any, on: dt.date, *, note: str) -> Allocation:
    """Inside a transaction holding the project lock: the allocation, the unit let, the application's step."""
    try:
        with transaction.atomic():
            allocation = Allocation.objects.create(
                application=app, unit_id=unit_id, id_number=app.id_number, allocated_at=clock.now()
            )
    except IntegrityError as exc:
        raise ApiError(
            "already_allocated",
            "该申请人已在其他项目配租房源，不能同时承租两套。",
            field="id_number",
            status=409,
        ) from exc
    engine.take(app, "allocate", actor=acting_user, on=on, note=note)
    return allocation


def choose_unit(
    app: Application, *, acting_user: Any, unit_id: int | None = None, on: dt.date | None = None
) -> ChoiceResult:
    """The applicant (or the operator for an offline applicant) chooses a unit.

    An applicant may take a unit only if there are more free units than qualified applicants who applied
    earlier and still wait: then a unit is left for every one of them and nobody is overtaken. Otherwise the
    applicant is in the queue at position (earlier waiting − free units + 1) and nothing changes (P3).
    """
    day = on or today()
    with transaction.atomic():
        Project.objects.select_for_update().get(pk=app.project_id)
        app = Application.objects.select_for_update().get(pk=app.pk)
        if app.status in (ApplicationStatus.ALLOCATED, ApplicationStatus.CONTRACTED):
            raise ApiError(
                "already_allocated", "该申请人已选定房源，不能重复选房。", field="application", status=409
            )
        engine.check_step(app, "allocate")
        offer = UnitOffer.objects.filter(application=app, status=OfferStatus.OPEN).first()
        if offer is not None:
            if unit_id is not None and unit_id != offer.unit_id:
                raise ApiError(
                    "offer_open",
                    "您有待答复的轮候配租通知，请先接受或放弃所通知的房源（第十七条）。",
                    field="unit_id",
                    status=409,
                )
            return ChoiceResult(_accept(offer, app, acting_user, day), None, 0, 0)
        free_qs = Unit.objects.filter(project_id=app.project_id, status=UnitStatus.AVAILABLE, fitted_out=True)
        free = free_qs.count()
        earlier = _earlier_waiting(app)
        if earlier >= free:
            return ChoiceResult(None, earlier - free + 1, earlier, free)
        if unit_id is not None:
            unit = free_qs.select_for_update().filter(pk=unit_id).first()
            if unit is None:
                exists = Unit.objects.filter(pk=unit_id, project_id=app.project_id).exists()
                raise ApiError(
                    "unit_unavailable" if exists else "not_found",
                    "所选房源已被选定或暂不可选，请另选房源。" if exists else "所选房源不属于本项目。",
                    field="unit_id",
                    status=409 if exists else 404,
                )
        else:
            unit = free_qs.select_for_update().order_by("number", "id").first()
            assert unit is not None  # free > earlier >= 0
        if Unit.objects.filter(pk=unit.pk, status=UnitStatus.AVAILABLE).update(status=UnitStatus.LET) != 1:
            raise ApiError("unit_unavailable", "所选房源已被选定。", field="unit_id", status=409)
        allocation = _allocate(app, unit.pk, acting_user, day, note=f"先到先租：房源{unit.number}")
    app.refresh_from_db()
    return ChoiceResult(allocation, None, earlier, free)


def release_unit(
    allocation: Allocation, *, acting_user: Any, reason: str, on: dt.date | None = None
) -> Application | None:
    """The unit is free again; it is offered to the first waiting applicant in application order (轮候配租,
    第十七条), who is returned; without one the unit becomes free to choose."""
    day = on or today()
    with transaction.atomic():
        Project.objects.select_for_update().get(pk=allocation.unit.project_id)
        allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
        if not allocation.active:
            raise ApiError("invalid_state", "该配租记录已释放。", field="allocation", status=409)
        allocation.active = False
        allocation.released_on = day
        allocation.release_reason = reason
        allocation.save()
        Unit.objects.filter(pk=allocation.unit_id).update(status=UnitStatus.AVAILABLE)
        offer = _offer_to_next(allocation.unit, acting_user=acting_user, on=day)
        head = offer.application if offer else None
        record(
            "rental_housing.allocation.release",
            actor=acting_user,
            obj=allocation,
            before={"active": True},
            after={"active": False, "reason": reason, "queue_head": head.pk if head else None},
            label="房源腾退释放，轮候配租",
            citation=S.CITE_CHOOSE,
        )
    return head


# -- 轮候配租通知 (第十七条) ------------------------------------------------------------------------------------
def _offer_to_next(unit: Unit, *, acting_user: Any, on: dt.date) -> UnitOffer | None:
    """Inside a transaction holding the project lock: offer `unit` to the first waiting applicant who has not
    declined it, in application order, with the numbered notice; none → the unit stays free."""
    declined = UnitOffer.objects.filter(application=OuterRef("pk"), unit=unit, status=OfferStatus.DECLINED)
    head = (
        _waiting(unit.project_id)
        .exclude(Exists(declined))
        .exclude(allocations__active=True)
        .order_by("submitted_at", "id")
        .first()
    )
    if head is None:
        Unit.objects.filter(pk=unit.pk).update(status=UnitStatus.AVAILABLE)
        return None
    offer = UnitOffer.objects.create(application=head, unit=unit, offered_at=clock.now())
    if Unit.objects.filter(pk=unit.pk, status=UnitStatus.AVAILABLE).update(status=UnitStatus.OFFERED) != 1:
        raise ApiError("unit_unavailable", "该房源已不在空闲状态。", field="unit", status=409)
    case = engine.start(offer, actor=acting_user, on=on, label="发出轮候配租通知", cites=S.CITE_CHOOSE)
    # The notice's HTML is kept now and its PDF rendered on first download (documents.pdf_of): this runs under
    # the project's lock, where a release may offer many units, and rendering would hold every writer back.
    documents.issue(
        S.KIND_OFFER,
        template=S.OFFER_NOTICE_TEMPLATE,
        title="轮候配租通知书",
        on=on,
        actor=acting_user,
        case=case,
        recipient=head.name,
        citation=S.CITE_CHOOSE,
        context={"record": offer, "case": case, **S.offer_context(offer)},
        pdf=False,
    )
    record(
        "rental_housing.offer.make",
        actor=acting_user,
        obj=offer,
        after={"application": head.pk, "unit": unit.number, "status": offer.status},
        label="向轮候申请人发出配租通知",
        citation=S.CITE_CHOOSE,
    )
    return offer


def _accept(offer: UnitOffer, app: Application, acting_user: Any, on: dt.date) -> Allocation:
    """Inside a transaction holding the project and application locks."""
    if Unit.objects.filter(pk=offer.unit_id, status=UnitStatus.OFFERED).update(status=UnitStatus.LET) != 1:
        raise ApiError("unit_unavailable", "所通知的房源已不可选。", field="unit", status=409)
    engine.take(offer, "accept", actor=acting_user, on=on)
    return _allocate(app, offer.unit_id, acting_user, on, note=f"接受轮候配租通知：房源{offer.unit.number}")


def _pass_on(offer: UnitOffer, step: str, acting_user: Any, on: dt.date) -> UnitOffer | None:
    """Decline or cancel an open offer, then offer the unit to the next waiting applicant."""
    engine.take(offer, step, actor=acting_user, on=on)
    Unit.objects.filter(pk=offer.unit_id).update(status=UnitStatus.AVAILABLE)
    return _offer_to_next(offer.unit, acting_user=acting_user, on=on)


def answer_offer(offer: UnitOffer, *, acting_user: Any, accept: bool, on: dt.date | None = None) -> UnitOffer:
    """The applicant accepts (the unit is let to them) or declines (the unit is offered to the next waiting
    applicant in application order; the decliner keeps their place for the next unit that frees up)."""
    day = on or today()
    with transaction.atomic():
        Project.objects.select_for_update().get(pk=offer.unit.project_id)
        offer = UnitOffer.objects.select_for_update().select_related("unit").get(pk=offer.pk)
        app = Application.objects.select_for_update().get(pk=offer.application_id)
        if accept:
            engine.check_step(offer, "accept")
            engine.check_step(app, "allocate")
            _accept(offer, app, acting_user, day)
        else:
            _pass_on(offer, "decline", acting_user, day)
    offer.refresh_from_db()
    return offer


def cancel_offer(offer: UnitOffer, *, acting_user: Any, on: dt.date) -> UnitOffer | None:
    """The applicant gave up while holding an offer: cancelled, passed on (inside the caller's lock)."""
    return _pass_on(offer, "cancel", acting_user, on)


def open_offer(app: Application) -> UnitOffer | None:
    return (
        UnitOffer.objects.filter(application=app, status=OfferStatus.OPEN)
        .select_related("unit", "unit__project")
        .first()
    )


def offered_on(offer: UnitOffer) -> dt.date:
    return timezone.localdate(offer.offered_at)
