"""JSON API of 非常规水资源管理 (鄂州政办发〔2022〕14号), mounted at /api/v1/unconventional-water/.

``checks``: the stateless, public checks (screening, source-check, quality-check, stop-notice-check);
``registers``: facilities, projects, reports, usage, stop notices, violations, standards. The contract (every
field with its Chinese title and bounds) is in ``schemas``.
"""

from . import checks, registers  # noqa: F401 - the endpoints register themselves on the router
from .base import router

__all__ = ["router"]
