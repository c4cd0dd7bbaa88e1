"""Forms of 医疗救助's pages: Chinese labels, validation on the server, every error naming its field and rule."""

from __future__ import annotations

from typing import Any

from django import forms

from ezhou_platform.common.api_errors import ApiError
from ezhou_rules.core.money import MoneyError, parse_yuan

from .services import ClaimInput

# Where the treatment was: (label, in_city, in_province, temporary_out_of_city) — 第十三条.
PLACES = {
    "city": ("市域内定点医疗机构", True, True, False),
    "referred": ("经转诊到市外（省内）", False, True, False),
    "temporary": ("临时外出到市外（省内，未转诊）", False, True, True),
    "temporary_out_of_province": ("临时外出到省外（未转诊）", False, False, True),
    "referred_out_of_province": ("经转诊到省外", False, False, False),
}
# Fields of the service that the form shows under another name.
SERVICE_FIELDS = {"in_city": "place", "in_province": "place", "temporary_out_of_city": "place"}


def _messages(label: str) -> dict[str, str]:
    return {
        "required": f"请填写“{label}”。",
        "invalid": f"“{label}”格式不正确。",
        "invalid_choice": f"请从列表中选择“{label}”。",
        "max_length": f"“{label}”过长。",
    }


def _text(label: str, **kw: Any) -> forms.CharField:
    return forms.CharField(label=label, error_messages=_messages(label), **kw)


def _choice(label: str, choices: Any) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=choices, error_messages=_messages(label))


class YuanField(forms.CharField):
    """An amount in yuan typed as text (1,234.50), kept as integer fen; the message names the field."""

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if text is None or text in self.empty_values:
            return None
        try:
            fen = parse_yuan(text)
        except MoneyError as exc:
            raise forms.ValidationError(f"“{self.label}”：{exc}", code="invalid_amount") from None
        if fen < 0:
            raise forms.ValidationError(f"“{self.label}”不能为负数。", code="negative_amount")
        return fen


class ClaimForm(forms.Form):
    """One hospital claim entered by a clerk (the fields of the API's 结算单, amounts in yuan)."""

    claim_id = _text("结算单号", max_length=64)
    resident_id = _text("公民身份号码", max_length=18)
    settle_date = forms.DateField(
        label="结算日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={**_messages("结算日期"), "invalid": "“结算日期”应为日期，如 2024-03-01。"},
    )
    kind = _choice("就医类别", [("inpatient", "住院"), ("chronic_outpatient", "门诊慢特病")])
    hospital_name = _text("医疗机构名称", max_length=100)
    hospital_level = _choice("医疗机构级别", [("1", "一级"), ("2", "二级"), ("3", "三级")])
    place = _choice("就医地点", [(k, v[0]) for k, v in PLACES.items()])
    total_cost = YuanField(label="医疗总费用（元）", error_messages=_messages("医疗总费用（元）"))
    out_of_policy_cost = YuanField(
        label="政策范围外费用（元）", error_messages=_messages("政策范围外费用（元）")
    )
    policy_self_pay = YuanField(
        label="政策范围内个人自付（元）",
        help_text="经基本医保、大病保险支付后",
        error_messages=_messages("政策范围内个人自付（元）"),
    )
    referred_from_primary_care = forms.BooleanField(
        label="经基层首诊转诊", required=False, help_text="第二十条“先诊疗后付费”的条件之一"
    )

    def claim_input(self) -> ClaimInput:
        d = self.cleaned_data
        _, in_city, in_province, temporary = PLACES[d["place"]]
        return ClaimInput(
            claim_id=d["claim_id"].strip(),
            resident_id=d["resident_id"].strip(),
            settle_date=d["settle_date"],
            kind=d["kind"],
            hospital_name=d["hospital_name"].strip(),
            hospital_level=int(d["hospital_level"]),
            in_city=in_city,
            in_province=in_province,
            temporary_out_of_city=temporary,
            total_cost=d["total_cost"],
            out_of_policy_cost=d["out_of_policy_cost"],
            policy_self_pay=d["policy_self_pay"],
            referred_from_primary_care=d["referred_from_primary_care"],
        )

    def add_service_error(self, exc: ApiError) -> None:
        """A refusal of the service on the field it names (by the form's label), or for the whole form."""
        name = SERVICE_FIELDS.get(exc.field or "", exc.field or "")
        if name in self.fields:
            self.add_error(name, f"“{self.fields[name].label}”：{exc.message}")
        else:
            self.add_error(None, exc.message)
