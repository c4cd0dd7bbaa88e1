"""The forms of 计划用水管理's pages: Chinese labels, server-side validation, errors that name the field by its
label and the rule. A form only reads what was typed; the services (on the procedure layer) decide."""

from __future__ import annotations

import datetime as dt
import types
import typing
from typing import Any

from django import forms

from ezhou_rules.water_plan.errors import WaterPlanError
from ezhou_rules.water_plan.plan import COEFFICIENT_CASES
from ezhou_rules.water_plan.volumes import parse_volume

from .steps import REFUSAL_CASES

VOLUME_HELP = "立方米，最多两位小数"


class VolumeField(forms.CharField):
    """A volume in m³ with at most two decimals → hundredths of a m³ (int)."""

    def __init__(self, *, allow_negative: bool = False, **kwargs: Any) -> None:
        self.allow_negative = allow_negative
        kwargs.setdefault("help_text", VOLUME_HELP)
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> int | None:  # type: ignore[override]
        text = super().clean(value)
        if text in (None, ""):
            return None
        try:
            return parse_volume(
                str(text), field="volume", label=str(self.label), allow_negative=self.allow_negative
            )
        except WaterPlanError as exc:
            raise forms.ValidationError(exc.message.removeprefix(f"{self.label}：")) from None


class ChineseDateField(forms.DateField):
    """年-月-日; the error says how to write it."""

    default_error_messages = {"invalid": "请按“年-月-日”填写（如2026-06-15）。"}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}))
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        super().__init__(**kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (the view reads them with ``request.FILES.getlist``)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return super().clean(data, initial)


def _required(label: str) -> dict[str, str]:
    return {"required": f"请填写{label}。"}


def errors_text(form: forms.Form) -> list[str]:
    """Each error as "标签：说明" (the field's Chinese label once, never its machine name)."""
    out = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for e in errors:
            out.append(f"{label}：{e}" if label else str(e))
    return out


# -- the clerks' steps -------------------------------------------------------------------------------------


class ApproveAdjustmentForm(forms.Form):
    approved_volume = VolumeField(label="核准水量", error_messages=_required("核准水量"))


class RefuseForm(forms.Form):
    refusal_case = forms.TypedChoiceField(
        label="不予调整/增补情形",
        choices=[("", "—"), *((str(n), f"（{n}）{text}") for n, text in REFUSAL_CASES.items())],
        coerce=int,
        error_messages={
            "required": "须选择第十三条所列七种情形之一（第十三条）。",
            "invalid_choice": "须选择第十三条所列七种情形之一（第十三条）。",
        },
    )
    reason = forms.CharField(
        label="理由", max_length=300, error_messages=_required("不予调整或增补的具体理由")
    )


class ApproveSupplementForm(forms.Form):
    """附件2 注: the written opinion's volume and text, for an "other" case without a quota."""

    approved_volume = VolumeField(label="核准水量", required=False)
    opinion = forms.CharField(
        label="书面意见", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class AppealDecisionForm(forms.Form):
    upheld = forms.ChoiceField(
        label="处理结果",
        choices=[("yes", "异议成立（按核实后的实际用水量重新开具通知单）"), ("no", "异议不成立")],
        widget=forms.RadioSelect,
        error_messages={"required": "请选择异议成立或不成立（第十五条）。"},
    )
    corrected_actual = VolumeField(label="核实后的实际用水量", required=False)
    decision = forms.CharField(label="处理意见", max_length=500, error_messages=_required("处理意见"))


class StepDateForm(forms.Form):
    """送达、缴费: the day it happened (today when left empty)."""

    on = ChineseDateField(label="日期", required=False, help_text="不填为今天")


class ReminderForm(forms.Form):
    pay_by = ChineseDateField(label="催告缴费期限", error_messages=_required("催告缴费期限"))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="撤销理由", max_length=200, error_messages=_required("撤销理由"))


class CoefficientEventForm(forms.Form):
    kind = forms.ChoiceField(
        label="增减系数情形",
        choices=[(k, f"{c.label}（{c.place}）") for k, c in COEFFICIENT_CASES.items()],
    )
    on = ChineseDateField(label="发生（完成、备案、认定）日期", error_messages=_required("发生日期"))
    until = ChineseDateField(label="称号有效期至", required=False, help_text="节水型企业（单位）称号填写")
    evidence = forms.CharField(label="证明材料", max_length=200, error_messages=_required("证明材料"))


# -- the unit's filings -------------------------------------------------------------------------------------


class AdjustmentFilingForm(forms.Form):
    plan = forms.TypedChoiceField(label="年度用水计划", coerce=int, choices=())
    requested_volume = VolumeField(label="申请增加水量", error_messages=_required("申请增加水量"))
    reason = forms.CharField(
        label="申请理由",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="生产规模扩大、产量增加、用水性质改变、用水人员增加等（第十条）",
        error_messages=_required("申请理由"),
    )
    form_file = forms.FileField(label="用水计划指标调整申请表（第十条第（一）项）", required=False)
    change_file = forms.FileField(
        label="生产规模、产量、人数等变化的证明材料（第十条第（二）项）", required=False
    )
    balance_test_file = forms.FileField(
        label="已完成水平衡测试的证明材料（第十条第（三）项）", required=False
    )
    other_file = forms.FileField(
        label="按照规定需要提交的其他材料（第十条第（四）项，可不提供）", required=False
    )

    FILES = (
        ("form_file", "form"),
        ("change_file", "change"),
        ("balance_test_file", "balance_test"),
        ("other_file", "other"),
    )

    def __init__(self, *args: Any, plans: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = plans  # type: ignore[attr-defined]


class AppealFilingForm(forms.Form):
    reason = forms.CharField(
        label="异议内容",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="对通知单中的水量、金额的异议（第十五条）",
        error_messages=_required("异议内容"),
    )
    claimed_actual_volume = VolumeField(label="主张的实际用水量", required=False)
    evidence_file = forms.FileField(label="异议证明材料（可不提供）", required=False)


class PlanRequestForm(forms.Form):
    unit = forms.TypedChoiceField(label="用水单位", coerce=int, choices=())
    plan_year = forms.TypedChoiceField(label="计划年度", coerce=int, choices=())
    requested_volume = VolumeField(label="申请水量", error_messages=_required("申请水量"))
    note = forms.CharField(
        label="说明", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, units: list[tuple[int, str]], years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = units  # type: ignore[attr-defined]
        self.fields["plan_year"].choices = [(y, f"{y}年") for y in years]  # type: ignore[attr-defined]


# -- jobs ---------------------------------------------------------------------------------------------------


class YearJobForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2022, max_value=2100, error_messages=_required("年度"))
    on = ChineseDateField(label="日期", required=False, help_text="下达或开具日期；不填为今天")

    def params(self) -> dict[str, Any]:
        on: dt.date | None = self.cleaned_data.get("on")
        return {"year": self.cleaned_data["year"], **({"on": on.isoformat()} if on else {})}


# -- emergency supplements: the fields of each type of 附件2, from the API's schema of that type ----------------

_SKIP = {"months", "daily"}  # lists: construction months are reported later; daily readings come from imports


def _choices(values: tuple[Any, ...], description: str) -> list[tuple[str, str]]:
    """The options of a Literal, labelled by the description's "value 说明；…" parts."""
    parts = {p.split(" ", 1)[0]: p.split(" ", 1)[1] for p in description.split("；") if " " in p}
    return [(str(v), f"{parts.get(str(v), str(v))}") for v in values]


def _optional_of(annotation: Any) -> Any:
    """``X | None`` → X."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def supplement_form_class(type_: str) -> type[forms.Form]:
    """A form for the inputs of one type of 附件2 (labels and options from the schema ``SUPPLEMENT_INPUTS``)."""
    from .schemas import SUPPLEMENT_INPUTS

    model = SUPPLEMENT_INPUTS[type_]
    fields: dict[str, forms.Field] = {
        "event_on": ChineseDateField(label="事发日期", error_messages=_required("事发日期")),
    }
    for name, info in model.model_fields.items():
        if name in _SKIP:
            continue
        label = info.title or name
        help_text = info.description or ""
        required = info.is_required()
        annotation = info.annotation
        base = _optional_of(annotation)
        if typing.get_origin(base) is typing.Literal:
            field: forms.Field = forms.ChoiceField(
                label=label,
                choices=([] if required else [("", "—")]) + _choices(typing.get_args(base), help_text),
                required=required,
            )
        elif base is bool:
            field = forms.TypedChoiceField(
                label=label,
                choices=[("", "—"), ("true", "是"), ("false", "否")],
                coerce=lambda v: v == "true",
                required=True,
                help_text=help_text,
                error_messages=_required(label),
            )
        elif base is dt.date:
            field = ChineseDateField(label=label, required=required, help_text=help_text)
        elif base is int:
            field = forms.IntegerField(label=label, required=required, help_text=help_text)
        else:
            field = forms.CharField(label=label, required=required, max_length=300, help_text=help_text)
        if required and not isinstance(field, forms.TypedChoiceField):
            field.error_messages["required"] = f"请填写{label}。"
        fields[name] = field
    fields["evidence_files"] = MultipleFileField(
        label="证明材料（附件2 所列）",
        required=False,
        help_text="PDF、JPEG或PNG，每个不超过10MB，可多选；未提供证明材料的，申请内容不予认可（第十二条）",
    )
    return type(f"Supplement{type_.title().replace('_', '')}Form", (forms.Form,), fields)


def supplement_inputs(form: forms.Form) -> dict[str, Any]:
    """The cleaned form as the rules' JSON inputs (what the API would receive)."""
    out: dict[str, Any] = {}
    for name, value in form.cleaned_data.items():
        if name in ("event_on", "evidence_files") or value in (None, ""):
            continue
        out[name] = value.isoformat() if isinstance(value, dt.date) else value
    return out
