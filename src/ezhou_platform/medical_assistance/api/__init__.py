"""JSON API of 医疗救助 (鄂州政办发〔2022〕34号), one module per procedure, all on one router mounted at
/api/v1/medical-assistance/ (the modules are imported in the order their paths appear in the schema)."""

from . import calculate, class_4, persons, premium, settlements  # noqa: F401  (registers the endpoints)
from .common import router

__all__ = ["router"]
