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

The kernel is split by concern, and this module keeps every name importable from here:
``param_errors`` (what can go wrong), ``param_values`` (units, value conversion, one parameter's dated
values), ``param_tree`` (the tree, its views and derived trees) and ``param_loading`` (reading a file).
"""

from __future__ import annotations

from .param_errors import ParameterFileError, ParameterNotSet, ParameterValueError, UnknownParameter
from .param_loading import load_parameters, parse_parameters
from .param_tree import WHAT_IF_SOURCE, ParameterTree, ParameterView
from .param_values import UNITS, AdminValue, DatedValue, Parameter, convert_value

__all__ = [
    "UNITS",
    "WHAT_IF_SOURCE",
    "AdminValue",
    "DatedValue",
    "Parameter",
    "ParameterFileError",
    "ParameterNotSet",
    "ParameterTree",
    "ParameterValueError",
    "ParameterView",
    "UnknownParameter",
    "convert_value",
    "load_parameters",
    "parse_parameters",
]
