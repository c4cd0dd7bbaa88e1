"""The subsidies API under /api/v1/subsidies: the stateless calculation and the catalogue (public), online
applications and their steps, the ledger look-up. Errors: ``{"code", "message", "field"}`` in Chinese."""

from ninja import Router

from . import applications, calculate, ledger

router = Router(tags=["惠企政策兑现"])
router.add_router("", calculate.router)
router.add_router("", applications.router)
router.add_router("", ledger.router)
