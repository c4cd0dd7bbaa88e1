"""Excel exports of the department's lists (IDs, codes and USCCs as text; dates as 2026年6月15日)."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse

from ezhou_platform.common.permissions import view_requires
from ezhou_rules.core.dates import cn_date
from ezhou_rules.unconventional_water.common import format_hundredths
from ezhou_rules.unconventional_water.uses import USES

from ..models import Facility, LabReport, Project, QualityCheck, StopNotice, Violation
from .base import DEPT, STAFF, xlsx


@view_requires(*STAFF, department=DEPT)
def export(request: HttpRequest, what: str) -> HttpResponse:
    if what == "projects":
        rows = (
            [
                p.pk,
                p.name,
                p.developer.name,
                p.developer_uscc,
                p.jurisdiction.name,
                p.get_project_kind_display(),
                p.get_works_display(),
                "是" if p.facility_required else "否",
                p.get_facility_type_display(),
                cn_date(p.filed_on),
                p.receipt_number,
                p.get_status_display(),
                "；".join(v.label for v in p.violations.all()),
            ]
            for p in Project.objects.select_related("developer", "jurisdiction")
            .prefetch_related("violations")
            .order_by("pk")
        )
        header = [
            "编号",
            "项目名称",
            "建设单位",
            "统一社会信用代码",
            "所在辖区",
            "项目类型",
            "建设性质",
            "第八条要求配套",
            "配套设施类型",
            "备案日期",
            "备案回执文号",
            "状态",
            "三同时违规",
        ]
        return xlsx("建设项目", header, rows, "unconventional-water-projects.xlsx")
    if what == "facilities":
        rows = (
            [
                f.code,
                f.name,
                f.get_facility_type_display(),
                f.operator.name,
                f.operator_uscc,
                "、".join(USES[u].label for u in f.uses if u in USES),
                format_hundredths(f.capacity_m3x100_per_day),
                f.location,
                f.jurisdiction.name,
                f.water_unit.name if f.water_unit else "",
                cn_date(f.in_service_from),
                cn_date(f.next_test_due),
                f.get_status_display(),
            ]
            for f in Facility.objects.select_related("operator", "jurisdiction", "water_unit").order_by("pk")
        )
        header = [
            "登记编号",
            "设施名称",
            "设施类型",
            "运行管理单位",
            "统一社会信用代码",
            "供水用途",
            "设计规模（立方米/日）",
            "位置",
            "所属辖区",
            "供水对象",
            "纳入日常监管日期",
            "下次检测期限",
            "状态",
        ]
        return xlsx("设施登记", header, rows, "unconventional-water-facilities.xlsx")
    if what == "reports":
        latest = QualityCheck.objects.filter(report=OuterRef("pk")).order_by("-checked_at", "-id")
        qs = (
            LabReport.objects.select_related("facility")
            .annotate(
                verdict=Subquery(latest.values("verdict")[:1]),
                refusal=Subquery(latest.values("refusal_message")[:1]),
            )
            .order_by("pk")
        )
        labels = dict(QualityCheck.VERDICTS)
        rows = (
            [
                r.facility.code,
                r.facility.name,
                r.report_no,
                cn_date(r.sampled_on),
                r.lab,
                r.lab_qualification,
                r.sample_point,
                cn_date(r.filed_on),
                labels.get(r.verdict, ""),
                r.refusal or "",
            ]  # type: ignore[attr-defined]
            for r in qs
        )
        header = [
            "设施登记编号",
            "设施名称",
            "检测报告编号",
            "采样日期",
            "检测机构",
            "资质认定证书编号",
            "采样点",
            "备案日期",
            "判定结论",
            "不予判定原因",
        ]
        return xlsx("检测报告", header, rows, "unconventional-water-reports.xlsx")
    if what == "stops":
        rows = (
            [
                n.facility.code,
                n.facility.name,
                n.get_source_display(),
                n.reason,
                _when(n.stop_starts_at),
                _when(n.users_notified_at),
                _when(n.reported_at),
                "是" if n.notice_on_time else "否",
                n.get_report_status_display(),
                "；".join(v["label"] for v in n.violations),
            ]
            for n in StopNotice.objects.select_related("facility").order_by("pk")
        )
        header = [
            "设施登记编号",
            "设施名称",
            "来源",
            "停止原因",
            "停止时间",
            "通知用户时间",
            "报告时间",
            "按时通知用户",
            "报告情况",
            "违规情形",
        ]
        return xlsx("停水报告", header, rows, "unconventional-water-stops.xlsx")
    if what != "violations":
        raise Http404("没有这项导出。")
    rows = (
        [
            v.pk,
            v.get_act_display(),
            v.citation,
            cn_date(v.found_on),
            v.party,
            v.party_uscc,
            v.facility.code if v.facility else "",
            v.description,
            "；".join(v.handled_under),
            v.get_status_display(),
        ]
        for v in Violation.objects.select_related("facility").order_by("pk")
    )
    header = [
        "编号",
        "违法行为",
        "依据",
        "发现日期",
        "当事单位或个人",
        "统一社会信用代码",
        "涉及设施",
        "违法事实",
        "处理依据",
        "状态",
    ]
    return xlsx("违法行为", header, rows, "unconventional-water-violations.xlsx")


def _when(t: object) -> str:
    from zoneinfo import ZoneInfo

    if t is None:
        return ""
    local = t.astimezone(ZoneInfo("Asia/Shanghai"))  # type: ignore[attr-defined]
    return f"{cn_date(local.date())}{local:%H:%M}"
