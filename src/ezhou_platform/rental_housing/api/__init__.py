"""JSON API of 保障性租赁住房 (鄂州政发〔2022〕19号), mounted at /api/v1/rental-housing/: one router, with the
stateless calculators first (`calculators`), then the records by procedure (`applications`, `tenancy`,
`service`). Amounts are integer fen, areas decimal m² (at most 2 decimals), dates ISO 8601."""

from . import applications, service, tenancy  # noqa: F401  (register their endpoints on the router)
from .calculators import router

__all__ = ["router"]
