"""Issue 15: the year's issuance and settlement, written in bulk, give what the per-unit path gives — each plan
what ``compute_plan`` recomputes from its stored inputs, each notice the per-unit assessment and surcharge, and
each notice's document exactly the HTML the template renders from ``notice_context`` (the per-unit trace)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.template.loader import render_to_string
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ezhou_platform.procedures import documents, engine
from ezhou_platform.water_plan import services, steps
from ezhou_platform.water_plan.models import (
    CoefficientEvent,
    PlanChange,
    PlanFinding,
    SupplierAccount,
    SurchargeNotice,
    YearlyPlan,
)
from ezhou_platform.water_plan.services.settlement import NOTICE_TEMPLATE
from ezhou_rules.water_plan import settlement as settlement_rules

from .conftest import make_unit, monthly


class Undo(Exception):
    """Rolls one example's data back."""


UNIT = st.tuples(
    st.lists(st.integers(0, 3000), min_size=4, max_size=4),  # m³ a month in 2021–2024
    st.sampled_from([None, "retrofit_filed", "statistics_late", "unconventional_used"]),
    st.booleans(),  # a 第八条第（一）项 finding of −100 m³
    st.integers(-5000, 5000),  # a 第十条 adjustment after issuance (0: none), hundredths of m³
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(UNIT, min_size=1, max_size=5))
def test_bulk_issue_and_settle_match_the_per_unit_path(demo_users, tiers, units):
    clerk = demo_users["shuiwu_clerk"]
    try:
        with transaction.atomic():
            made = []
            for i, (volumes, event, finding, change) in enumerate(units):
                u = make_unit(f"测试<单位>&\"{i}'", f"914207000000{i:05d}")
                acct = SupplierAccount.objects.create(unit=u, number=f"T-{i}")
                for year, m3 in zip(range(2021, 2025), volumes, strict=True):
                    monthly(acct, year, m3)
                if event:
                    CoefficientEvent.objects.create(
                        unit=u,
                        kind=event,
                        on=dt.date(2023, 5, 15),
                        evidence="记录",
                        recorded_by=clerk,
                        status="applied",
                    )
                if finding:
                    PlanFinding.objects.create(
                        unit=u,
                        year=2024,
                        basis="art8-item1",
                        delta_m3x100=-10000,
                        reason="未达定额",
                        evidence="记录",
                        recorded_by=clerk,
                    )
                made.append((u, volumes, change))
            # chunks of two units: several chunks, each its own transaction and audit record
            report = services.issue_plans(2024, actor=clerk, issued_on=dt.date(2024, 1, 20), chunk=2)
            plans = {p.unit_id: p for p in YearlyPlan.objects.filter(year=2024)}
            assert report.issued == len(plans)
            for u, volumes, change in made:
                if u.pk not in plans:
                    assert any(name == u.name for name, _ in report.failed)  # the finding exceeds the plan
                    continue
                p = plans[u.pk]
                assert p.inputs["history"] == [v * 1200 for v in volumes[:3]]
                assert p.volume_m3x100 == services.compute_plan(p.inputs, 2024)
                if change:
                    PlanChange.objects.create(
                        plan=p,
                        kind="adjustment",
                        delta_m3x100=change,
                        reason="调整",
                        citation="第十条",
                        decided_on=dt.date(2024, 6, 1),
                        decided_by=clerk,
                    )
            created = services.settle_year(2024, actor=clerk, issued_on=dt.date(2025, 1, 10), chunk=2)
            notices = {
                n.unit_id: n for n in SurchargeNotice.objects.filter(year=2024).select_related("document")
            }
            assert created == len(notices)
            tiers_ = services.tiers_for(2024)
            for u, volumes, change in made:
                if u.pk not in plans:
                    continue
                p = plans[u.pk]
                _, plan_v, excess = settlement_rules.assessment(
                    [volumes[3] * 1200], [0], [p.volume_m3x100], [change], [0], [0]
                )
                if excess[0] == 0:
                    assert u.pk not in notices
                    continue
                n = notices[u.pk]
                bands, total = settlement_rules.surcharge(
                    plan_v, excess, tiers_.bounds, tiers_.multipliers, tiers_.price
                )
                assert (n.plan_m3x100, n.excess_m3x100, n.amount_fen) == (plan_v[0], excess[0], total[0])
                assert n.bands["amounts"] == bands[0].tolist()
                assert n.number == n.document.number and n.money_mac == n.compute_money_mac()
                doc = n.document
                expected = render_to_string(
                    NOTICE_TEMPLATE,
                    documents._context(
                        documents.kind(steps.SURCHARGE_NOTICE),
                        doc.number,
                        title=doc.title,
                        recipient=doc.recipient,
                        citation=doc.citation,
                        remedy=doc.remedy,
                        on=doc.issued_on,
                        department=doc.department,
                        extra=services.notice_context(n),
                    ),
                )
                assert doc.html == expected
                # the document's record as issue_many wrote it: its case (the notice's), who issued it, its
                # words; HTML as issued, the PDF on first download
                case = engine.case_of(n)
                assert case is not None and doc.case_id == case.pk and case.state == "issued"
                assert case.title == f"{u.name}2024年度超计划用水加价水费（{n.number}）"
                assert case.events.get().step == "start"
                assert (doc.title, doc.recipient) == (
                    f"{u.name}2024年度超计划用水加价收费通知单",
                    f"{u.name}（统一社会信用代码 {u.uscc}）",
                )
                assert (doc.issued_by, doc.issued_on, doc.version, doc.year) == (
                    clerk,
                    dt.date(2025, 1, 10),
                    1,
                    2024,
                )
                assert (doc.kind, doc.kind_label) == (
                    steps.SURCHARGE_NOTICE,
                    "超计划、超定额用水加价收费通知单",
                )
                assert (bytes(doc.pdf), doc.sha256, doc.supersedes_id) == (b"", "", None)
            assert services.settle_year(2024, actor=clerk, issued_on=dt.date(2025, 1, 10)) == 0  # idempotent
            raise Undo
    except Undo:
        pass
