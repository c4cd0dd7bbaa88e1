"""The subsidies API under /api/v1/subsidies: the stateless calculation and the catalogue (public), online
applications and their steps, the ledger look-up. Errors: ``{"code", "message", "field"}`` in Chinese."""

from . import applications, calculate, ledger  # noqa: F401 - each adds its endpoints to the router
from .router import router

__all__ = ["router"]
