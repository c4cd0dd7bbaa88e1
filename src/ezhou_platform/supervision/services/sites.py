"""Delivery sites of 28号 (``supervision.site``): registered with their operators, functions and place in the
jurisdiction register, moved through their dated states by the postal administration, and the villages
designated as dispersed.

A site is checked by the rules against the register before it is written: a jurisdiction outside every
loaded one (``site_outside_jurisdictions``), above the site's level, no operator — refused with every problem,
nothing written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from ezhou_platform.common import clock
from ezhou_platform.common.audit.services import record as audit
from ezhou_platform.common.models import Jurisdiction, Organisation
from ezhou_platform.procedures import engine
from ezhou_rules.supervision.errors import SupervisionError
from ezhou_rules.supervision.rural_delivery import DOCUMENT, level_specs
from ezhou_rules.supervision.rural_delivery.sites import Site as RulesSite
from ezhou_rules.supervision.rural_delivery.sites import SiteState as RulesState
from ezhou_rules.supervision.rural_delivery.sites import site_table

from ..models import DispersedVillage, Plan, Site, SiteOperator, SiteState
from .coverage import register

PREFIX = {"district": "QJ", "township": "XZ", "village": "CJ"}
STEPS = {
    "start_building": "building",
    "open_site": "operating",
    "suspend": "suspended",
    "close_site": "closed",
}
INITIAL = ("planned", "building", "operating")


def _code(level: str) -> str:
    prefix = PREFIX[level]
    last = (
        Site.objects.filter(code__startswith=prefix).order_by("-code").values_list("code", flat=True).first()
    )
    n = int(last[len(prefix) :]) + 1 if last and last[len(prefix) :].isdigit() else 1
    return f"{prefix}{n:05d}"


def register_site(
    plan: Plan,
    *,
    name: str,
    level: str,
    jurisdiction: Jurisdiction,
    operators: Sequence[Organisation],
    functions: Sequence[str],
    state: str,
    since: dt.date,
    actor: Any,
    address: str = "",
) -> Site:
    """Register a site in its first state (规划, 在建 or 运营 from ``since``) and open its case."""
    if not name.strip():
        raise SupervisionError("name_missing", "请填写“站点名称”。", field="站点名称")
    if state not in INITIAL:
        raise SupervisionError("site_state_unknown", "登记时的状态应为规划、在建或运营。", field="站点状态")
    if since > clock.today():
        raise SupervisionError("state_in_future", "“状态起始日期”不能晚于今天。", field="状态起始日期")
    candidate = RulesSite(
        id="new",
        name=name.strip(),
        level=level,
        jurisdiction=jurisdiction.code,
        operators=tuple(o.name for o in operators),
        functions=tuple(functions),
        history=(RulesState(since, state),),
    )
    site_table([candidate], register(since))  # the rules refuse it with every problem; nothing written yet
    with transaction.atomic():
        site = Site.objects.create(
            plan=plan,
            code=_code(level),
            name=name.strip()[:100],
            level=level,
            jurisdiction=jurisdiction,
            address=address.strip()[:200],
            functions=list(functions),
            status=state,
            registered_by=actor,
        )
        SiteOperator.objects.bulk_create(
            SiteOperator(site=site, position=k, organisation=o)
            for k, o in enumerate(dict.fromkeys(operators))
        )
        SiteState.objects.create(site=site, state=state, since=since, recorded_by=actor, note="登记")
        cite = level_specs()[level].citation
        engine.start(
            site, actor=actor, on=since, label=f"登记站点（{site.get_status_display()}）", cites=cite
        )
        audit(
            "supervision.site.register",
            actor=actor,
            obj=site,
            after={
                "code": site.code,
                "level": level,
                "jurisdiction": jurisdiction.code,
                "operators": [o.name for o in operators],
                "state": state,
                "since": since.isoformat(),
            },
            label=f"登记寄递物流站点：{site.name}",
            citation=cite,
        )
    return site


def change_state(site: Site, step: str, *, on: dt.date, actor: Any, note: str = "") -> Site:
    """A dated change of state (开工、投入运营、暂停、撤销) and its entry in the history, in one transaction."""
    if step not in STEPS:
        raise SupervisionError("unknown_step", f"站点没有“{step}”这一办理环节。", field="环节")
    with transaction.atomic():
        engine.take(site, step, actor=actor, on=on, note=note)
        SiteState.objects.create(site=site, state=STEPS[step], since=on, recorded_by=actor, note=note[:300])
    return site


def designate_dispersed(village: Jurisdiction, *, since: dt.date, basis: str, actor: Any) -> DispersedVillage:
    """A village 村民居住分散、进出快件量较大 (三（一）3): more than two service points there are not flagged."""
    if village.level != Jurisdiction.Level.VILLAGE:
        raise SupervisionError(
            "not_a_village",
            f"“{village.name}”不是建制村（村、社区）级辖区。",
            field="建制村",
            rule=f"{DOCUMENT} 三（一）3",
        )
    if not basis.strip():
        raise SupervisionError(
            "basis_missing", "请填写“认定依据”。", field="认定依据", rule=f"{DOCUMENT} 三（一）3"
        )
    open_ = DispersedVillage.objects.filter(jurisdiction=village, until__isnull=True)
    if open_.exists():
        raise SupervisionError(
            "already_designated", f"{village.name}已认定为居住分散的建制村。", field="建制村"
        )
    with transaction.atomic():
        row = DispersedVillage.objects.create(
            jurisdiction=village, since=since, basis=basis.strip()[:300], recorded_by=actor
        )
        audit(
            "supervision.dispersed.record",
            actor=actor,
            obj=row,
            after={"village": village.code, "since": since.isoformat(), "basis": row.basis},
            label=f"认定居住分散的建制村：{village.name}",
            citation=f"{DOCUMENT} 三（一）3",
        )
    return row


def end_dispersed(row: DispersedVillage, *, until: dt.date, actor: Any) -> DispersedVillage:
    if row.until is not None:
        raise SupervisionError("already_ended", "该认定已终止。", field="终止日期")
    if until < row.since:
        raise SupervisionError("until_before_since", "“终止日期”不能早于认定日期。", field="终止日期")
    with transaction.atomic():
        DispersedVillage.objects.filter(pk=row.pk).update(until=until)
        row.refresh_from_db()
        audit(
            "supervision.dispersed.end",
            actor=actor,
            obj=row,
            before={"until": None},
            after={"until": until.isoformat()},
            label=f"终止居住分散认定：{row.jurisdiction.name}",
            citation=f"{DOCUMENT} 三（一）3",
        )
    return row
