"""The articles of 鄂州政办发〔2022〕14号 that set no duty the platform decides or computes, each registered with
the reason, so the policy library's coverage page shows every article as implemented or declaratory (kind
``declaratory``) rather than silently uncovered."""

from __future__ import annotations

from ezhou_rules.core.citations import REGISTRY

from . import cite

DECLARATORY: dict[str, str] = {
    "第一条": "制定目的和依据，不设办理事项。",
    "第二条": "适用范围：本系统登记的项目和设施均须位于本市辖区名录内的区、街道（乡镇）。",
    "第四条": "职责分工：本系统的项目备案、设施监管、检测报告备案和停水报告均由市水行政主管部门（市水利和湖泊局）办理。",
    "第七条": "鼓励投资和“谁投资，谁受益”原则，不设办理事项；设施登记记录运行管理单位或产权单位。",
    "第九条": "雨水设施设计、施工的技术要求（低影响开发、GB 50400-2016），由设计单位落实并在验收时检查；本系统记录设计单位和验收，不审查设计。",
    "第十四条": "再生水纳入统一配置、计划用水优先配置非常规水资源：由计划用水系统办理；本系统向其提供设施、用量和检测结果（解释U11）。",
    "第十五条": "再生水设施建设原则、预留用地和铺设管线，对象为规划和建设工作；再生水管线已到达单位的，可登记为“具备利用条件”的认定（解释U11）。",
    "第十九条": "再生水价格由供需双方协商确定，政府不定价，本系统不记录价格。",
    "第二十六条": "工作人员的责任追究，不属本系统办理事项；每一步骤记入审计日志，以备查核。",
}

for _article, _reason in DECLARATORY.items():
    REGISTRY.register(cite(_article), f"{__name__}.DECLARATORY[{_article}]", "declaratory", _reason)
