"""What every procedure of 医疗救助 uses: the configured parameters, the refusal of a missing one, the check of a
step's date, the example values of the demo."""

from __future__ import annotations

import datetime as dt

from ezhou_platform.common import clock
from ezhou_platform.common.api_errors import ApiError
from ezhou_rules.core.dates import cn_date
from ezhou_rules.core.params import ParameterNotSet
from ezhou_rules.medical_assistance.parameters_tree import parameters

from ..cites import IN_FORCE
from ..models.steps import tree

EXAMPLE_SOURCE = "示例数据（非官方统计）"

__all__ = [
    "EXAMPLE_SOURCE",
    "IN_FORCE",
    "ApiError",
    "check_past_date",
    "example_values",
    "not_set_error",
    "tree",
]


def not_set_error(exc: ParameterNotSet) -> ApiError:
    """A missing configured value as a 409 naming the parameter and the year it is needed for."""
    name = exc.name.removeprefix(f"{parameters().name}.")
    try:
        label = parameters().parameter(name).description
    except LookupError:
        label = ""
    what = f"“{label}”（{name}）" if label else name
    if name.startswith("income."):
        when = f"{exc.date.year}年度的数值"
    else:
        when = f"{cn_date(exc.date)}适用的数值"
    return ApiError(
        "parameter_not_set",
        f"参数{what}尚未录入{when}，暂时无法计算：请管理员在“政策参数取值”中录入数值及其来源。",
        field=None,
        status=409,
    )


def check_past_date(
    day: dt.date, label: str, field_name: str, *, earliest: dt.date = IN_FORCE, earliest_label: str = ""
) -> None:
    """A step that records a past event: not before ``earliest`` (the day 34号 took effect unless the step
    says otherwise), not after today (M21)."""
    today = clock.today()
    if day > today:
        raise ApiError(
            "date_in_future",
            f"{label}不能晚于今天（{cn_date(today)}）：此处登记的是已经发生的事项。",
            field=field_name,
            status=422,
        )
    if day < earliest:
        if earliest_label:
            why = f"{earliest_label}（{cn_date(earliest)}）"
        elif earliest == IN_FORCE:
            why = f"本办法施行之日（{cn_date(IN_FORCE)}）"
        else:
            why = cn_date(earliest)
        raise ApiError("date_too_early", f"{label}不能早于{why}。", field=field_name, status=422)


def example_values(names: tuple[str, ...] = ()) -> list[str]:
    """The configured values of this system that the demo entered as examples (their source says
    示例数据（非官方统计）), as "parameter (year)" labels; pages that use them say so. Empty outside the demo."""
    from ezhou_platform.common.models import ConfiguredValue

    rows = ConfiguredValue.objects.filter(tree="medical_assistance")
    if names:
        rows = rows.filter(name__in=names)
    latest: dict[tuple[str, dt.date], ConfiguredValue] = {}
    for r in rows.order_by("name", "valid_from", "id"):
        latest[(r.name, r.valid_from)] = r  # the newest row for a date is the one in force (configured())
    labels = []
    for r in latest.values():
        if not r.source.startswith(EXAMPLE_SOURCE):
            continue
        try:
            description = parameters().parameter(r.name).description
        except LookupError:
            description = r.name
        labels.append(f"{description.split('（')[0]}（{r.valid_from.year}年度）")
    return labels
