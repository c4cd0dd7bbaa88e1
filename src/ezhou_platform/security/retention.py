"""Retention (C27; PIPL 第十九条、第四十七条): personal data whose retention period has run out is anonymised.

The periods are the dated rules of `inventory.RETENTION` (docs/interpretations.md P1–P3). Anonymising replaces
names, ID numbers, phones and the like with fixed masks and keeps what statistics need (status, dates, amounts,
hospital level); the rows stay, so counts, fund ledgers and settlement totals do not change. The whole run is
one transaction with one audit record carrying the counts — never one audit record per person, which would
copy the very data being removed into the audit trail.

- rental.rejected  — 保障性租赁住房 applications 审核未通过 / 公示异议成立, 3 years after the case was closed
                     (`procedures.Case.closed_on`; the review date when the case has none);
- rental.withdrawn — applications given up (including leaving the waiting list), 3 years after closing;
- medical.claims   — a 医疗救助 person whose last claim, identity, application or recognition falls in a year
                     that ended 5 years ago: the person's name and ID number are masked (their claims,
                     settlements, year accounts and warnings keep their amounts, now about no one).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.db.models import Max

from ezhou_platform.common import clock

from .inventory import RETENTION, RetentionRule

MASK_NAME = "（已匿名化）"
MASK_ID = "*" * 18
MASK_PHONE = "*" * 11
PERSON_ID_PREFIX = "匿名"  # + 16 digits of the pk: Person.resident_id is unique and 18 characters long


@dataclass
class Plan:
    """What one rule would do (dry run) or did: the primary keys of the rows to anonymise."""

    rule: RetentionRule
    pks: list[int] = field(default_factory=list)
    within: int = 0  # rows of the same kind still within their retention


@dataclass
class Report:
    on: dt.date
    dry_run: bool
    plans: list[Plan]

    @property
    def counts(self) -> dict[str, int]:
        return {p.rule.key: len(p.pks) for p in self.plans}

    def lines(self) -> list[str]:
        verb = "将匿名化" if self.dry_run else "已匿名化"
        return [
            f"{p.rule.label}：{verb}{len(p.pks)}条，保存期内{p.within}条"
            f"（{p.rule.counts_from}起{p.rule.years}年；{p.rule.source}）"
            for p in self.plans
        ]


def add_years(day: dt.date, years: int) -> dt.date:
    """29 February plus N years is 28 February when that year has none (民法典 第二百零二条: the period ends on
    the corresponding day, or the month's last day when there is none)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def rule(key: str, on: dt.date) -> RetentionRule:
    """The rule in force on `on` (the latest `since` not after it)."""
    found = RETENTION[key]
    if found.since > on:
        raise LookupError(f"保存期限规则“{key}”自{found.since}起施行")
    return found


# -- rental housing --------------------------------------------------------------------------------------------
def _rental_plan(key: str, statuses: Iterable[str], on: dt.date) -> Plan:
    from django.contrib.contenttypes.models import ContentType

    from ezhou_platform.procedures.models import Case
    from ezhou_platform.rental_housing.models import Application

    r = rule(key, on)
    plan = Plan(r)
    rows = list(
        Application.objects.filter(status__in=list(statuses))
        .exclude(name=MASK_NAME)
        .values_list("pk", "reviewed_on", "submitted_on")
    )
    ct = ContentType.objects.get_for_model(Application)
    closed = {
        int(oid): day
        for oid, day in Case.objects.filter(
            content_type=ct, object_id__in=[pk for pk, _, _ in rows], closed_on__isnull=False
        ).values_list("object_id", "closed_on")
    }
    for pk, reviewed_on, submitted_on in rows:
        start = closed.get(pk) or reviewed_on or submitted_on
        if add_years(start, r.years) <= on:
            plan.pks.append(pk)
        else:
            plan.within += 1
    return plan


def _anonymise_rental(pks: list[int]) -> None:
    from ezhou_platform.rental_housing.models import Allocation, Application

    # The ID numbers are encrypted fields (C20): the update writes the mask encrypted, and the blind index is
    # rewritten with it, so the old number no longer finds the row.
    app_index = Application._meta.get_field("id_number").index_of(MASK_ID)  # type: ignore[union-attr]
    allocation_index = Allocation._meta.get_field("id_number").index_of(MASK_ID)  # type: ignore[union-attr]
    for app in Application.objects.filter(pk__in=pks).only("pk", "birth_date"):
        # the birth year stays (age statistics); the day and month go
        Application.objects.filter(pk=app.pk).update(
            name=MASK_NAME,
            id_number=MASK_ID,
            id_number_bidx=app_index,
            phone=MASK_PHONE,
            birth_date=dt.date(app.birth_date.year, 1, 1),
            homes=[],
            work_unit="",
            eligibility_trace=[],
        )
    Allocation.objects.filter(application_id__in=pks).update(
        id_number=MASK_ID, id_number_bidx=allocation_index
    )


# -- medical assistance ----------------------------------------------------------------------------------------
def _medical_plan(on: dt.date) -> Plan:
    """A person's retention counts from the end of the year of their last recorded activity."""
    from ezhou_platform.medical_assistance.models import (
        Application,
        CivilAffairsIdentity,
        Claim,
        Class4Recognition,
        Identity,
        Person,
        RuralIdentity,
    )

    r = rule("medical.claims", on)
    plan = Plan(r)
    last: dict[int, dt.date] = {
        pk: created.date() if isinstance(created, dt.datetime) else created
        # anonymised persons carry the mask as their name (their ID is encrypted: no prefix search, C20)
        for pk, created in Person.objects.exclude(name=MASK_NAME).values_list("pk", "created_at")
    }
    sources: list[tuple[type[models.Model], str]] = [
        (Claim, "settle_date"),
        (Identity, "valid_until"),
        (CivilAffairsIdentity, "valid_until"),
        (RuralIdentity, "valid_until"),
        (Application, "submitted_on"),
        (Class4Recognition, "submitted_on"),
    ]
    for model, date_field in sources:
        for pk, day in (
            model._default_manager.values("person_id")
            .annotate(last=Max(date_field))
            .values_list("person_id", "last")
        ):
            if pk in last and day is not None and day > last[pk]:
                last[pk] = day
    # an identity without an end date is current: the person is still a recipient, whatever the dates say
    ongoing: set[int] = set()
    for model in (Identity, CivilAffairsIdentity, RuralIdentity):
        ongoing.update(
            model._default_manager.filter(valid_until__isnull=True).values_list("person_id", flat=True)
        )
    for pk, day in last.items():
        if pk in ongoing:
            plan.within += 1
            continue
        # the year of the last activity ends; N years later the retention has run out
        if dt.date(day.year + 1 + r.years, 1, 1) <= on:
            plan.pks.append(pk)
        else:
            plan.within += 1
    return plan


def _anonymise_medical(pks: list[int]) -> None:
    from ezhou_platform.medical_assistance.models import Claim, Person

    field = Person._meta.get_field("resident_id")
    for pk in pks:
        anonymous = f"{PERSON_ID_PREFIX}{pk:016d}"
        Person.objects.filter(pk=pk).update(
            resident_id=anonymous,
            resident_id_bidx=field.index_of(anonymous),  # type: ignore[union-attr]
            name=MASK_NAME,
        )
    Claim.objects.filter(person_id__in=pks).exclude(pending_reason="").update(pending_reason="")


RULES: tuple[tuple[str, Callable[[dt.date], Plan], Callable[[list[int]], None]], ...] = (
    ("rental.rejected", lambda on: _rental_plan("rental.rejected", ("rejected", "disqualified"), on),
     _anonymise_rental),
    ("rental.withdrawn", lambda on: _rental_plan("rental.withdrawn", ("withdrawn",), on), _anonymise_rental),
    ("medical.claims", _medical_plan, _anonymise_medical),
)  # fmt: skip


def plan(on: dt.date | None = None) -> Report:
    on = on or clock.today()
    return Report(on, True, [make(on) for _key, make, _do in RULES])


def overdue(on: dt.date | None = None) -> dict[str, int]:
    """Rows past their retention and not yet anonymised, per rule (C27's figure: 0 after a run)."""
    return plan(on).counts


def run(*, actor: Any = None, dry_run: bool = False, on: dt.date | None = None) -> Report:
    """Anonymise every row past its retention, in one transaction with one audit record."""
    from ezhou_platform.common.audit.services import record

    on = on or clock.today()
    with transaction.atomic():
        report = Report(on, dry_run, [make(on) for _key, make, _do in RULES])
        if dry_run:
            return report
        for (_key, _make, do), p in zip(RULES, report.plans, strict=True):
            if p.pks:
                do(p.pks)
        record(
            "security.retention.run",
            actor=actor,
            object_type="security.retention",
            object_id=on.isoformat(),
            object_repr=f"到期个人信息清理（{on}）",
            after={
                "on": on.isoformat(),
                "anonymised": report.counts,
                "rules": {k: RETENTION[k].years for k in RETENTION},
            },
        )
    return report
