"""The printable 医疗救助结算单 of a claim: a numbered document (procedures.documents) on the base template,
issued the first time it is printed; printed again after its entries changed (an adjustment, the reversal) it
is a corrected version of the same number, the old version kept (M29)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ezhou_platform.common import clock
from ezhou_platform.common.audit.services import record
from ezhou_platform.procedures import documents, engine
from ezhou_platform.procedures.models import Document
from ezhou_rules.medical_assistance.parameters_tree import CLASS_LABELS

from ..cites import CITE_SETTLE, REMEDY
from ..models import Claim
from .common import ApiError
from .years import claim_pay_after_treatment

SLIP = "medical_assistance.settlement_slip"
TEMPLATE = "medical_assistance/documents/settlement_slip.html"


def slip_context(claim: Claim) -> dict[str, Any]:
    entries = list(claim.settlements.order_by("id"))
    sums = claim.sums()
    first = next((e for e in entries if e.kind == "settle"), None)
    return {
        "claim": claim,
        "person": claim.person,
        "entries": entries,
        "class_label": CLASS_LABELS.get(first.person_class, "") if first else "",
        "basic": sums["basic_aid"],
        "tilted": sums["tilted_aid"],
        "total": sums["basic_aid"] + sums["tilted_aid"],
        "borne": sums["hospital_borne"],
        "pay_after_treatment": claim_pay_after_treatment(claim),
    }


def print_slip(claim: Claim, *, acting_user: Any) -> Document:
    """The claim's current 医疗救助结算单: issued on the first print, a corrected version when the claim's
    entries changed since, otherwise the one already issued (no number is used up by printing twice)."""
    with transaction.atomic():
        claim = Claim.objects.select_for_update().select_related("person", "slip").get(pk=claim.pk)
        count = claim.settlements.count()
        if count == 0:
            raise ApiError(
                "not_settled", "该结算单尚未结算，没有可打印的医疗救助结算单。", field="status", status=409
            )
        if claim.slip is not None and claim.slip_entries == count:
            return claim.slip
        today = clock.today()
        context = slip_context(claim)
        if claim.slip is None:
            doc = documents.issue(
                SLIP,
                template=TEMPLATE,
                title=f"医疗救助结算单（结算单号{claim.claim_id}）",
                on=today,
                actor=acting_user,
                case=engine.case_of(claim),
                recipient=claim.person.name,
                citation=CITE_SETTLE,
                remedy=REMEDY,
                context=context,
            )
        else:
            doc = documents.correct(
                claim.slip,
                template=TEMPLATE,
                reason="结算单出具后发生冲销或重新结算调整，按最新记账重新出具",
                on=today,
                actor=acting_user,
                context=context,
            )
        Claim.objects.filter(pk=claim.pk).update(slip=doc, slip_entries=count)
        record(
            "medical_assistance.slip.issue",
            actor=acting_user,
            obj=claim,
            after={"number": doc.number, "version": doc.version, "entries": count},
            label="出具医疗救助结算单",
            citation=CITE_SETTLE,
        )
    return doc
