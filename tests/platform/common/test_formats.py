"""The Chinese UI's formats: dates read 2022年10月18日 and parse back; amounts with thousands separators."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.template import Context, Template
from django.utils import formats, translation


def test_dates_read_in_chinese() -> None:
    with translation.override("zh-hans"):
        assert formats.date_format(dt.date(2022, 10, 18)) == "2022年10月18日"
        rendered = Template("{{ d|date }}").render(Context({"d": dt.date(2022, 10, 18)}))
        assert rendered == "2022年10月18日"


def test_a_date_typed_as_shown_parses_back() -> None:
    class F(forms.Form):
        day = forms.DateField()

    with translation.override("zh-hans"):
        for typed in ("2022年10月18日", "2022-10-18", "2022/10/18"):
            form = F({"day": typed})
            assert form.is_valid(), (typed, form.errors)
            assert form.cleaned_data["day"] == dt.date(2022, 10, 18)


def test_numbers_and_amounts_have_thousands_separators() -> None:
    with translation.override("zh-hans"):
        assert formats.number_format(1234567, use_l10n=True, force_grouping=True) == "1,234,567"
        out = Template("{% load ezhou %}{{ a|yuan }} {{ a|yuan_symbol }} {{ a|yuan_capital }}").render(
            Context({"a": 123456})
        )
        # 123456 fen = 1,234.56 yuan
        assert out == "1,234.56元 ¥1,234.56 人民币壹仟贰佰叁拾肆元伍角陆分"


def test_masking_filters() -> None:
    out = Template("{% load ezhou %}{{ i|masked_id }} {{ p|masked_phone }}").render(
        Context({"i": "42070419900307123X", "p": "13812341234"})
    )
    assert out == "420***********123X 138****1234"
