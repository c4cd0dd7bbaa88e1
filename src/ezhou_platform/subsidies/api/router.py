"""The one router of the subsidies API; each module adds its endpoints to it."""

from ninja import Router

router = Router(tags=["惠企政策兑现"])
