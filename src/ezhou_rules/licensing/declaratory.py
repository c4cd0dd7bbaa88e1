"""The sections of 鄂州政办发〔2022〕27号 that set no duty the platform decides or computes, each registered with
the reason (kind ``declaratory``), so the policy library's coverage page shows them as 说明性条款 rather than as
unimplemented."""

from __future__ import annotations

from ezhou_rules.core.citations import REGISTRY

from . import cite

DECLARATORY: dict[str, str] = {
    "第一部分 一": "“证照分离”改革的指导思想和总体要求，不设办理事项；改革的四种方式和事项清单由第一部分 二、三实施。",
    "第一部分 四": (
        "组织保障：各区、各部门的组织领导、责任落实、依法改革和宣传引导，不设办理事项；"
        "平台按事项和层级配置审批、监管部门，供各部门落实（解释L19）。"
    ),
    "第二部分 一": "告知承诺制的指导思想和工作目标，不设办理事项；事项范围、告知、承诺、核查和监管由第二部分 二至四实施。",
}

for _place, _reason in DECLARATORY.items():
    REGISTRY.register(cite(_place), f"{__name__}.DECLARATORY[{_place}]", "declaratory", _reason)
