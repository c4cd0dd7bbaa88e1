"""Forms of the supervision pages: Chinese labels, bounds on every number and date, server-side checks (the
rules check again in the services and name the same labels)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms

from ezhou_rules.supervision.rural_delivery import LEVELS
from ezhou_rules.supervision.targets import LEVELS as RECOGNITION_LEVELS
from ezhou_rules.supervision.vocational_education.funding import LINE_KINDS, OWNERSHIPS, SCHOOL_KINDS

from .models import Report
from .models.delivery import LEVEL_LABELS

FIRST_DAY = dt.date(2021, 1, 1)
LAST_DAY = dt.date(2035, 12, 31)
MAX_YUAN = 10_000_000_000  # 100亿元: far above any school's funding, a bound against typing errors


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _choices(field: forms.Field, choices: Any) -> None:
    cast(forms.ChoiceField, field).choices = choices


def _date(label: str, **kwargs: Any) -> forms.DateField:
    field = forms.DateField(label=label, widget=DateInput(), **kwargs)
    field.error_messages["invalid"] = f"“{label}”应为日期（YYYY-MM-DD）。"
    field.error_messages["required"] = f"请填写“{label}”。"
    return field


class BoundedDates(forms.Form):
    """Every date of these forms lies between 2021 (十四五) and 2035."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, value in list(data.items()):
            if isinstance(value, dt.date) and not FIRST_DAY <= value <= LAST_DAY:
                self.add_error(name, f"“{self.fields[name].label}”应在2021年1月1日至2035年12月31日之间。")
        return data


class ReportForm(BoundedDates):
    unit = forms.TypedChoiceField(label="报送单位", coerce=int)
    kind = forms.ChoiceField(label="报送类型", choices=Report.Kind.choices)
    evidence_date = _date("证明文件日期")
    document_number = forms.CharField(label="证明文件文号", max_length=80, required=False)
    summary = forms.CharField(label="情况说明", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    attachment = forms.FileField(label="证明文件", required=False, help_text="PDF、JPEG 或 PNG，不超过10 MB")

    def __init__(self, *args: Any, units: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["unit"], [(u.pk, u.name) for u in units])
        self.fields["summary"].error_messages["required"] = "请填写“情况说明”。"


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label="确认结果", choices=[("accept", "确认"), ("return", "退回")])
    note = forms.CharField(
        label="确认意见或退回理由", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RecognitionForm(BoundedDates):
    category = forms.ChoiceField(label="目标类别")
    name = forms.CharField(label="认定对象名称", max_length=100)
    level = forms.ChoiceField(label="认定级别", choices=[(k, v[0]) for k, v in RECOGNITION_LEVELS.items()])
    holder = forms.CharField(
        label="所属学校", max_length=100, required=False, help_text="按单位名录中的名称或别名填写"
    )
    recognised_on = _date("认定日期")
    document_number = forms.CharField(label="认定文件文号", max_length=80)

    def __init__(self, *args: Any, categories: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["category"], categories)


class ProgressionForm(forms.Form):
    school = forms.CharField(label="学校", max_length=100, help_text="按单位名录中的名称或别名填写")
    year = forms.IntegerField(label="年度", min_value=2021, max_value=2035)
    graduates = forms.IntegerField(label="毕业生数", min_value=0, max_value=100_000)
    progressed = forms.IntegerField(label="升学人数", min_value=0, max_value=100_000)
    to_bachelor = forms.IntegerField(label="升职业本科人数", min_value=0, max_value=100_000)
    reason = forms.CharField(label="更正原因", max_length=200, required=False)


class FundingForm(forms.Form):
    school = forms.CharField(label="学校", max_length=100, help_text="按单位名录中的名称或别名填写")
    year = forms.IntegerField(label="年度", min_value=2021, max_value=2035)
    school_kind = forms.ChoiceField(label="学校类别", choices=[(k, v[0]) for k, v in SCHOOL_KINDS.items()])
    ownership = forms.ChoiceField(label="办学性质", choices=list(OWNERSHIPS.items()))
    students = forms.IntegerField(label="在校生数", min_value=0, max_value=1_000_000)
    reason = forms.CharField(label="更正原因", max_length=200, required=False)


class FundingLineForm(forms.Form):
    kind = forms.ChoiceField(label="经费类别", choices=[(k, v[0]) for k, v in LINE_KINDS.items()])
    label = forms.CharField(label="经费名称", max_length=100, required=False)
    amount = forms.DecimalField(
        label="经费金额", min_value=0, max_value=MAX_YUAN, decimal_places=2, max_digits=14, required=False
    )
    includes_tuition = forms.BooleanField(label="该金额含学费收入", required=False)
    includes_service_income = forms.BooleanField(label="该金额含社会服务收入", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["amount"].error_messages.update(
            {
                "invalid": "“经费金额”应为以元为单位的数字，最多两位小数。",
                "max_decimal_places": "“经费金额”最多两位小数（分）。",
            }
        )


FundingLineFormSet = forms.formset_factory(FundingLineForm, extra=4, max_num=10, validate_max=True)


class SiteForm(BoundedDates):
    name = forms.CharField(label="站点名称", max_length=100)
    level = forms.ChoiceField(label="站点层级", choices=[(lv, LEVEL_LABELS[lv]) for lv in LEVELS])
    jurisdiction = forms.CharField(
        label="所在辖区", max_length=24, help_text="辖区名录中的代码（12位统计用区划代码或平台代码）"
    )
    address = forms.CharField(label="地址", max_length=200, required=False)
    operators = forms.CharField(
        label="运营主体", max_length=500, help_text="按单位名录中的名称填写，共同配送的多家用顿号分隔"
    )
    functions = forms.MultipleChoiceField(
        label="服务职能", required=False, widget=forms.CheckboxSelectMultiple
    )
    state = forms.ChoiceField(
        label="站点状态", choices=[("planned", "规划"), ("building", "在建"), ("operating", "运营")]
    )
    since = _date("状态起始日期")

    def __init__(self, *args: Any, functions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["functions"], [(f, f) for f in functions])


class SiteStepForm(BoundedDates):
    step = forms.ChoiceField(label="办理环节")
    on = _date("状态日期")
    note = forms.CharField(label="说明", max_length=300, required=False)

    def __init__(self, *args: Any, steps: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["step"], steps)


class DispersedForm(BoundedDates):
    village = forms.CharField(label="建制村", max_length=24, help_text="辖区名录中村（社区）的代码")
    since = _date("认定日期")
    basis = forms.CharField(label="认定依据", max_length=300)


class CoverageForm(forms.Form):
    date = _date("统计日期", required=False)
