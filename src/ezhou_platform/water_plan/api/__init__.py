"""JSON API of 计划用水管理 (鄂州政办发〔2022〕15号), mounted at /api/v1/water-plan/, one module per topic.

Volumes are decimal strings in m³ with at most two decimals ("1234.56"); money is integer fen; dates ISO 8601.
The calculators are stateless and public; the rest acts for the logged-in unit (enterprise users see only
the units registered under their USCC) or for 水利和湖泊局 clerks. The schemas (with their Chinese titles, the
contract other systems read) are in ``schemas``. Every step of a case goes through the services, which take it
on the procedure layer; a refusal is a Chinese message naming the field, the state or the rule and its article.

No `from __future__ import annotations` in these modules: the endpoints are wrapped by `api_requires`, and
django-ninja resolves string annotations in the wrapper's module, where the schemas are unknown.
"""

from . import calculators, collection, plans, requests  # noqa: F401 - they add their endpoints to the router
from .common import router

__all__ = ["router"]
