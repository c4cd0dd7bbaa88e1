"""The subsidy application as a procedure of the platform, its numbered documents and the roles' shortcuts.

Which department reviews and decides a case follows its measure (the first responsible unit of the measure
that is a department of the platform): 一至四 the 财政局, 五、九、十二、十五 the 商务局, 八 the 交通运输局. The
payment step belongs to the 财政局 (the payer's finance office; a district's for 五 and 九).
"""

from __future__ import annotations

from ezhou_platform.common.roles import Role
from ezhou_platform.procedures import documents
from ezhou_platform.procedures.machine import Procedure, register
from ezhou_platform.procedures.workspace import Shortcut, register_shortcut

from .models import Application

DOC = "鄂州政办发〔2022〕32号"
MEASURE_DEPARTMENT = {
    1: "finance",
    2: "finance",
    3: "finance",
    4: "finance",
    5: "commerce",
    8: "transport",
    9: "commerce",
    12: "commerce",
    15: "commerce",
}
# Short names used in document numbers (鄂商奖补决〔2026〕1号).
ABBREVIATION = {"commerce": "商", "finance": "财", "transport": "交"}
DEPARTMENTS = tuple(ABBREVIATION)


def department_for_measure(measure: int) -> str:
    try:
        return MEASURE_DEPARTMENT[measure]
    except KeyError:
        raise ValueError(f"measure {measure} has no reviewing department on the platform") from None


APPLICATION = register(
    Procedure(
        slug="subsidies.application",
        label="惠企政策奖补申请",
        model=Application,
        department="commerce",
        department_of=lambda r: department_for_measure(r.measure),
        document=DOC,
        path=(
            ("submitted", "已受理"),
            ("reviewed", "审核通过"),
            ("noticed", "公示中"),
            ("decided", "已决定"),
            ("paid", "已支付"),
        ),
        endings=(("refused", "不予奖补"), ("withdrawn", "已撤回"), ("clawed_back", "已追回")),
        applicant_user=lambda r: r.applicant_user if r.applicant_user_id else None,
        applicant_uscc=lambda r: r.applicant_uscc,
        title=lambda r: f"{r.subject_name}：{_title(r.component)}",
        url=lambda r: r.get_absolute_url(),
        filed_by=(Role.ENTERPRISE, Role.CITIZEN),
    )
)


def _title(code: str) -> str:
    from ezhou_rules.subsidies.components import COMPONENTS

    comp = COMPONENTS.get(code)
    return comp.title if comp else code


for _dept, _abbr in ABBREVIATION.items():
    documents.register_kind(
        documents.DocumentKind(
            f"subsidies.notice.{_dept}", "奖补名单公示", f"鄂{_abbr}奖补公示〔{{year}}〕{{seq}}号", _dept
        )
    )
    documents.register_kind(
        documents.DocumentKind(
            f"subsidies.decision.{_dept}", "奖补决定书", f"鄂{_abbr}奖补决〔{{year}}〕{{seq}}号", _dept
        )
    )
    documents.register_kind(
        documents.DocumentKind(
            f"subsidies.clawback.{_dept}",
            "奖补资金追回通知书",
            f"鄂{_abbr}奖补追〔{{year}}〕{{seq}}号",
            _dept,
        )
    )
documents.register_kind(
    documents.DocumentKind("subsidies.payment", "奖补资金支付清单", "鄂财奖补付〔{year}〕{seq}号", "finance")
)

_STAFF = (Role.CLERK, Role.DEPARTMENT_HEAD)
for _dept in DEPARTMENTS:
    register_shortcut(Shortcut("奖补申请审核与决定", "subsidies:applications", _STAFF, _dept))
    register_shortcut(Shortcut("奖补名单公示", "subsidies:notices_staff", _STAFF, _dept))
register_shortcut(Shortcut("奖补资金支付与预算", "subsidies:payments", _STAFF, "finance"))
register_shortcut(Shortcut("报送数据导入", "subsidies:imports", _STAFF, "finance"))
register_shortcut(Shortcut("报送数据导入", "subsidies:imports", _STAFF, "commerce"))
register_shortcut(Shortcut("报送数据导入", "subsidies:imports", _STAFF, "transport"))
register_shortcut(Shortcut("职工医保缓缴（免申即享）", "subsidies:deferrals", _STAFF, "medical_security"))
register_shortcut(Shortcut("惠企政策兑现进度", "subsidies:progress", _STAFF, "development_reform"))
register_shortcut(Shortcut("惠企政策兑现进度", "subsidies:progress", (Role.AUDITOR,)))
register_shortcut(Shortcut("申请惠企政策奖补", "subsidies:apply", (Role.ENTERPRISE, Role.CITIZEN)))
register_shortcut(Shortcut("我的奖补申请", "subsidies:my", (Role.ENTERPRISE, Role.CITIZEN)))
