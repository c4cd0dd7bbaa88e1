"""Collection of the surcharge (第十五条, 第十六条) on the notice's case: the unit acknowledges the notice (签收) or
a clerk records its delivery, which starts the unit's periods to pay and to object; unpaid after them, a
《征收催告单》 twice; still unpaid after the second, the unit is listed for the social credit platform (by
another person than the one who issued the notice). Every step is a transition of ``SurchargeNotice``."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import transaction

from ezhou_platform.procedures import documents, engine
from ezhou_platform.procedures.models import Document

from .. import steps
from ..models import CollectionReminder, SurchargeNotice, WaterUnit
from .common import take
from .settlement import NOTICE_TEMPLATE, notice_context

_NUMBER = re.compile(r"〔(?P<year>\d{4})〕(?P<seq>\d+)号$")


def unpaid_overdue(unit: WaterUnit, on: dt.date) -> list[SurchargeNotice]:
    """Notices in force whose payment period has passed unpaid (第十三条第（七）项, 第十六条)."""
    return SurchargeNotice.unpaid_overdue(unit.pk, on)


def deliver_notice(notice: SurchargeNotice, on: dt.date, *, actor: Any) -> SurchargeNotice:
    """The unit received the notice (its own 签收 on the platform, or a delivery a clerk records): the
    10-working-day periods to object (第十五条) and to pay (第十六条) start. Already received: unchanged."""
    if notice.received_on:
        return notice
    take(notice, "deliver", actor=actor, on=on)
    return notice


def record_payment(notice: SurchargeNotice, on: dt.date, *, actor: Any) -> SurchargeNotice:
    """第十六条第一款: the surcharge was paid (also after a credit listing)."""
    take(notice, "pay", actor=actor, on=on)
    return notice


def issue_reminder(
    notice: SurchargeNotice, on: dt.date, pay_by: dt.date, *, actor: Any
) -> CollectionReminder:
    """第十六条第二款: after the payment period, the first numbered 《征收催告单》; after the first's pay-by date,
    the second. The pay-by date is the clerk's (W11) and becomes the unit's period."""
    with transaction.atomic():
        event = take(notice, "remind", actor=actor, on=on, data={"pay_by": pay_by})
        assert event.document is not None  # the step issues the 催告单
        return CollectionReminder.objects.create(
            notice=notice,
            sequence=notice.reminders.count() + 1,
            number=event.document.number,
            issued_on=on,
            pay_by=pay_by,
            document=event.document,
        )


def list_for_credit(notice: SurchargeNotice, on: dt.date, *, actor: Any) -> SurchargeNotice:
    """Unpaid after the second reminder → listed for the social credit platform (第十六条第二款)."""
    take(notice, "credit_list", actor=actor, on=on)
    return notice


def ensure_document(notice: SurchargeNotice) -> Document | None:
    """The notice's numbered document; for a first version issued before issue 9 (its number already counted),
    kept now from its record (``documents.adopt``) so that an appeal can correct it. None for an older
    corrected version, whose page keeps rendering its record."""
    if notice.document_id is not None:
        return notice.document
    match = _NUMBER.search(notice.number)
    if notice.version != 1 or match is None:
        return None
    try:
        doc = documents.adopt(
            steps.SURCHARGE_NOTICE,
            seq=int(match["seq"]),
            year=int(match["year"]),
            number=notice.number,
            template=NOTICE_TEMPLATE,
            title=f"{notice.unit.name}{notice.year}年度超计划用水加价收费通知单",
            on=notice.issued_on,
            actor=None,
            case=engine.case_of(notice),
            recipient=f"{notice.unit.name}（统一社会信用代码 {notice.unit.uscc}）",
            citation=steps.cite("第十四条"),
            remedy=steps.NOTICE_REMEDY,
            context=notice_context(notice),
        )
    except documents.DocumentError:
        return None  # a number no counter has reached: a record made by hand, rendered from itself
    notice.document = doc
    notice.save(update_fields=["document"])
    return doc
