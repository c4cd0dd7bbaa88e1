"""The licensing procedures and their numbered documents, registered with the procedure layer.

A licensing application is decided and supervised by the body configured for its item, level and district
(谁审批、谁监管, 第一部分 三（三）), so its department is the record's (``department_of``), and each kind of
document is numbered per deciding department (one kind per department, e.g. licensing.decision.market_regulation).
"""

from __future__ import annotations

from ezhou_platform.common.demo import DEPARTMENTS
from ezhou_platform.common.roles import Role
from ezhou_platform.procedures import documents
from ezhou_platform.procedures.machine import Procedure, register
from ezhou_platform.procedures.workspace import Shortcut, register_shortcut
from ezhou_rules.licensing import DOCUMENT

from .models import CREDIT_OFFICE, Application, CreditRecord, Draw

# Abbreviations of the departments in document numbers (鄂审批许决〔2026〕1号). A department not listed uses
# 鄂州 and its code, so numbers stay unique per department.
ABBREVIATIONS = {
    "administrative_approval": "鄂审批",
    "market_regulation": "鄂市监",
    "ecology_environment": "鄂环",
    "housing": "鄂建",
    "water": "鄂水",
    "commerce": "鄂商",
    "education": "鄂教",
    "human_resources": "鄂人社",
    "natural_resources": "鄂自然资源",
    "development_reform": "鄂发改",
    "medical_security": "鄂医保",
    "civil_affairs": "鄂民",
    "rural_revitalization": "鄂乡振",
    "finance": "鄂财",
    "postal": "鄂邮管",
    "supervision_office": "鄂督",
}
KINDS = {
    "decision": ("准予行政许可决定书", "许决"),
    "refusal": ("不予行政许可决定书", "不许决"),
    "licence": ("许可证件", "告承许"),
    "order": ("责令限期整改通知书", "责改"),
    "hearing_notice": ("拟撤销行政许可告知书", "撤告"),
    "revocation": ("撤销行政许可决定书", "撤决"),
}

APPLICATION = register(
    Procedure(
        slug="licensing.application",
        label="涉企经营许可申请",
        model=Application,
        department="administrative_approval",
        department_of=lambda r: r.department.code,
        document=DOCUMENT,
        path=(
            ("notified", "已告知"),
            ("submitted", "已受理"),
            ("licensed", "已许可"),
            ("completed", "承诺已履行"),
        ),
        side_states=(
            ("rectifying", "限期整改中"),
            ("rectification_failed", "整改未通过"),
            ("revocation_proposed", "拟撤销，待听取陈述申辩"),
            ("heard", "已听取陈述申辩"),
        ),
        endings=(("refused", "不予许可"), ("withdrawn", "已撤回"), ("revoked", "许可已撤销")),
        applicant_user=lambda r: r.applicant_user,
        applicant_uscc=lambda r: r.applicant_uscc,
        title=lambda r: f"{r.applicant_name}：{r.item.matter}",
        url=lambda r: r.get_absolute_url(),
        filed_by=(Role.ENTERPRISE,),
    )
)
CREDIT = register(
    Procedure(
        slug="licensing.credit_record",
        label="信用记录",
        model=CreditRecord,
        department=CREDIT_OFFICE,
        document=DOCUMENT,
        path=(("proposed", "待认定"), ("active", "已公示"), ("repaired", "已信用修复")),
        endings=(("rejected", "不予认定"),),
        applicant_uscc=lambda r: r.subject_uscc,
        title=lambda r: f"{r.subject_name}：{r.get_kind_display()}",
        url=lambda r: r.get_absolute_url(),
    )
)
DRAW = register(
    Procedure(
        slug="licensing.draw",
        label="双随机抽查",
        model=Draw,
        department="administrative_approval",
        department_of=lambda r: r.department.code,
        document=DOCUMENT,
        path=(("committed", "已登记"), ("published", "已抽取并公布"), ("completed", "检查结果已公布")),
        title=lambda r: r.title,
        url=lambda r: r.get_absolute_url(),
    )
)


def kind_code(name: str, department: str) -> str:
    return f"licensing.{name}.{department}"


for _code, _ in DEPARTMENTS:
    for _name, (_label, _suffix) in KINDS.items():
        documents.register_kind(
            documents.DocumentKind(
                kind_code(_name, _code),
                _label,
                ABBREVIATIONS.get(_code, f"鄂州{_code}") + _suffix + "〔{year}〕{seq}号",
                department=_code,
            )
        )

for _shortcut in (
    Shortcut("申请涉企经营许可", "licensing:apply", (Role.ENTERPRISE,)),
    Shortcut("我的许可申请", "licensing:my_cases", (Role.ENTERPRISE,)),
    Shortcut("告知承诺事项清单", "licensing:index", tuple(Role)),
    Shortcut("许可案件", "licensing:staff_cases", (Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR)),
    Shortcut("待处理事项", "licensing:staff_queue", (Role.CLERK, Role.DEPARTMENT_HEAD)),
    Shortcut("承诺核查队列", "licensing:verification", (Role.CLERK, Role.DEPARTMENT_HEAD)),
    Shortcut("双随机抽查", "licensing:draws_staff", (Role.CLERK, Role.DEPARTMENT_HEAD)),
    Shortcut("信用记录", "licensing:credit_office", (Role.CLERK, Role.DEPARTMENT_HEAD), CREDIT_OFFICE),
    Shortcut(
        "告知承诺制实施情况",
        "licensing:oversight",
        (Role.CLERK, Role.DEPARTMENT_HEAD, Role.AUDITOR, Role.ADMIN),
    ),
    Shortcut("告知承诺制配置", "licensing:config", (Role.ADMIN,)),
):
    register_shortcut(_shortcut)
