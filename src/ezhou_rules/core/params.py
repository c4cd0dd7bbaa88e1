"""Dated parameters: every number a rule uses, with the date it holds from and where it comes from.

A parameter file sits beside the rules of its document::

    document: 鄂州政办发〔2022〕34号      # default document for citations; optional
    document_date: 2022-10-18         # no value dated earlier, unless it cites an outside source
    parameters:
      deductible:
        class_3:
          unit: fen
          description: 三类救助对象年度起付标准
          values:
            2022-10-18: {value: 300000, cite: 鄂州政办发〔2022〕34号 第十一条第（一）项}
      per_capita_income:
        unit: fen
        description: 上年度全市居民人均可支配收入
        configurable: true            # left to configuration by the law; nobody has entered it yet
        values: {}

Each value holds from its date until the next value's date. Every value names its origin: ``cite`` (a
gazette citation; the place alone, e.g. ``第十一条``, is read against ``document``) or ``source`` (free
text for an outside source such as a statistical bulletin). A lookup on a date with no applicable value
raises ``ParameterNotSet``; a value is never invented, and never borrowed from a national or provincial
figure.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import yaml

from .citations import REGISTRY, Citation

# unit → what a value of it is. Amounts are integer fen only: a "yuan" unit would invite 3000 and
# 300000 to sit side by side in the same tree.
UNITS: dict[str, str] = {
    "fen": "金额（分，整数）",
    "fen_per_m3": "单价（分/立方米，整数）",
    "ratio": '比例（精确分数，写作 "0.65" 或 "65%"）',
    "m3": "体积（立方米）",
    "m2": "面积（平方米）",
    "days": "天数（自然日）",
    "workdays": "工作日数",
    "months": "月数",
    "years": "年数",
    "count": "个数",
    "bool": "是/否",
    "text": "文本",
    "date": "日期",
}
_COUNT_UNITS = frozenset({"fen", "fen_per_m3", "days", "workdays", "months", "years", "count"})
_UNIT_HINTS = {
    "yuan": "金额请以分为单位（unit: fen），如 3000元 写作 300000",
    "percent": '百分比请用 unit: ratio，值写作 "65%"',
}

_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_RATIO_RE = re.compile(r"[+-]?(?:\d+(?:\.\d+)?%?|\d+/\d+)")
_QUANTITY_RE = re.compile(r"[+-]?\d+(?:\.\d+)?")

WHAT_IF_SOURCE = "模拟测算调整值（非正式参数）"


# -- errors ------------------------------------------------------------------------------------------------


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


# -- values ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DatedValue:
    """One value of a parameter, holding from ``valid_from`` until the next value's date."""

    valid_from: dt.date
    value: Any
    citation: Citation | None = None
    source: str | None = None
    note: str = ""

    @property
    def reference(self) -> str:
        """Where the value comes from, as one string for a trace or a page."""
        return str(self.citation) if self.citation else (self.source or "")


@dataclass(frozen=True)
class AdminValue:
    """A dated value an administrator entered (the platform reads these from its database)."""

    name: str
    valid_from: dt.date
    value: Any
    source: str
    cite: str | Citation | None = None
    note: str = ""


def convert_value(unit: str, raw: Any) -> Any:
    """The stored form of a raw value for ``unit``; ValueError (Chinese) if it does not fit.

    Lists are allowed (a table of tiers as two parallel lists), each element taking the unit; they become
    tuples so a value can never be changed in place.
    """
    if unit not in UNITS:
        raise ValueError(
            f"未知单位 {unit!r}" + (f"（{_UNIT_HINTS[unit]}）" if unit in _UNIT_HINTS else "") + "。"
        )
    if isinstance(raw, list | tuple):
        if not raw:
            raise ValueError("列表取值不能为空。")
        return tuple(convert_value(unit, item) for item in raw)
    if raw is None:
        raise ValueError("缺少取值（value）。")
    if isinstance(raw, float):
        raise ValueError(f'取值 {raw!r} 是浮点数，不能精确保存；请写成带引号的字符串，如 "0.65"。')
    if unit in _COUNT_UNITS:
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise ValueError(f"单位 {unit} 的取值应为整数，收到 {raw!r}。")
        if raw < 0:
            raise ValueError(f"单位 {unit} 的取值不能为负数，收到 {raw}。")
        return raw
    if unit == "ratio":
        if isinstance(raw, Fraction):
            return raw
        if isinstance(raw, bool) or not isinstance(raw, int | str | Decimal):
            raise ValueError(f'比例应写成字符串，如 "0.65"、"65%" 或 "13/20"，收到 {raw!r}。')
        text = str(raw).strip()
        if not _RATIO_RE.fullmatch(text):
            raise ValueError(f'比例“{text}”无法识别；应写作 "0.65"、"65%" 或 "13/20"。')
        if text.endswith("%"):
            return Fraction(text[:-1]) / 100
        if "/" in text and int(text.split("/")[1]) == 0:
            raise ValueError(f"比例“{text}”的分母为零。")
        return Fraction(text)
    if unit in ("m3", "m2"):
        if isinstance(raw, bool) or not isinstance(raw, int | str | Decimal):
            raise ValueError(f'单位 {unit} 的取值应为整数或十进制字符串（如 "0.5"），收到 {raw!r}。')
        if isinstance(raw, int):
            return raw
        text = str(raw).strip()
        if not _QUANTITY_RE.fullmatch(text):
            raise ValueError(f"“{text}”不是数值。")
        number = Decimal(text)
        return int(number) if number == number.to_integral_value() else number
    if unit == "bool":
        if not isinstance(raw, bool):
            raise ValueError(f"单位 bool 的取值应为 true 或 false，收到 {raw!r}。")
        return raw
    if unit == "text":
        if not isinstance(raw, str) or not raw.strip():
            raise ValueError(f"单位 text 的取值应为非空文本，收到 {raw!r}。")
        return raw
    # unit == "date"
    if isinstance(raw, dt.datetime):
        raise ValueError(f"日期取值不应含时刻：{raw!r}。")
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        raise ValueError(f"“{raw}”不是日期（应为 YYYY-MM-DD）。") from None


@dataclass(frozen=True)
class Parameter:
    name: str  # dotted path inside its tree
    unit: str
    description: str = ""
    configurable: bool = False
    values: tuple[DatedValue, ...] = ()
    tree: str = ""  # the tree's name, for messages and the citation registry

    @property
    def full_name(self) -> str:
        return f"{self.tree}.{self.name}" if self.tree else self.name

    def entry_at(self, on: dt.date) -> DatedValue:
        on = _plain_date(on)
        found: DatedValue | None = None
        for v in self.values:
            if v.valid_from > on:
                break
            found = v
        if found is None:
            raise self._not_set(on)
        return found

    def value_at(self, on: dt.date) -> Any:
        return self.entry_at(on).value

    def _not_set(self, on: dt.date) -> ParameterNotSet:
        first = self.values[0].valid_from if self.values else None
        return ParameterNotSet(self.full_name, on, self.description, first, self.configurable)

    def _index(self, dates: npt.ArrayLike) -> npt.NDArray[np.intp]:
        arr = np.asarray(dates).astype("datetime64[D]")
        if np.isnat(arr).any():
            raise ValueError("日期数组中含有空值（NaT）。")
        froms = np.array([v.valid_from for v in self.values], dtype="datetime64[D]")
        idx = np.searchsorted(froms, arr, side="right") - 1
        missing = idx < 0
        if missing.any():
            raise self._not_set(arr[missing].min().astype(object))
        return idx

    def values_at(self, dates: npt.ArrayLike) -> np.ndarray:
        """The value on each date of a datetime64[D] array: int64 for amounts and counts, bool, datetime64[D]
        for dates, object (Fraction, Decimal, text, tuples) otherwise."""
        idx = self._index(dates)
        raw = [v.value for v in self.values]
        table: np.ndarray
        if any(isinstance(x, tuple) for x in raw):
            table = np.empty(len(raw), dtype=object)
            table[:] = raw
        elif self.unit in _COUNT_UNITS:
            table = np.array(raw, dtype=np.int64)
        elif self.unit == "bool":
            table = np.array(raw, dtype=bool)
        elif self.unit == "date":
            table = np.array(raw, dtype="datetime64[D]")
        else:
            table = np.empty(len(raw), dtype=object)
            table[:] = raw
        return table[idx]

    def ratio_arrays_at(self, dates: npt.ArrayLike) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Numerators and denominators of a ratio on each date, for ``money.mul_ratio_half_up``."""
        if self.unit != "ratio" or any(isinstance(v.value, tuple) for v in self.values):
            raise ParameterValueError(f"参数 {self.full_name} 不是单一比例（单位 {self.unit}）。")
        idx = self._index(dates)
        nums = np.array([v.value.numerator for v in self.values], dtype=np.int64)
        dens = np.array([v.value.denominator for v in self.values], dtype=np.int64)
        return nums[idx], dens[idx]


def _plain_date(day: Any) -> dt.date:
    if isinstance(day, dt.datetime):
        return day.date()
    if isinstance(day, np.datetime64):
        return _plain_date(day.astype("datetime64[D]").item())
    if not isinstance(day, dt.date):
        raise TypeError(f"expected a date, got {type(day).__name__}")
    return day


# -- the tree ----------------------------------------------------------------------------------------------


class ParameterTree:
    """An immutable set of dated parameters named by dotted paths (``deductible.class_3``)."""

    def __init__(
        self,
        name: str,
        parameters: Mapping[str, Parameter],
        *,
        document: str | None = None,
        document_date: dt.date | None = None,
        file: str | None = None,
        valid_until: dt.date | None = None,
        validity_citation: Citation | None = None,
    ) -> None:
        self.name = name
        self.document = document
        self.document_date = document_date
        self.file = file
        # The last day of the document's validity ("有效期5年"), if it states one.
        self.valid_until = valid_until
        self.validity_citation = validity_citation
        self._params: dict[str, Parameter] = dict(parameters)
        self._groups = {".".join(n.split(".")[:i]) for n in self._params for i in range(1, n.count(".") + 1)}

    def __repr__(self) -> str:
        return f"ParameterTree({self.name!r}, {len(self._params)} parameters)"

    def expiry_warning(self, day: dt.date) -> str:
        """A Chinese warning when ``day`` is after the document's validity ended; "" while it is in force.

        A rule applied after its document expired is still computed (a case that began in time is finished
        under it), but the result and the page say so, with the article that set the validity.
        """
        if self.valid_until is None or day <= self.valid_until:
            return ""
        until = f"{self.valid_until.year}年{self.valid_until.month}月{self.valid_until.day}日"
        where = f"（{self.validity_citation}）" if self.validity_citation else ""
        return (
            f"{self.document or self.name}的有效期已于{until}届满{where}，"
            "本结果仍按该文件计算，仅供参考；请以现行有效的规定为准。"
        )

    def names(self) -> list[str]:
        return sorted(self._params)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._key(name) in self._params

    def _key(self, name: str) -> str:
        # Both "deductible.class_3" and the registry's "medical_assistance.deductible.class_3" are accepted.
        if name not in self._params and name.startswith(f"{self.name}."):
            return name[len(self.name) + 1 :]
        return name

    def parameter(self, name: str) -> Parameter:
        try:
            return self._params[self._key(name)]
        except KeyError:
            raise UnknownParameter(name, self.name) from None

    def get(self, name: str, on: dt.date) -> Any:
        """The value of ``name`` on ``on``; ParameterNotSet if none applies."""
        return self.parameter(name).value_at(on)

    def entry(self, name: str, on: dt.date) -> DatedValue:
        """The applicable value with its citation or source (for a trace step)."""
        return self.parameter(name).entry_at(on)

    def get_array(self, name: str, dates: npt.ArrayLike) -> np.ndarray:
        """Vectorised ``get`` over a datetime64[D] array."""
        return self.parameter(name).values_at(dates)

    def get_ratio_arrays(
        self, name: str, dates: npt.ArrayLike
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        return self.parameter(name).ratio_arrays_at(dates)

    def at(self, on: dt.date) -> ParameterView:
        """A snapshot on one date with attribute access: ``tree.at(d).deductible.class_3``."""
        return ParameterView(self, "", _plain_date(on))

    # -- derived trees -------------------------------------------------------------------------------------
    def _derived(self, params: dict[str, Parameter]) -> ParameterTree:
        return ParameterTree(
            self.name,
            params,
            document=self.document,
            document_date=self.document_date,
            file=self.file,
            valid_until=self.valid_until,
            validity_citation=self.validity_citation,
        )

    def with_overrides(self, overrides: Mapping[str, Any], source: str = WHAT_IF_SOURCE) -> ParameterTree:
        """A what-if tree; this one is left untouched.

        ``{"deductible.class_3": 500000}`` replaces the whole history by one value for every date.
        ``{"deductible.class_3": {date(2024, 1, 1): 500000}}`` keeps the history before the first override
        date and replaces everything from it on by the given dated values.
        """
        params = dict(self._params)
        for name, spec in overrides.items():
            param = self.parameter(name)
            if isinstance(spec, Mapping):
                if not spec:
                    raise ParameterValueError(f"参数 {param.full_name} 的调整值为空。")
                dated = sorted((_plain_date(_date_key(k)), v) for k, v in spec.items())
                kept = [v for v in param.values if v.valid_from < dated[0][0]]
            else:
                dated = [(dt.date.min, spec)]
                kept = []
            new = [DatedValue(d, _convert_for(param, v), source=source) for d, v in dated]
            params[param.name] = replace(param, values=tuple(kept + new))
        return self._derived(params)

    def with_values(self, entries: Iterable[AdminValue]) -> ParameterTree:
        """Merge administrator-entered dated values into configurable parameters; a value on a date already
        present replaces it, others are inserted in date order. A parameter the law fixes is refused."""
        params = dict(self._params)
        for e in entries:
            param = params.get(self._key(e.name)) or self.parameter(e.name)
            if not param.configurable:
                raise ParameterValueError(f"参数 {param.full_name} 由政策文件规定，不能由管理员录入数值。")
            if not (e.source or "").strip() and e.cite is None:
                raise ParameterValueError(f"参数 {param.full_name} 的录入值必须注明来源。")
            citation = _cite(e.cite, self.document) if e.cite is not None else None
            value = DatedValue(
                _plain_date(e.valid_from), _convert_for(param, e.value), citation, e.source, e.note
            )
            by_date = {v.valid_from: v for v in param.values}
            by_date[value.valid_from] = value
            params[param.name] = replace(param, values=tuple(by_date[d] for d in sorted(by_date)))
        return self._derived(params)

    @classmethod
    def merged(cls, name: str, trees: Iterable[ParameterTree]) -> ParameterTree:
        """One tree from several files (a domain with two documents); a name may appear only once.

        The first tree's document, date and validity are kept (the domain's main document)."""
        params: dict[str, Parameter] = {}
        trees = list(trees)
        for tree in trees:
            for key, param in tree._params.items():
                if key in params:
                    raise ParameterValueError(f"参数 {key} 在多个参数表中重复定义（{tree.name}）。")
                params[key] = param
        first = trees[0] if trees else None
        return cls(
            name,
            params,
            document=first.document if first else None,
            document_date=first.document_date if first else None,
            valid_until=first.valid_until if first else None,
            validity_citation=first.validity_citation if first else None,
        )


def _date_key(key: Any) -> dt.date:
    if isinstance(key, str):
        try:
            return dt.date.fromisoformat(key)
        except ValueError:
            raise ParameterValueError(f"“{key}”不是日期（应为 YYYY-MM-DD）。") from None
    return _plain_date(key)


def _convert_for(param: Parameter, raw: Any) -> Any:
    try:
        return convert_value(param.unit, raw)
    except ValueError as exc:
        raise ParameterValueError(f"参数 {param.full_name}：{exc}") from None


def _cite(text: str | Citation, document: str | None) -> Citation:
    if isinstance(text, Citation):
        return text
    try:
        return Citation.parse(text)
    except ValueError:
        # The place alone ("第十一条第（一）项") is read against the file's document.
        if document and document not in text:
            return Citation.parse(f"{document} {text}")
        raise


class ParameterView:
    """Attribute access into a tree on one date; values are looked up when touched, not before."""

    __slots__ = ("_on", "_prefix", "_tree")

    def __init__(self, tree: ParameterTree, prefix: str, on: dt.date) -> None:
        self._tree = tree
        self._prefix = prefix
        self._on = on

    @property
    def on(self) -> dt.date:
        return self._on

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        return self[attr]

    def __getitem__(self, name: str) -> Any:
        full = f"{self._prefix}.{name}" if self._prefix else name
        if full in self._tree._params:
            return self._tree.get(full, self._on)
        if full in self._tree._groups:
            return ParameterView(self._tree, full, self._on)
        raise UnknownParameter(full, self._tree.name)

    def __repr__(self) -> str:
        return f"ParameterView({self._tree.name!r}, {self._prefix or '<root>'!r}, {self._on.isoformat()})"


# -- loading -----------------------------------------------------------------------------------------------


class _DuplicateKey(Exception):
    def __init__(self, key: Any, line: int) -> None:
        self.key, self.line = key, line


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML keeps the last of two equal keys silently; a duplicated date must stop the load instead."""


def _construct_unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    loader.flatten_mapping(node)
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise _DuplicateKey(key, key_node.start_mark.line + 1)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping)

_TOP_KEYS = {"name", "description", "document", "document_date", "validity", "parameters"}
_LEAF_KEYS = {"unit", "description", "configurable", "values", "note"}
_VALUE_KEYS = {"value", "cite", "source", "note"}


def load_parameters(path: str | Path, name: str | None = None, *, register: bool = True) -> ParameterTree:
    """Load and validate a parameter file; the tree's name is ``name``, else the file's ``name:``, else its stem.

    Every cited value is registered in ``citations.REGISTRY`` as kind "parameter" under
    ``<tree name>.<dotted path>``.
    """
    path = Path(path)
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ParameterFileError(file, "", f"无法读取文件（{exc.strerror}）。") from exc
    return parse_parameters(text, file=file, name=name or None, register=register, default_name=path.stem)


def parse_parameters(
    text: str,
    *,
    file: str = "<text>",
    name: str | None = None,
    register: bool = True,
    default_name: str = "parameters",
) -> ParameterTree:
    """``load_parameters`` for YAML text already in hand."""
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass  # nosec B506
    except _DuplicateKey as dup:
        raise ParameterFileError(file, str(dup.key), f"第{dup.line}行的键重复出现。") from None
    except yaml.YAMLError as exc:
        raise ParameterFileError(file, "", f"不是有效的 YAML：{exc}") from None
    if not isinstance(data, dict):
        raise ParameterFileError(file, "", "顶层应为包含 parameters 的映射。")
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise ParameterFileError(
            file, str(sorted(unknown)[0]), f"未知的顶层字段（允许：{sorted(_TOP_KEYS)}）。"
        )
    tree_name = name or data.get("name") or default_name
    document = data.get("document")
    if document is not None:
        document = str(document).strip()
        try:
            Citation.parse(document)
        except ValueError:
            raise ParameterFileError(file, "document", f"文号“{document}”无法识别。") from None
    document_date = data.get("document_date")
    if document_date is not None and (
        isinstance(document_date, dt.datetime) or not isinstance(document_date, dt.date)
    ):
        try:
            document_date = dt.date.fromisoformat(str(document_date))
        except ValueError:
            raise ParameterFileError(file, "document_date", f"“{document_date}”不是日期。") from None
    valid_until, validity_citation = _validity(data.get("validity"), file, document)
    tree_data = data.get("parameters")
    if not isinstance(tree_data, dict) or not tree_data:
        raise ParameterFileError(file, "parameters", "缺少参数定义。")

    params: dict[str, Parameter] = {}
    _walk(tree_data, "", file, tree_name, document, document_date, params)
    tree = ParameterTree(
        tree_name,
        params,
        document=document,
        document_date=document_date,
        file=file,
        valid_until=valid_until,
        validity_citation=validity_citation,
    )
    if register:
        if validity_citation is not None:
            REGISTRY.register(validity_citation, f"{tree_name}.validity", "parameter", "文件有效期")
        for p in params.values():
            for v in p.values:
                if v.citation is not None:
                    REGISTRY.register(v.citation, p.full_name, "parameter", p.description)
    return tree


def _validity(raw: Any, file: str, document: str | None) -> tuple[dt.date | None, Citation | None]:
    """``validity: {until: 2027-07-10, cite: 第十九条}`` → (last day, citation)."""
    if raw is None:
        return None, None
    if not isinstance(raw, dict) or set(raw) - {"until", "cite"} or "until" not in raw or "cite" not in raw:
        raise ParameterFileError(file, "validity", "应为 {until: YYYY-MM-DD, cite: 条款}。")
    until = raw["until"]
    if isinstance(until, dt.datetime) or not isinstance(until, dt.date):
        raise ParameterFileError(file, "validity.until", f"“{until}”不是日期。")
    return until, _cite(str(raw["cite"]), document)


def _walk(
    node: dict[Any, Any],
    prefix: str,
    file: str,
    tree_name: str,
    document: str | None,
    document_date: dt.date | None,
    out: dict[str, Parameter],
) -> None:
    for key, child in node.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if not isinstance(key, str) or not _NAME_RE.fullmatch(key):
            raise ParameterFileError(file, path, "参数名只能由英文字母、数字和下划线组成，且不以数字开头。")
        if not isinstance(child, dict):
            raise ParameterFileError(file, path, "应为参数定义（含 unit 和 values）或参数分组。")
        if "unit" in child or "values" in child:
            out[path] = _leaf(child, path, file, tree_name, document, document_date)
        else:
            _walk(child, path, file, tree_name, document, document_date, out)


def _leaf(
    node: dict[str, Any],
    path: str,
    file: str,
    tree_name: str,
    document: str | None,
    document_date: dt.date | None,
) -> Parameter:
    unknown = set(node) - _LEAF_KEYS
    if unknown:
        raise ParameterFileError(file, path, f"未知字段 {sorted(unknown)}（允许：{sorted(_LEAF_KEYS)}）。")
    unit = node.get("unit")
    if unit not in UNITS:
        hint = f"（{_UNIT_HINTS[unit]}）" if unit in _UNIT_HINTS else ""
        raise ParameterFileError(file, path, f"未知单位 {unit!r}{hint}；可用单位：{', '.join(UNITS)}。")
    configurable = node.get("configurable", False)
    if not isinstance(configurable, bool):
        raise ParameterFileError(file, path, "configurable 应为 true 或 false。")
    raw_values = node.get("values")
    if raw_values is None:
        raw_values = {}
    if not isinstance(raw_values, dict):
        raise ParameterFileError(file, path, "values 应为“日期: {value: …, cite: …}”的映射。")
    if not raw_values and not configurable:
        raise ParameterFileError(file, path, "没有任何取值，且未标记为 configurable（由管理员配置）。")

    values: list[DatedValue] = []
    for raw_date, entry in raw_values.items():
        try:
            valid_from = _date_key(raw_date)
        except (ParameterValueError, TypeError):
            raise ParameterFileError(
                file, f"{path}.values", f"“{raw_date}”不是日期（应为 YYYY-MM-DD）。"
            ) from None
        where = f"{path} 自 {valid_from.isoformat()} 起的取值"
        if values and valid_from == values[-1].valid_from:
            raise ParameterFileError(file, where, "日期重复。")
        if values and valid_from < values[-1].valid_from:
            raise ParameterFileError(
                file, where, f"日期未按先后顺序排列（前一项为 {values[-1].valid_from.isoformat()}）。"
            )
        if not isinstance(entry, dict):
            raise ParameterFileError(file, where, "应写作 {value: …, cite: …} 或 {value: …, source: …}。")
        extra = set(entry) - _VALUE_KEYS
        if extra:
            raise ParameterFileError(
                file, where, f"未知字段 {sorted(extra)}（允许：{sorted(_VALUE_KEYS)}）。"
            )
        if "value" not in entry:
            raise ParameterFileError(file, where, "缺少 value。")
        cite_text, source = entry.get("cite"), entry.get("source")
        if not cite_text and not (isinstance(source, str) and source.strip()):
            raise ParameterFileError(file, where, "缺少出处：须注明 cite（公报条文）或 source（外部来源）。")
        citation = None
        if cite_text:
            try:
                citation = _cite(str(cite_text), document)
            except ValueError:
                raise ParameterFileError(file, where, f"引用“{cite_text}”无法解析。") from None
        outside = citation is None or citation.document != document
        if document_date is not None and valid_from < document_date and not outside:
            raise ParameterFileError(
                file, where, f"早于文件印发日期 {document_date.isoformat()}，而引用的是本文件。"
            )
        try:
            value = convert_value(unit, entry["value"])
        except ValueError as exc:
            raise ParameterFileError(file, where, str(exc)) from None
        values.append(
            DatedValue(
                valid_from,
                value,
                citation,
                str(source).strip() if source else None,
                str(entry.get("note") or ""),
            )
        )
    return Parameter(
        name=path,
        unit=unit,
        description=str(node.get("description") or ""),
        configurable=configurable,
        values=tuple(values),
        tree=tree_name,
    )
