"""The parameter tree: lookups by dotted path, views on a date, what-if and entered trees (``params``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

import numpy as np
import numpy.typing as npt

from .citations import Citation
from .param_errors import ParameterValueError, UnknownParameter
from .param_values import AdminValue, DatedValue, Parameter, _cite, _date_key, _plain_date, convert_value

WHAT_IF_SOURCE = "模拟测算调整值（非正式参数）"


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


def _convert_for(param: Parameter, raw: Any) -> Any:
    try:
        return convert_value(param.unit, raw)
    except ValueError as exc:
        raise ParameterValueError(f"参数 {param.full_name}：{exc}") from None


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
