"""Reading a parameter file into a tree, every field checked; the format is in ``params``' docstring."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml

from .citations import REGISTRY, Citation
from .param_errors import ParameterFileError, ParameterValueError
from .param_tree import ParameterTree
from .param_values import _UNIT_HINTS, UNITS, DatedValue, Parameter, _cite, _date_key, convert_value

_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


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
