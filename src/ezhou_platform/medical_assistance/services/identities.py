"""Persons and their identities (第四条): registration, recognition by the department 第二十二条 names (民政 or
乡村振兴, M22, M25) and its end under 动态管理 (第四条第八款), and the class in force on a day (第六条)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import transaction
from django.db.models import Q

from ezhou_platform.common import clock
from ezhou_platform.common.audit.services import record
from ezhou_platform.procedures import engine
from ezhou_rules.core import ids
from ezhou_rules.core.trace import Trace
from ezhou_rules.medical_assistance.recipients import (
    IdentityKind,
    class_4_valid_until,
    recipient_class,
    recognised_by,
)

from ..cites import CITE_CLASSES, CIVIL_AFFAIRS
from ..models import CivilAffairsIdentity, Identity, Person, RuralIdentity
from .common import ApiError, check_past_date, tree


def register_person(*, resident_id: str, name: str, jurisdiction: Any, acting_user: Any) -> Person:
    try:
        number = ids.validate_resident_id(resident_id)
    except ids.InvalidIdentifier as exc:
        raise ApiError(
            "invalid_resident_id", f"公民身份号码无效：{exc}", field="resident_id", status=422
        ) from None
    if not name.strip():
        raise ApiError("invalid_name", "姓名不能为空。", field="name", status=422)
    with transaction.atomic():
        person, created = Person.objects.get_or_create(
            resident_id=number, defaults={"name": name.strip(), "jurisdiction": jurisdiction}
        )
        if created:
            record(
                "medical_assistance.person.register",
                actor=acting_user,
                obj=person,
                after={"resident_id": number, "name": person.name, "jurisdiction": jurisdiction.code},
                label="登记参保人员",
            )
    return person


def case_record(identity: Identity) -> Identity:
    """The identity as the record of its department's procedure (the proxy of 民政 or 乡村振兴)."""
    model = CivilAffairsIdentity if identity.source_department.code == CIVIL_AFFAIRS else RuralIdentity
    return model.objects.select_related("person", "source_department").get(pk=identity.pk)


def record_identity(
    person: Person,
    *,
    kind: str,
    source_department: Any,
    valid_from: dt.date,
    evidence: str,
    acting_user: Any,
    valid_until: dt.date | None = None,
) -> Identity:
    """Record an identity recognised by the department 第二十二条 names for it — 民政 or 乡村振兴, not either
    (第四条第八款, M22): it opens (and, being decided, closes) a case of that department. A 因病致贫重病患者 identity
    is valid 12 months from recognition (第四条第七款) unless an earlier end is given. The start is a recognition
    already made: not after today, not before the person was born."""
    kind = IdentityKind.of(kind)
    valid_until = check_identity(
        person,
        kind=kind,
        source_department=source_department,
        valid_from=valid_from,
        valid_until=valid_until,
        evidence=evidence,
    )
    model = CivilAffairsIdentity if source_department.code == CIVIL_AFFAIRS else RuralIdentity
    who = recognised_by(kind)
    with transaction.atomic():
        identity = model.objects.create(
            person=person,
            kind=kind.value,
            source_department=source_department,
            valid_from=valid_from,
            valid_until=valid_until,
            evidence=evidence.strip(),
        )
        engine.start(identity, actor=acting_user, on=clock.today(), label=f"认定{kind.label}", cites=who.cite)  # type: ignore[attr-defined]
        record(
            "medical_assistance.identity.record",
            actor=acting_user,
            obj=identity,
            after={
                "kind": kind.value,
                "source_department": source_department.code,
                "valid_from": valid_from.isoformat(),
                "valid_until": valid_until.isoformat() if valid_until else None,
                "evidence": identity.evidence,
            },
            label="登记救助身份",
            citation=who.cite,
        )
    return identity


def check_identity(
    person: Person,
    *,
    kind: IdentityKind,
    source_department: Any,
    valid_from: dt.date,
    valid_until: dt.date | None,
    evidence: str,
) -> dt.date | None:
    """The checks of record_identity, for forms that show errors by field before saving; returns the end
    (a 因病致贫重病患者 identity ends 12 months after its start at the latest)."""
    who = recognised_by(kind)
    if source_department.code != who.department:
        raise ApiError(
            "invalid_source_department",
            f"“{kind.label}”由{who.label}认定（{who.cite.split(' ', 1)[1]}），认定部门应为{who.label}。",  # type: ignore[attr-defined]
            field="source_department",
            status=422,
        )
    birth = ids.birth_date(person.resident_id)
    check_past_date(valid_from, "有效期起", "valid_from", earliest=birth, earliest_label="本人出生日期")
    if kind == IdentityKind.ILLNESS_POVERTY:
        limit = class_4_valid_until(tree(), valid_from)
        valid_until = min(valid_until, limit) if valid_until else limit
    if valid_until is not None and valid_until < valid_from:
        raise ApiError("invalid_validity", "有效期止不能早于有效期起。", field="valid_until", status=422)
    if not evidence.strip():
        raise ApiError(
            "missing_evidence", "请填写认定依据（文书编号或证明材料）。", field="evidence", status=422
        )
    return valid_until


def end_identity(identity: Identity, *, ended_on: dt.date, reason: str, acting_user: Any) -> Identity:
    """动态管理 (第四条第八款): the recognising department ends an identity; ``ended_on`` is its last day (not
    after today, not before its start). Claims already settled keep their class (M2)."""
    if not reason.strip():
        raise ApiError("missing_reason", "请写明终止原因（如不再符合认定条件）。", field="reason", status=422)
    check_past_date(ended_on, "终止日期", "ended_on", earliest=identity.valid_from, earliest_label="有效期起")
    rec = case_record(identity)
    engine.take(
        rec,
        "end",
        actor=acting_user,
        on=clock.today(),
        note=reason.strip(),
        data={"ended_on": ended_on, "reason": reason},
    )
    return rec


# Within one settlement request the same person's identities on the same day are asked for three times (is the
# claim settled at once, its class, 先诊疗后付费 in the answer); `same_identities()` lets that request read them
# once. Only for a block that writes no identity: outside it every call reads the database.
_memo: ContextVar[dict[tuple[int, dt.date], list[Identity]] | None] = ContextVar(
    "identities_memo", default=None
)


@contextmanager
def same_identities() -> Iterator[None]:
    """Within the block, identities_on(person, day) reads the database once per (person, day)."""
    if _memo.get() is not None:  # nested: the outer block's memo serves
        yield
        return
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def identities_on(person: Person, day: dt.date) -> list[Identity]:
    memo = _memo.get()
    if memo is not None and (person.pk, day) in memo:
        return memo[(person.pk, day)]
    found = list(
        person.identities.filter(valid_from__lte=day).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=day)
        )
    )
    if memo is not None:
        memo[(person.pk, day)] = found
    return found


def class_on(person: Person, day: dt.date, trace: Trace | None = None) -> int | None:
    """The class in force on ``day``: the highest of the identities valid that day (第六条)."""
    kinds = [i.kind for i in identities_on(person, day)]
    return recipient_class(kinds, trace=trace) if trace is not None else recipient_class(kinds)


__all__ = [
    "CITE_CLASSES",
    "case_record",
    "check_identity",
    "class_on",
    "end_identity",
    "identities_on",
    "record_identity",
    "register_person",
    "same_identities",
]
