"""Forms of 非常规水资源管理: Chinese labels, server-side checks of shape here, the law's checks in the services
(a refusal is shown beside the field it names, with its article)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast
from zoneinfo import ZoneInfo

from django import forms

from ezhou_platform.common import clock
from ezhou_platform.registers.jurisdictions import jurisdictions_on
from ezhou_rules.unconventional_water.projects import FACILITY_TYPES
from ezhou_rules.unconventional_water.register import checklist
from ezhou_rules.unconventional_water.screening import ART16_CLASSES, PROJECT_KINDS, WORKS
from ezhou_rules.unconventional_water.sources import SOURCE_KINDS
from ezhou_rules.unconventional_water.standards import SAMPLE_POINTS
from ezhou_rules.unconventional_water.units import DIMENSIONS
from ezhou_rules.unconventional_water.uses import USES
from ezhou_rules.unconventional_water.violations import ACTS

SHANGHAI = ZoneInfo("Asia/Shanghai")
AREA_HELP = "平方米，最多两位小数"
DATE = forms.DateInput(attrs={"type": "date"})
MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def jurisdiction_choices() -> list[tuple[str, str]]:
    """Districts and, where loaded, townships in force today (the dated jurisdiction register)."""
    rows = (
        jurisdictions_on(clock.today())
        .exclude(level="city")
        .exclude(level="village")
        .order_by("level", "code")
    )
    return [
        (j.code, f"{j.name}（{j.get_level_display()}）" if j.level != "district" else j.name) for j in rows
    ]


class BeijingDateTimeField(forms.DateTimeField):
    """A datetime-local input read as Beijing time (the form says so): 第二十条 is checked on that clock."""

    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def to_python(self, value: Any) -> dt.datetime | None:
        out = super().to_python(value)
        if out is None:
            return None
        return out.replace(tzinfo=None).replace(tzinfo=SHANGHAI)


class ScreeningForm(forms.Form):
    project_kind = forms.ChoiceField(label="项目类型", choices=list(PROJECT_KINDS.items()))
    works = forms.ChoiceField(label="建设性质", choices=list(WORKS.items()))
    footprint_m2 = forms.CharField(
        label="规划建（构）筑物占地面积", required=False, max_length=20, help_text=AREA_HELP
    )
    hardened_m2 = forms.CharField(
        label="规划路面硬化面积", required=False, max_length=20, help_text=AREA_HELP
    )
    land_m2 = forms.CharField(
        label="总用地面积",
        required=False,
        max_length=20,
        help_text="公园、广场、绿地、城市道路、高架桥等市政工程填写",
    )
    existing_footprint_m2 = forms.CharField(
        label="原有建（构）筑物占地面积", required=False, max_length=20, help_text="仅扩建项目，供参考"
    )
    art16_class = forms.ChoiceField(
        label="第十六条所列类别",
        choices=[(k, v or "不属于") for k, v in ART16_CLASSES.items()],
        initial="none",
    )


class ProjectForm(ScreeningForm):
    name = forms.CharField(label="项目名称", max_length=100)
    developer_name = forms.CharField(
        label="建设单位", max_length=100, required=False, help_text="企业账户为本单位，可不填"
    )
    developer_uscc = forms.CharField(label="建设单位统一社会信用代码", max_length=18, required=False)
    jurisdiction = forms.ChoiceField(label="所在辖区", choices=())
    location = forms.CharField(label="项目地址", max_length=200)
    facility_type = forms.ChoiceField(label="配套设施类型", choices=list(FACILITY_TYPES.items()))
    planned_start_on = forms.DateField(label="计划开工日期", required=False, widget=DATE)
    filed_on = forms.DateField(
        label="备案日期", required=False, widget=DATE, help_text="经办人员补录纸质备案时填写；网上备案为今天"
    )

    field_order = [
        "name",
        "developer_name",
        "developer_uscc",
        "jurisdiction",
        "location",
        "project_kind",
        "works",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["jurisdiction"]).choices = jurisdiction_choices()


class DesignerForm(forms.Form):
    designer = forms.CharField(label="设计单位", max_length=100)
    designer_qualification = forms.CharField(
        label="设计单位资质证书编号",
        max_length=60,
        required=False,
        help_text="再生水利用系统必填（第十七条）",
    )
    designed_on = forms.DateField(label="确定设计单位日期", widget=DATE)


class StartForm(forms.Form):
    started_on = forms.DateField(label="开工日期", widget=DATE)
    planned_completion_on = forms.DateField(
        label="计划竣工日期",
        widget=DATE,
        required=False,
        help_text="市水行政主管部门须在竣工前参加验收（第六条）",
    )


class AcceptanceForm(forms.Form):
    acceptance_on = forms.DateField(label="验收日期", widget=DATE)
    parts = forms.CharField(label="验收的分部分项工程", max_length=200)
    department_present = forms.BooleanField(label="市水行政主管部门参加了验收", required=False)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


def use_choices() -> list[tuple[str, str]]:
    return [(k, f"{u.label}（{u.category}）") for k, u in USES.items()]


class FacilityForm(forms.Form):
    name = forms.CharField(label="设施名称", max_length=100)
    facility_type = forms.ChoiceField(label="设施类型", choices=list(FACILITY_TYPES.items()))
    operator_name = forms.CharField(label="运行管理单位（自建设施为所有权人或管理人）", max_length=100)
    operator_uscc = forms.CharField(label="运行管理单位统一社会信用代码", max_length=18)
    self_built = forms.BooleanField(label="自建设施", required=False)
    uses = forms.MultipleChoiceField(
        label="供水用途", choices=use_choices, widget=forms.CheckboxSelectMultiple
    )
    sources = forms.MultipleChoiceField(
        label="水源", choices=list(SOURCE_KINDS.items()), widget=forms.CheckboxSelectMultiple
    )
    sources_meet_standard = forms.BooleanField(
        label="污水处理厂出水、工业排水达到再生水用途标准", required=False
    )
    industry = forms.CharField(label="工业排水所属行业", max_length=50, required=False)
    capacity_m3_per_day = forms.CharField(label="设计规模（立方米/日）", max_length=20)
    location = forms.CharField(label="位置", max_length=200)
    jurisdiction = forms.ChoiceField(label="所属辖区", choices=())
    water_unit = forms.ChoiceField(label="供水对象（计划用水单位）", choices=(), required=False)
    in_service_from = forms.DateField(label="纳入日常监管日期", widget=DATE)
    testing_interval_months = forms.IntegerField(
        label="检测周期（月）",
        required=False,
        min_value=1,
        max_value=60,
        help_text="空：按管理员录入的默认周期",
    )

    def __init__(self, *args: Any, completing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from ezhou_platform.water_plan.models import WaterUnit

        cast(forms.ChoiceField, self.fields["jurisdiction"]).choices = jurisdiction_choices()
        cast(forms.ChoiceField, self.fields["water_unit"]).choices = [("", "（无）")] + [
            (str(u.pk), f"{u.name}（{u.uscc}）")
            for u in WaterUnit.objects.filter(active=True).order_by("name")
        ]
        if completing:  # the date is the completion's (or supervision's) own
            del self.fields["in_service_from"]

    def service_data(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        meets, industry = d.pop("sources_meet_standard"), d.pop("industry")
        d["sources"] = [
            {"kind": k, "meets_standard": meets, "industry": industry if k == "industrial_drainage" else ""}
            for k in d["sources"]
        ]
        d["water_unit"] = d.get("water_unit") or None
        return d


class CompleteForm(FacilityForm):
    completed_on = forms.DateField(label="竣工日期", widget=DATE)
    field_order = ["completed_on"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, completing=True, **kwargs)


class SuperviseForm(FacilityForm):
    supervised_from = forms.DateField(label="纳入日常监管日期", widget=DATE)
    field_order = ["supervised_from"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, completing=True, **kwargs)


class SourceForm(forms.Form):
    kind = forms.ChoiceField(label="水源类型", choices=list(SOURCE_KINDS.items()))
    meets_standard = forms.BooleanField(label="达到再生水用途标准（申报）", required=False)
    industry = forms.CharField(label="排水行业", max_length=50, required=False)


class ReviewForm(forms.Form):
    accept = forms.ChoiceField(label="审核结论", choices=[("yes", "同意作为水源"), ("no", "不同意")])
    note = forms.CharField(label="审核意见", max_length=300)


class ChangeForm(forms.Form):
    uses = forms.MultipleChoiceField(
        label="供水用途", choices=use_choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    capacity_m3_per_day = forms.CharField(label="设计规模（立方米/日）", max_length=20, required=False)
    testing_interval_months = forms.IntegerField(
        label="检测周期（月）", required=False, min_value=1, max_value=60
    )


class CloseForm(forms.Form):
    closed_on = forms.DateField(label="注销日期", widget=DATE)
    reason = forms.CharField(label="注销原因", max_length=200)


class InspectionForm(forms.Form):
    inspected_on = forms.DateField(label="检查日期", widget=DATE)
    note = forms.CharField(label="现场情况", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, facility_type: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = [i for i in checklist() if facility_type in i.applies_to]
        for item in self.items:
            self.fields[f"item_{item.key}"] = forms.ChoiceField(
                label=f"{item.question}（{item.citation.split(' ', 1)[1]}）",
                choices=[("yes", "符合"), ("no", "不符合")],
                widget=forms.RadioSelect,
            )

    def answers(self) -> dict[str, bool]:
        return {i.key: self.cleaned_data[f"item_{i.key}"] == "yes" for i in self.items}


class ReportForm(forms.Form):
    report_no = forms.CharField(label="检测报告编号", max_length=60)
    sampled_on = forms.DateField(label="采样日期", widget=DATE)
    lab = forms.CharField(label="检测机构", max_length=100)
    lab_qualification = forms.CharField(
        label="检测机构资质认定证书编号", max_length=60, help_text="第二十三条：委托具有相应资质的检测机构"
    )
    sample_point = forms.CharField(label="采样点", max_length=100)
    sample_point_kind = forms.ChoiceField(
        label="采样点类型", choices=[(k, v) for k, v in SAMPLE_POINTS.items() if k]
    )


class MeasurementForm(forms.Form):
    indicator = forms.CharField(label="检测指标", max_length=60, required=False)
    value = forms.CharField(label="检测值", max_length=30, required=False)
    unit = forms.CharField(label="计量单位", max_length=30, required=False)


MeasurementFormSet = forms.formset_factory(MeasurementForm, extra=15, max_num=100, validate_max=True)


class UsageForm(forms.Form):
    period_start = forms.DateField(label="计量起始日期", widget=DATE)
    period_end = forms.DateField(label="计量截止日期", widget=DATE)
    volume_m3 = forms.CharField(label="利用水量（立方米）", max_length=20)
    note = forms.CharField(label="说明", max_length=200, required=False)


class StopForm(forms.Form):
    reason = forms.CharField(label="停止原因", max_length=200)
    stop_starts_at = BeijingDateTimeField(label="停止运行（供水）时间（北京时间）", widget=MOMENT)
    stop_ends_at = BeijingDateTimeField(
        label="恢复运行（供水）时间（北京时间）", widget=MOMENT, required=False
    )
    users_notified_at = BeijingDateTimeField(
        label="通知用户时间（北京时间）", widget=MOMENT, required=False, help_text="未通知用户请留空"
    )
    notice_method = forms.CharField(label="通知方式", max_length=100, required=False)


class UnreportedStopForm(forms.Form):
    reason = forms.CharField(label="停止原因", max_length=200)
    stop_starts_at = BeijingDateTimeField(label="停止运行（供水）时间（北京时间）", widget=MOMENT)
    stop_ends_at = BeijingDateTimeField(
        label="恢复运行（供水）时间（北京时间）", widget=MOMENT, required=False
    )
    users_notified_at = BeijingDateTimeField(label="通知用户时间（北京时间）", widget=MOMENT, required=False)


class ViolationForm(forms.Form):
    act = forms.ChoiceField(
        label="违法行为（第二十四条）",
        choices=[(k, f"第（{'一二三四五六'[a.item - 1]}）项 {a.label}") for k, a in ACTS.items()],
    )
    found_on = forms.DateField(label="发现日期", widget=DATE)
    party = forms.CharField(label="当事单位或个人", max_length=100)
    party_uscc = forms.CharField(label="当事单位统一社会信用代码", max_length=18, required=False)
    description = forms.CharField(label="违法事实", widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.CharField(label="证据材料", widget=forms.Textarea(attrs={"rows": 2}))


class CloseViolationForm(forms.Form):
    result = forms.CharField(label="处理结果", widget=forms.Textarea(attrs={"rows": 3}))


class FindingForm(forms.Form):
    water_unit = forms.ChoiceField(label="计划用水单位", choices=())
    found_on = forms.DateField(label="认定日期", widget=DATE)
    reason = forms.CharField(
        label="认定理由", max_length=200, help_text="如：再生水管网已接至厂区（第十五条）"
    )
    evidence = forms.CharField(label="证明材料", max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from ezhou_platform.water_plan.models import WaterUnit

        cast(forms.ChoiceField, self.fields["water_unit"]).choices = [
            (str(u.pk), f"{u.name}（{u.uscc}）")
            for u in WaterUnit.objects.filter(active=True).order_by("name")
        ]


class LinkDecisionForm(forms.Form):
    action = forms.ChoiceField(label="办理", choices=[("record", "计入计划用水"), ("dismiss", "不予记录")])
    note = forms.CharField(label="办理意见", max_length=300, required=False)


class YearForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2022, max_value=2100)


class ImportForm(forms.Form):
    file = forms.FileField(label="检测报告文件（CSV 或 Excel）")


class StandardForm(forms.Form):
    code = forms.CharField(label="标准编号（含年代号）", max_length=40, help_text="如 GB/T 25499-2010")
    title = forms.CharField(label="标准名称", max_length=100, required=False)
    in_force = forms.DateField(label="实施日期", widget=DATE, required=False)
    source = forms.CharField(
        label="来源", max_length=300, help_text="标准文本、页码或转录出处；不接受无来源的限值"
    )
    limits = forms.CharField(
        label="限值表",
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="第一行为表头：指标、用途、限值类型、下限、上限、单位、采样点、选择性控制项目、表号、备注（逗号或制表符分隔）",
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="停用原因", max_length=200)


class IndicatorForm(forms.Form):
    code = forms.CharField(label="指标代码", max_length=40)
    name = forms.CharField(label="指标名称", max_length=60)
    dimension = forms.ChoiceField(
        label="计量维度", choices=[(k, f"{k}（{d.canonical}）") for k, d in DIMENSIONS.items()]
    )
    aliases = forms.CharField(label="别名（以、分隔）", max_length=200, required=False)
    source = forms.CharField(label="来源", max_length=300)


class LawsForm(forms.Form):
    act = forms.ChoiceField(label="违法行为（第二十四条）", choices=[(k, a.label) for k, a in ACTS.items()])
    valid_from = forms.DateField(label="起始日期", widget=DATE)
    laws = forms.CharField(
        label="据以处理的法律法规规章条款（每行一条）", widget=forms.Textarea(attrs={"rows": 3})
    )
    source = forms.CharField(label="来源", max_length=300)


class IntervalForm(forms.Form):
    valid_from = forms.DateField(label="起始日期", widget=DATE)
    months = forms.IntegerField(label="默认检测周期（月）", min_value=1, max_value=60)
    source = forms.CharField(label="来源", max_length=300)


class IndustriesForm(forms.Form):
    valid_from = forms.DateField(label="起始日期", widget=DATE)
    industries = forms.CharField(
        label="严禁作为再生水水源的行业（以、分隔）", max_length=500, initial="电镀、化工、印染"
    )
    source = forms.CharField(label="来源", max_length=300)


def add_refusal(form: forms.Form, exc: Any) -> None:
    """Show a service's refusal beside the field it names (else at the top of the form)."""
    field = (getattr(exc, "field", None) or "").split("[")[0].split(".")[0]
    aliases = {"acceptance_on": "acceptance_on", "developer": "developer_name", "operator": "operator_name"}
    field = aliases.get(field, field)
    message = getattr(exc, "message", None) or str(exc)
    form.add_error(field if field in form.fields else None, message)
