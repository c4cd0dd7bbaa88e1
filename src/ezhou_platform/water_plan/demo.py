"""Demo records for a fresh `make run`, dated relative to the platform clock's today.

Today's year is the plan year in force (or last year's, before 20 January when this year's plans are issued);
last year is assessed (its notices were issued on 15 January), the year before has been collected. Requests,
notices and appeals are placed at every stage the calendar allows today: a pending "other" emergency, an
approved and a refused supplement, a construction request with its monthly reports, a plan change from a
coefficient case with its notice, adjustments (pending while the 第十条 window is open, else decided), a
pending appeal, an upheld one with a paid new version, a reminder, a credit listing. Every date is one the
steps accept today, so the deadline board shows nothing overdue by months. Idempotent: each block runs once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from ezhou_platform.common import clock
from ezhou_platform.common.calendar import platform_calendar
from ezhou_platform.common.models import ConfiguredValue, Department, Jurisdiction, User
from ezhou_rules.core.ids import uscc_check_char

from . import services
from .models import (
    AdjustmentRequest,
    Appeal,
    CoefficientEvent,
    MeterReading,
    PlanFinding,
    PlanRequest,
    SupplementRequest,
    SupplierAccount,
    SurchargeNotice,
    WaterUnit,
    YearlyPlan,
)

DEMO_UNITS = (
    # name, USCC body (17 chars; the check character is computed), jurisdiction, industry, started, monthly m³
    ("鄂州示范制造有限公司", "91420700MA49XK5L2Y", "gedian", "通用设备制造", dt.date(2019, 3, 1), 1200),
    ("鄂州市第一中学", "12420700MB1234567", "echeng", "教育", dt.date(2015, 9, 1), 800),
    ("华容区人民医院", "12420703MB7654321", "huarong", "卫生", dt.date(2022, 5, 1), 950),
    ("葛店食品饮料有限公司", "91420700MA4ABCDE1", "gedian", "饮料制造", dt.date(2018, 1, 1), 3000),
)
# A one-page PDF standing for an uploaded proof (the platform checks the type by the first bytes).
DEMO_PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ISSUE_DAY = (1, 20)  # plans issued on 20 January (第九条: by 31 January)
SETTLE_DAY = (1, 15)  # last year's notices issued on 15 January (第十四条)


def _uscc(body: str) -> str:
    return body if len(body) == 18 else body + uscc_check_char(body)


class _Clock:
    """Dates of the demo, counted from today on the platform's calendar."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.cal = platform_calendar()
        issue_this_year = dt.date(today.year, *ISSUE_DAY)
        self.year = today.year if today >= issue_this_year else today.year - 1  # the plan year in force
        self.issued = dt.date(self.year, *ISSUE_DAY)
        # the last day the plan year's own requests can carry: today, or 31 December of last year in early
        # January (第十二条: supplements close with the year)
        self.pivot = min(today, dt.date(self.year, 12, 31))

    def back(
        self, workdays: int, *, not_before: dt.date | None = None, start: dt.date | None = None
    ) -> dt.date:
        """``workdays`` working days before ``start`` (default: the pivot), not before ``not_before`` (default:
        the plan's issue)."""
        start = start or self.pivot
        day = self.cal.add_workdays(start, -workdays) if workdays else start
        return max(day, not_before or self.issued)

    def after(self, day: dt.date, workdays: int) -> dt.date:
        """``workdays`` working days after ``day``, but not after today."""
        return min(self.cal.add_workdays(day, workdays), self.today)


def _units(water: Department) -> dict[str, WaterUnit]:
    out = {}
    for name, body, juris, industry, started, _ in DEMO_UNITS:
        unit, _ = WaterUnit.objects.update_or_create(
            uscc=_uscc(body),
            defaults={
                "name": name,
                "department": water,
                "jurisdiction": Jurisdiction.objects.get(code=juris),
                "industry": industry,
                "normal_use_started": started,
                "contact_name": "联系人",
            },
        )
        SupplierAccount.objects.get_or_create(number=f"EZ{unit.pk:06d}", defaults={"unit": unit})
        out[name] = unit
    return out


def _readings(units: dict[str, WaterUnit], first_year: int, today: dt.date) -> None:
    """Monthly volumes of every month that has ended, from ``first_year``: growing a little each year."""
    rows = []
    have = set(
        MeterReading.objects.filter(account__unit__in=units.values(), kind="monthly").values_list(
            "account_id", "period"
        )
    )
    for name, _, _, _, _, monthly in DEMO_UNITS:
        acct = units[name].accounts.get()
        for year in range(first_year, today.year + 1):
            for month in range(1, 13):
                period = dt.date(year, month, 1)
                ended = dt.date(year + month // 12, month % 12 + 1, 1) <= today
                if ended and (acct.pk, period) not in have:
                    volume = (monthly + 10 * (year - first_year) + month) * 100
                    rows.append(
                        MeterReading(account=acct, kind="monthly", period=period, volume_m3x100=volume)
                    )
    MeterReading.objects.bulk_create(rows)


def _tiers(water: Department, clerk: User) -> None:
    for name, value in (
        ("surcharge.band_upper_bounds", ["10%", "30%"]),
        ("surcharge.multipliers", ["0.5", "1", "2"]),
        ("surcharge.base_price", 258),
    ):
        if not ConfiguredValue.objects.filter(tree="water_plan", name=name).exists():
            ConfiguredValue.objects.create(
                tree="water_plan",
                name=name,
                valid_from=dt.date(2022, 7, 11),
                value=value,
                source="演示数据（非鄂州实际取值）",
                department=water,
                entered_by=clerk,
            )


def _notice(units: dict[str, WaterUnit], name: str, year: int) -> SurchargeNotice | None:
    return SurchargeNotice.objects.filter(unit=units[name], year=year, version=1).first()


def _collected_year(c: _Clock, units: dict[str, WaterUnit], clerk: User, head: User) -> None:
    """The year before last: notices delivered, paid — and one listed for the social credit platform."""
    year = c.year - 2
    issued = dt.date(year + 1, *SETTLE_DAY)
    for name in units:
        n = _notice(units, name, year)
        if n is None or n.received_on:
            continue
        services.deliver_notice(n, issued + dt.timedelta(days=1), actor=clerk)
        if name != "华容区人民医院":
            services.record_payment(n, c.cal.add_workdays(issued, 8), actor=clerk)
            continue
        # unpaid: two reminders (第十六条第二款), then listed after the second's pay-by date
        assert n.payment_due is not None
        first = c.cal.add_workdays(n.payment_due, 1)
        r1 = services.issue_reminder(n, first, first + dt.timedelta(days=15), actor=clerk)
        second = c.cal.add_workdays(r1.pay_by, 1)
        r2 = services.issue_reminder(n, second, second + dt.timedelta(days=15), actor=clerk)
        # a second person lists it (四眼原则: the clerk who issued the notice does not)
        services.list_for_credit(n, c.cal.add_workdays(r2.pay_by, 1), actor=head)


def _assessed_year(c: _Clock, units: dict[str, WaterUnit], clerk: User, head: User) -> None:
    """Last year's notices: a pending appeal, an upheld appeal with its paid new version, a reminder, a payment."""
    year = c.year - 1
    issued = dt.date(year + 1, *SETTLE_DAY)
    delivered = issued + dt.timedelta(days=1)
    # the demo enterprise's notice reached it late; its appeal (第十五条) awaits the department
    n = _notice(units, "鄂州示范制造有限公司", year)
    if n is not None and not n.received_on:
        # the unit acknowledged it on the platform (签收) and objected there (第十五条)
        unit_user = User.objects.get(username="enterprise")
        services.deliver_notice(n, c.back(3, not_before=delivered, start=c.today), actor=unit_user)
        services.file_appeal(
            n,
            c.back(1, not_before=n.received_on, start=c.today),
            "12月抄表读数偏高，申请核实",
            actor=unit_user,
        )
    # upheld: version 2 delivered on the decision day and paid
    n = _notice(units, "鄂州市第一中学", year)
    if n is not None and not n.received_on:
        services.deliver_notice(n, delivered, actor=clerk)
        appeal = services.file_appeal(n, c.after(delivered, 1), "寒假期间停水，12月读数有误", actor=clerk)
        services.decide_appeal(
            appeal,
            True,
            "经现场核实，12月实际用水量少计入100立方米",
            actor=head,
            on=c.after(appeal.received_on, 2),
            corrected_actual_m3x100=n.actual_m3x100 - 10000,
        )
        assert appeal.new_notice is not None
        services.record_payment(appeal.new_notice, c.after(appeal.new_notice.issued_on, 1), actor=clerk)
    # unpaid after the payment period: the first reminder, recently
    n = _notice(units, "华容区人民医院", year)
    if n is not None and not n.received_on:
        services.deliver_notice(n, delivered, actor=clerk)
        assert n.payment_due is not None
        remind_on = c.back(5, not_before=c.cal.add_workdays(n.payment_due, 1), start=c.today)
        if remind_on <= c.today:
            services.issue_reminder(n, remind_on, remind_on + dt.timedelta(days=15), actor=clerk)
    n = _notice(units, "葛店食品饮料有限公司", year)
    if n is not None and not n.received_on:
        services.deliver_notice(n, delivered, actor=clerk)
        services.record_payment(n, c.after(delivered, 6), actor=clerk)


def _plan_year(c: _Clock, units: dict[str, WaterUnit], clerk: User, head: User) -> None:
    """This year's plans: supplements at each stage, construction water, a coefficient case, adjustments."""
    plan = {name: YearlyPlan.objects.get(unit=u, year=c.year) for name, u in units.items()}
    if not SupplementRequest.objects.filter(plan__year=c.year).exists():
        event = c.back(15)
        fire = services.file_supplement(
            plan["鄂州市第一中学"],
            "fire",
            event,
            c.after(event, 1),
            {"volume": "35.5", "source": "fire_meter"},
            actor=clerk,
            paper_materials=True,
        )
        services.approve_supplement(fire, actor=head, on=c.after(fire.received_on, 2))
        event = c.back(10)
        drill = services.file_supplement(
            plan["华容区人民医院"],
            "drill_cleaning",
            event,
            c.after(event, 1),
            {"kind": "drill", "metered": False, "per_event_volume": "120"},
            actor=clerk,
            paper_materials=True,
        )
        services.refuse_supplement(
            drill, 5, "未按规定开展水平衡测试工作", actor=clerk, on=c.after(drill.received_on, 1)
        )
        # 附件2 注: an "other" case without a quota, awaiting the department's written opinion (decided by it,
        # when the year has closed)
        # — filed by the unit itself on the platform, with a photo of the site as its proof (第十二条)
        event = c.back(1)
        unit_user = User.objects.get(username="enterprise")
        proof = services.store_evidence(
            units["鄂州示范制造有限公司"], "supplement", "管网冲洗现场照片.pdf", DEMO_PDF, actor=unit_user
        )
        other = services.file_supplement(
            plan["鄂州示范制造有限公司"],
            "other",
            event,
            c.pivot,
            {"description": "暴雨后厂区管网冲洗消毒", "requested_volume": "80"},
            actor=unit_user,
            evidence=[proof],
        )
        if c.pivot < c.today:
            services.approve_supplement(
                other, actor=head, on=c.pivot, approved_m3x100=6000, opinion="按冲洗管段容积核定60立方米"
            )
        _construction(c, plan["葛店食品饮料有限公司"], clerk, head)
    if not CoefficientEvent.objects.filter(unit=units["鄂州示范制造有限公司"], on__year=c.year).exists():
        # 附件1 三（四）: non-conventional water used this year → this year's plan changes (with a notice)
        on = c.back(20)
        ev = services.record_coefficient_event(
            units["鄂州示范制造有限公司"],
            "unconventional_used",
            on,
            "中水回用设施验收报告",
            actor=clerk,
            recorded_on=c.after(on, 1),
        )
        # confirmed by the head the next working day (附件1 三 on the layer: a second person, W23)
        services.apply_coefficient_event(ev, actor=head, on=c.after(on, 2))
    if not AdjustmentRequest.objects.filter(plan__year=c.year).exists():
        _adjustments(c, plan, clerk, head)


def _construction(c: _Clock, plan: YearlyPlan, clerk: User, head: User) -> None:
    """附件2 （三）: approved, with the months that have ended reported on the 5th of the next month."""
    start = c.back(60)
    req = services.file_supplement(
        plan,
        "construction",
        start,
        c.after(start, 1),
        {"has_contract": True, "project": "三号车间扩建工程"},
        actor=clerk,
        paper_materials=True,
    )
    services.approve_supplement(req, actor=head, on=c.after(req.received_on, 2))
    month = start.replace(day=1)
    while True:
        next_month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        reported = next_month.replace(day=5)
        if month.year != plan.year or reported > c.today:
            break
        services.report_construction_month(req, month, 4000 + 100 * month.month, reported, actor=clerk)
        month = next_month


def _adjustments(c: _Clock, plan: dict[str, YearlyPlan], clerk: User, head: User) -> None:
    """第十条: decided ones once their dates have come; a pending one while the filing window is open."""

    def file(name: str, received: dt.date, volume: int, why: str) -> AdjustmentRequest:
        return services.file_adjustment(
            plan[name],
            received,
            volume,
            why,
            actor=clerk,
            has_form=True,
            has_change_evidence=True,
            has_balance_test=True,
        )

    received = c.after(c.issued, 2)
    approve_on = c.cal.add_workdays(received, 4)
    if approve_on <= c.today:
        req = file("葛店食品饮料有限公司", received, 50000, "新增一条灌装生产线，用水人员增加40人")
        services.verify_adjustment(req, actor=clerk, on=c.cal.add_workdays(received, 1))
        services.approve_adjustment(req, 40000, actor=head, on=approve_on)
        req = file("华容区人民医院", received, 20000, "新增住院床位")
        services.refuse_adjustment(req, 5, "未按规定开展水平衡测试工作", actor=clerk, on=approve_on)
    window = services.deadlines.adjustment_filing_due(c.issued, c.cal).due
    if c.today <= window:
        file("鄂州市第一中学", c.today, 30000, "新校区投入使用，师生增加300人")


def _next_year(c: _Clock, units: dict[str, WaterUnit], clerk: User) -> None:
    """第六条 and 第八条 for next year: the enterprise's request and a reduction recorded before issuance."""
    nxt = c.year + 1
    if c.today.year != c.year or YearlyPlan.objects.filter(year=nxt).exists():
        return
    unit = units["鄂州示范制造有限公司"]
    if not PlanRequest.objects.filter(unit=unit, plan_year=nxt).exists():
        services.file_plan_request(
            unit, nxt, 1600000, c.today, actor=User.objects.get(username="enterprise"), note="按扩产计划申请"
        )
    school = units["鄂州市第一中学"]
    if not PlanFinding.objects.filter(unit=school, year=nxt).exists():
        services.record_plan_finding(
            school, nxt, "art8-item1", -5000, "人均用水量未达到用水定额标准", "用水定额考核表", actor=clerk
        )


@transaction.atomic
def load_demo() -> None:
    c = _Clock(clock.today())
    water = Department.objects.get(code="water")
    clerk = User.objects.get(username="shuiwu_clerk")
    head = User.objects.get(username="shuiwu_head")
    units = _units(water)
    # the statistic method of the year before last looks back three more years
    _readings(units, c.year - 5, c.today)
    _tiers(water, clerk)
    for year in (c.year - 2, c.year - 1, c.year):
        if not YearlyPlan.objects.filter(year=year).exists():
            services.issue_plans(year, actor=clerk, issued_on=dt.date(year, *ISSUE_DAY))
    for year in (c.year - 2, c.year - 1):
        if not SurchargeNotice.objects.filter(year=year).exists():
            services.settle_year(year, actor=clerk, issued_on=dt.date(year + 1, *SETTLE_DAY))
    _collected_year(c, units, clerk, head)
    _assessed_year(c, units, clerk, head)
    _plan_year(c, units, clerk, head)
    _next_year(c, units, clerk)


def demo_summary() -> dict[str, Any]:
    """What the demo holds (for the tests and the command's log)."""
    return {
        "plans": YearlyPlan.objects.count(),
        "notices": SurchargeNotice.objects.count(),
        "appeals": Appeal.objects.count(),
        "supplements": SupplementRequest.objects.count(),
        "adjustments": AdjustmentRequest.objects.count(),
    }
