"""A person's year: the summary the API and pages show, the 先诊疗后付费 flags (第二十条), and settling a person's
year again with the parameters in force (the job of services.jobs: a 第二十六条 adjustment or a corrected income
changes the year of the persons it touches)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from ezhou_platform.common import clock
from ezhou_rules.core.dates import cn_date
from ezhou_rules.medical_assistance.parameters_tree import CLASS_LABELS
from ezhou_rules.medical_assistance.recipients import pay_after_treatment, pay_after_treatment_person

from ..models import Claim, Person, Recovery, Settlement, YearAccount
from .common import tree
from .identities import class_on, identities_on
from .resettle import resettle
from .reversals import recovery_out


def year_summary(person: Person, year: int) -> dict[str, Any]:
    params = tree()
    today = clock.today()
    day = min(max(today, dt.date(year, 1, 1)), dt.date(year, 12, 31))
    cls = class_on(person, day)
    account = YearAccount.objects.filter(person=person, year=year).first()
    state = account or YearAccount(person=person, year=year)
    out: dict[str, Any] = {
        "year": year,
        "person_class": cls,
        "class_label": CLASS_LABELS.get(cls or 0, "非救助对象"),
        "identities": [
            {
                "kind": i.kind,
                "label": i.get_kind_display(),
                "valid_from": i.valid_from,
                "valid_until": i.valid_until,
            }
            for i in person.identities.all()
        ],
        "self_pay": state.self_pay,
        "basic_paid": state.basic_paid,
        "tilted_paid": state.tilted_paid,
        "tilted_base": state.tilted_base,
        "hospital_borne": state.hospital_borne,
        "remaining_deductible": None,
        "remaining_cap": None,
        "settlements": Settlement.objects.filter(person=person, year=year).count(),
        "pay_after_treatment_eligible": pay_after_treatment_eligible(person, day),
        "recoverable": sum(
            r.amount for r in Recovery.objects.filter(person=person, year=year, state=Recovery.State.OPEN)
        ),
        "recoveries": [
            recovery_out(r)
            for r in Recovery.objects.filter(person=person, year=year).select_related("adjustment__claim")
        ],
    }
    if cls is not None:
        out["remaining_deductible"] = max(
            params.get(f"basic.deductible.class_{cls}", day) - state.self_pay, 0
        )
        out["remaining_cap"] = max(params.get(f"basic.cap.class_{cls}", day) - state.basic_paid, 0)
    return out


def pay_after_treatment_eligible(person: Person, day: dt.date) -> bool:
    """第二十条: whether the person's identities valid on ``day`` allow 先诊疗后付费 (classes 1, 2 and monitored
    rural persons; the admission must still be a referral from primary care to an in-city hospital)."""
    return pay_after_treatment_person([i.kind for i in identities_on(person, day)])


def claim_pay_after_treatment(claim: Claim) -> bool:
    """第二十条 for one claim: an eligible person (identities on the settlement date), referred from primary care,
    inpatient at an in-city designated hospital."""
    return pay_after_treatment(
        [i.kind for i in identities_on(claim.person, claim.settle_date)],
        referred_from_primary_care=claim.referred_from_primary_care,
        in_city_inpatient=claim.in_city and claim.kind == Claim.Kind.INPATIENT,
    )


def persons_with_claims(year: int) -> list[int]:
    """The persons whose year has surviving (settled, not reversed) claims, in id order: what a year's
    re-settlement goes through."""
    return list(
        Claim.objects.filter(settle_date__year=year, status=Claim.Status.SETTLED)
        .values_list("person_id", flat=True)
        .distinct()
        .order_by("person_id")
    )


def resettle_person_year(person_id: int, year: int, *, acting_user: Any, reason: str) -> list[Settlement]:
    """Settle one person's year again with the parameters in force today (M28): whatever changed (a dated
    第二十六条 value, an income entered or corrected) becomes adjustment entries with ``reason``; nothing changes
    for a person whose year comes out the same, so running it twice adds nothing."""
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person_id)
        _, adjustments = resettle(
            person, year, tree(), acting_user=acting_user, day=clock.today(), reason=reason
        )
    return adjustments


def resettle_reason(year: int, run_label: str) -> str:
    return (
        f"{cn_date(clock.today())}按现行参数重新结算{year}年度（{run_label}；"
        "第十一条、第十二条按年度累计，第二十六条标准调整或收入数值更正后适用）"
    )
