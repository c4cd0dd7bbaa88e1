"""JSON API of 医疗救助 (鄂州政办发〔2022〕34号), mounted at /api/v1/medical-assistance/."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["医疗救助"])
