"""The demo's cases, dated from the clock's today: each role's main journey has something to do.

- 企业（鄂州示范制造有限公司）: a food-business application notified today, waiting for its signed commitment; a
  licence decided on the spot three weeks ago with a material still to hand in.
- 企业（鄂州好味餐饮有限公司）: an untrue commitment found in verification, a rectification that failed, a revocation
  proposed by 孙丽 and the applicant heard — the decision waits for a second person (赵磊); a confirmed credit record
  bars it from the commitment route.
- 市场监督管理局: pharmacy licences, one with its material overdue (on the queue after the sweep), one by post.
- 信用办: a record proposed by the licensing clerk to confirm, an external bad-credit record, a repaired one.
- 双随机: a published draw over the market regulator's holders with some results entered.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from stdnum.cn import uscc as uscc_number

from ezhou_platform.common.models import Department, Jurisdiction, User
from ezhou_rules.licensing.credit import CreditKind

from .models import Application, CreditRecord, Draw
from .services import applications, credit, draws, supervision, sweep

DEMO = "91420700MA49XK5L2Y"
FOOD, PHARMACY = "b1-20", "b1-22"
FOOD_FACETS = {"food_business_scope": "不限于预包装食品"}
PHARMACY_FACETS = {"business_mode": ["零售"]}
CONFIRM = [1, 2, 3, 4, 5]
FOOD_CONDITIONS = ["premises_area", "staff_health", "storage"]
PHARMACY_CONDITIONS = ["pharmacist", "business_area", "quality_system"]
NAMES = (
    "鄂州仁和大药房",
    "鄂州康宁药店",
    "鄂州百姓药房连锁",
    "鄂州济民大药房",
    "鄂州同心药店",
    "鄂州益寿堂药房",
    "鄂州福康药店",
    "鄂州惠民大药房",
    "鄂州安泰药房",
    "鄂州健民药店",
    "鄂州长江大药房",
    "鄂州仁心药店",
)
FOOD_NAMES = ("鄂州楚香餐饮店", "鄂州江鲜酒楼", "鄂州东湖小厨", "鄂州梁湖食府")


def code_for(n: int) -> str:
    base = f"9142070{n % 10}MA4{n:07d}"[:17]
    return base + uscc_number.calc_check_digit(base)


def _user(name: str) -> Any:
    return User.objects.get(username=name)


def _files(codes: list[str]) -> dict[str, Any]:
    return {c: (f"{c}.pdf", b"%PDF-1.4 demo " + c.encode()) for c in codes}


def _signed(
    app: Application, actor: Any, on: dt.date, conditions: list[str], files: list[str], **extra: Any
) -> None:
    data = {
        "confirmations": CONFIRM,
        "delivery": "online",
        "signed_on": on,
        "qualification": "already",
        "conditions": conditions,
        **extra,
    }
    applications.sign(app, actor=actor, data=data, on=extra.get("received_on") or on, files=_files(files))


def _food(uscc: str, name: str, on: dt.date, clerk: Any, actor: Any) -> Application:
    app = applications.file(
        code=FOOD, facets=FOOD_FACETS, route="commitment", uscc=uscc, name=name, actor=actor, on=on
    )
    _signed(
        app,
        actor if actor.role == "enterprise" else clerk,
        on,
        FOOD_CONDITIONS,
        ["application_form", "commitment_letter"],
        **({} if actor.role == "enterprise" else {"delivery": "in_person"}),
    )
    applications.decide(app, actor=clerk, on=on)
    return app


def _pharmacy(uscc: str, name: str, on: dt.date, clerk: Any, district: Jurisdiction | None) -> Application:
    app = applications.file(
        code=PHARMACY,
        facets=PHARMACY_FACETS,
        route="commitment",
        uscc=uscc,
        name=name,
        actor=clerk,
        on=on,
        jurisdiction=district,
    )
    _signed(
        app,
        clerk,
        on,
        PHARMACY_CONDITIONS,
        ["application_form", "pharmacist_certificate"],
        delivery="in_person",
    )
    applications.decide(app, actor=clerk, on=on)
    return app


@transaction.atomic
def load_cases(today: dt.date) -> None:
    if Application.objects.filter(applicant_uscc=DEMO).exists():
        return
    from .demo import risk_class

    ent, ent2 = _user("enterprise"), _user("enterprise2")
    shenpi = _user("shenpi_clerk")
    shijian, shijian_head = _user("shijian_clerk"), _user("shijian_head")
    xinyong, xinyong_head = _user("xinyong_clerk"), _user("xinyong_head")
    admin = _user("admin")
    echeng = Jurisdiction.objects.filter(code="echeng").first()

    # 鄂州示范制造有限公司: notified today; and a licence decided three weeks ago, a material still due.
    applications.file(
        code=FOOD,
        facets=FOOD_FACETS,
        route="commitment",
        uscc=DEMO,
        name="鄂州示范制造有限公司",
        actor=ent,
        on=today,
    )
    earlier = today - dt.timedelta(days=7)
    held = _food(DEMO, "鄂州示范制造有限公司", earlier, shenpi, ent)
    supervision.submit_material(
        held,
        actor=ent,
        code="health_certificates",
        upload=("健康证明.pdf", b"%PDF-1.4"),
        on=earlier + dt.timedelta(days=2),
    )
    supervision.review_material(
        held, actor=shenpi, code="health_certificates", conforming=True, on=earlier + dt.timedelta(days=3)
    )
    risk_class(DEMO, "鄂州示范制造有限公司", "B", admin)

    # 鄂州好味餐饮有限公司: untrue commitment → order → failed → revocation proposed, heard; decision waits.
    uscc2 = "91420704MA4A8Y2Q18"
    start = today - dt.timedelta(days=75)
    bad = _food(uscc2, "鄂州好味餐饮有限公司", start, shenpi, ent2)
    supervision.verify(
        bad,
        actor=shenpi,
        result="untrue",
        note="经营场所实际使用面积12平方米，低于承诺的20平方米",
        on=start + dt.timedelta(days=7),
    )
    supervision.order(
        bad,
        actor=shenpi,
        grounds="commitment_untrue",
        matters="扩大经营场所至不低于20平方米并报送平面布局图",
        on=start + dt.timedelta(days=8),
    )
    supervision.rectification_result(
        bad, actor=shenpi, conforming=False, note="复查面积仍不足", on=start + dt.timedelta(days=30)
    )
    supervision.propose_revocation(
        bad, actor=shenpi, grounds="核查发现承诺不实，整改后仍不符合要求", on=start + dt.timedelta(days=32)
    )
    supervision.state_statement(
        bad, actor=ent2, statement="我店正在另租场所，请求给予延期。", on=start + dt.timedelta(days=34)
    )
    supervision.hear(
        bad, actor=shenpi, note="申请人请求延期，未能提供新场所租赁合同", on=start + dt.timedelta(days=36)
    )
    for rec in CreditRecord.objects.filter(application=bad):
        credit.confirm(rec, actor=xinyong_head, on=start + dt.timedelta(days=10))
    risk_class(uscc2, "鄂州好味餐饮有限公司", "C", admin)

    # Food licences of other holders (行政审批局), for the verification queue and draws.
    for n, name in enumerate(FOOD_NAMES, 1):
        on = today - dt.timedelta(days=5 + 7 * n)
        app = applications.file(
            code=FOOD,
            facets=FOOD_FACETS,
            route="commitment",
            uscc=code_for(500 + n),
            name=name,
            actor=shenpi,
            on=on,
        )
        _signed(
            app, shenpi, on, FOOD_CONDITIONS, ["application_form", "commitment_letter"], delivery="in_person"
        )
        applications.decide(app, actor=shenpi, on=on)
    # A general-procedure application at the window.
    applications.file(
        code=FOOD,
        facets={"food_business_scope": "仅销售预包装食品"},
        route="general",
        uscc=code_for(600),
        name="鄂州便民超市",
        actor=shenpi,
        on=today - dt.timedelta(days=3),
    )

    # 市场监督管理局: pharmacies; one material overdue, one by post, a credit record proposed for the late one.
    for n, name in enumerate(NAMES, 1):
        on = today - dt.timedelta(days=10 + 9 * n)
        app = _pharmacy(code_for(n), name, on, shijian, echeng)
        risk_class(code_for(n), name, "ABCD"[n % 4], admin)
        if n % 3 == 0:
            supervision.submit_material(
                app,
                actor=shijian,
                code="quality_manual",
                upload=("制度.pdf", b"%PDF-1.4"),
                on=on + dt.timedelta(days=5),
            )
            supervision.review_material(
                app, actor=shijian, code="quality_manual", conforming=True, on=on + dt.timedelta(days=6)
            )
            supervision.verify(
                app, actor=shijian, result="true", note="现场核查属实", on=on + dt.timedelta(days=8)
            )
    late = (
        Application.objects.filter(
            item_code=PHARMACY,
            materials__code="quality_manual",
            materials__state="pending",
            materials__due__lt=today,
        )
        .order_by("decided_on")
        .first()
    )
    if late is not None:
        supervision.order(
            late,
            actor=shijian,
            grounds="materials",
            matters="补交药品经营质量管理制度文件",
            on=today - dt.timedelta(days=2),
        )
    posted = applications.file(
        code=PHARMACY,
        facets=PHARMACY_FACETS,
        route="commitment",
        uscc=code_for(700),
        name="鄂州邮来药房",
        actor=shijian,
        on=today - dt.timedelta(days=4),
        jurisdiction=echeng,
    )
    _signed(
        posted,
        shijian,
        today - dt.timedelta(days=4),
        PHARMACY_CONDITIONS,
        ["application_form"],
        delivery="post",
        received_on=today - dt.timedelta(days=1),
    )

    # 信用办: an external bad-credit record to confirm, a repaired one.
    credit.propose(
        uscc=code_for(801),
        name="鄂州失信贸易有限公司",
        kind=CreditKind.BAD_CREDIT,
        category="严重失信主体名单",
        recorded_on=today - dt.timedelta(days=20),
        authority="鄂州市市场监督管理局",
        description="列入严重违法失信名单",
        source="国家企业信用信息公示系统（示例）",
        actor=xinyong,
        on=today - dt.timedelta(days=1),
    )
    repaired = credit.propose(
        uscc=code_for(802),
        name="鄂州守信物流有限公司",
        kind=CreditKind.BAD_CREDIT,
        category="重大税收违法失信主体",
        recorded_on=today - dt.timedelta(days=200),
        authority="国家税务总局鄂州市税务局",
        description="欠缴税款（示例）",
        source="信用中国（示例）",
        actor=xinyong,
        on=today - dt.timedelta(days=199),
    )
    credit.confirm(repaired, actor=xinyong_head, on=today - dt.timedelta(days=198))
    credit.repair(
        repaired,
        actor=xinyong_head,
        on=today - dt.timedelta(days=30),
        repaired_on=today - dt.timedelta(days=30),
        note="鄂信修〔示例〕1号",
    )

    # 双随机: a published draw over the market regulator's holders, some results entered.
    dept = Department.objects.get(code="market_regulation")
    if not Draw.objects.filter(department=dept).exists():
        draw = draws.plan(
            department=dept,
            title="药品零售企业告知承诺履行情况抽查（示例）",
            quotas={"A": "20%", "B": "30%", "C": "50%", "D": "100%", "未分类": "50%"},
            team_size=2,
            actor=shijian,
            on=today - dt.timedelta(days=1),
        )
        draws.run(draw, actor=shijian_head, on=today - dt.timedelta(days=1))
        for sel in draw.selections.order_by("position")[:2]:
            draws.record_result(sel, actor=shijian, result="clear", note="", on=today)
    attention, flags, _ = sweep.compute(today)
    sweep.write(attention, flags, today)
