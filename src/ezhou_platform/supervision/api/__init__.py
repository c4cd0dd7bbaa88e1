"""The supervision system's JSON API (routers added in ezhou_platform.api)."""

from .routes import delivery_router, supervision_router, vocational_router

__all__ = ["delivery_router", "supervision_router", "vocational_router"]
