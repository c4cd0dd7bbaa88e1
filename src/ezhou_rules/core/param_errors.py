"""The parameter kernel's errors, apart so values, tree and loader share them (``params`` re-exports)."""

from __future__ import annotations

import datetime as dt


class ParameterFileError(ValueError):
    """A parameter file that cannot be trusted: the load stops and names the file and key."""

    code = "parameter_file_invalid"

    def __init__(self, file: str, key: str, reason: str) -> None:
        where = f"参数文件 {file}" + (f" 中的 {key}" if key else "")
        super().__init__(f"{where}：{reason}")
        self.file = file
        self.key = key
        self.reason = reason


class ParameterValueError(ValueError):
    """A value given in code (an override, an administrator's entry) that does not fit its parameter."""

    code = "parameter_value_invalid"


class UnknownParameter(LookupError):
    code = "unknown_parameter"

    def __init__(self, name: str, tree: str) -> None:
        super().__init__(f"参数表“{tree}”中没有参数 {name}。")
        self.name = name


class ParameterNotSet(LookupError):
    """No value applies on this date: nobody has entered it yet, or the date is before the first value."""

    code = "parameter_not_set"

    def __init__(
        self,
        name: str,
        date: dt.date,
        description: str = "",
        first_from: dt.date | None = None,
        configurable: bool = False,
    ) -> None:
        label = f"“{description}”（{name}）" if description else name
        if first_from is None:
            why = "尚未录入任何取值" + (
                "；该参数由政策授权配置，请管理员录入" if configurable else "；请管理员录入"
            )
            why += f"{date.year}年适用的数值及其来源。"
        else:
            why = f"其最早的取值自 {first_from.isoformat()} 起适用，此前的数值未录入。"
        super().__init__(f"参数{label}在 {date.isoformat()}（{date.year}年）没有适用的取值：{why}")
        self.name = name
        self.date = date
        self.first_from = first_from
