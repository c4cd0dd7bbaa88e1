"""The procedures of 医疗救助 on the platform's layer and the numbered documents they issue; imported by the
AppConfig, so every case of this system is known to the workspaces and the case pages."""

from __future__ import annotations

from typing import Any

from ezhou_platform.common.roles import Role
from ezhou_platform.procedures import documents
from ezhou_platform.procedures.machine import Procedure, register
from ezhou_platform.procedures.workspace import Shortcut, register_shortcut
from ezhou_rules.core.money import format_yuan
from ezhou_rules.medical_assistance.parameters_tree import DOCUMENT

from .cites import CIVIL_AFFAIRS, MEDICAL, RURAL
from .models import Application, CivilAffairsIdentity, Claim, Class4Recognition, Recovery, RuralIdentity
from .models.applications import APPLICATION_DECISION, CLASS_4_DECISION

APPLICATION = register(
    Procedure(
        slug="medical_assistance.application",
        label="医疗救助申请",
        model=Application,
        department=MEDICAL,
        document=DOCUMENT,
        state_field="state",
        path=(("submitted", "已提交"), ("approved", "已批准")),
        endings=(("rejected", "未批准"), ("withdrawn", "已撤回")),
        title=lambda a: f"{a.get_kind_display()}申请（{a.person.masked_name}，{a.year}年度）",
        url=lambda a: a.get_absolute_url(),
    )
)
CLASS_4 = register(
    Procedure(
        slug="medical_assistance.class_4",
        label="因病致贫重病患者认定",
        model=Class4Recognition,
        department=CIVIL_AFFAIRS,
        document=DOCUMENT,
        state_field="state",
        path=(("submitted", "已受理"), ("approved", "已认定")),
        endings=(("rejected", "不予认定"),),
        title=lambda r: f"因病致贫重病患者认定（{r.person.masked_name}）",
        url=lambda r: r.get_absolute_url(),
    )
)
CLAIM = register(
    Procedure(
        slug="medical_assistance.claim",
        label="医疗救助结算",
        model=Claim,
        department=MEDICAL,
        document=DOCUMENT,
        path=(("pending", "已接收"), ("settled", "已结算")),
        endings=(("reversed", "已冲销"),),
        title=lambda c: f"结算单{c.claim_id}（{c.person.masked_name}）",
        url=lambda c: c.get_absolute_url(),
    )
)
RECOVERY = register(
    Procedure(
        slug="medical_assistance.recovery",
        label="多付救助追回",
        model=Recovery,
        department=MEDICAL,
        document=DOCUMENT,
        state_field="state",
        path=(("open", "待追回"), ("recovered", "已追回")),
        title=lambda r: f"多付救助应追回{format_yuan(r.amount)}（{r.person.masked_name}，{r.year}年度）",
        url=lambda r: r.get_absolute_url(),
    )
)
IDENTITY_PATH = (("recognised", "已认定"),)
IDENTITY_ENDINGS = (("ended", "已终止"),)


def _identity_title(i: Any) -> str:
    return f"{i.get_kind_display()}身份认定（{i.person.masked_name}）"


CIVIL_AFFAIRS_IDENTITY = register(
    Procedure(
        slug="medical_assistance.identity.civil_affairs",
        label="救助身份认定（民政）",
        model=CivilAffairsIdentity,
        department=CIVIL_AFFAIRS,
        document=DOCUMENT,
        path=IDENTITY_PATH,
        endings=IDENTITY_ENDINGS,
        title=_identity_title,
        url=lambda i: i.get_absolute_url(),
    )
)
RURAL_IDENTITY = register(
    Procedure(
        slug="medical_assistance.identity.rural_revitalization",
        label="救助身份认定（乡村振兴）",
        model=RuralIdentity,
        department=RURAL,
        document=DOCUMENT,
        path=IDENTITY_PATH,
        endings=IDENTITY_ENDINGS,
        title=_identity_title,
        url=lambda i: i.get_absolute_url(),
    )
)

documents.register_kind(
    documents.DocumentKind(
        APPLICATION_DECISION, "医疗救助申请审核决定书", "鄂医保救决〔{year}〕{seq}号", department=MEDICAL
    )
)
documents.register_kind(
    documents.DocumentKind(
        CLASS_4_DECISION, "因病致贫重病患者认定决定书", "鄂民救认〔{year}〕{seq}号", department=CIVIL_AFFAIRS
    )
)
documents.register_kind(
    documents.DocumentKind(
        "medical_assistance.settlement_slip",
        "医疗救助结算单",
        "鄂医保救结〔{year}〕{seq}号",
        department=MEDICAL,
    )
)

_MEDICAL_STAFF = (Role.CLERK, Role.DEPARTMENT_HEAD)
for label, url_name, roles, department in (
    ("录入结算单", "medical_assistance:claim_new", _MEDICAL_STAFF, MEDICAL),
    ("上传结算单文件", "medical_assistance:claims_upload", _MEDICAL_STAFF, MEDICAL),
    ("结算记录", "medical_assistance:settlements", (*_MEDICAL_STAFF, Role.AUDITOR), MEDICAL),
    ("救助申请", "medical_assistance:applications", (*_MEDICAL_STAFF, Role.AUDITOR), MEDICAL),
    ("多付应追回", "medical_assistance:recoveries", (*_MEDICAL_STAFF, Role.AUDITOR), MEDICAL),
    ("年度重新结算", "medical_assistance:resettle", _MEDICAL_STAFF, MEDICAL),
    ("医疗救助基金台账", "medical_assistance:fund", (*_MEDICAL_STAFF, Role.AUDITOR), MEDICAL),
    ("因病致贫重病患者认定", "medical_assistance:class_4", _MEDICAL_STAFF, CIVIL_AFFAIRS),
    ("救助身份认定（民政）", "medical_assistance:identities_civil_affairs", _MEDICAL_STAFF, CIVIL_AFFAIRS),
    ("双预警名单（民政）", "medical_assistance:warnings_civil_affairs", _MEDICAL_STAFF, CIVIL_AFFAIRS),
    ("救助身份认定（乡村振兴）", "medical_assistance:identities_rural", _MEDICAL_STAFF, RURAL),
    ("双预警名单（乡村振兴）", "medical_assistance:warnings_rural", _MEDICAL_STAFF, RURAL),
):
    register_shortcut(Shortcut(label, url_name, tuple(roles), department))
