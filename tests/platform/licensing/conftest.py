"""Fixtures of the licensing platform tests: the demo accounts, the catalogue loaded from the policy library,
and the example configuration (schemes for b1-20 and b1-22 with their periods, issuing bodies, credit policy)."""

from __future__ import annotations

from typing import Any

import pytest

FOOD = "b1-20"  # 食品经营许可（除仅销售预包装食品外）: decided by 行政审批局 in the example configuration
PHARMACY = "b1-22"  # 药品零售企业许可: decided by 市场监督管理局
ENTERPRISE_USCC = "91420700MA49XK5L2Y"
FOOD_FACETS = {"food_business_scope": "不限于预包装食品"}
CONFIRM_ALL = [1, 2, 3, 4, 5]


@pytest.fixture(autouse=True)
def _fast_pdf(request: Any, monkeypatch: Any) -> None:
    """Documents are numbered, rendered to HTML and stored as in production; only WeasyPrint's PDF step is
    replaced by a fixed PDF (about a second per document otherwise). Tests that use ``real_pdf`` render it."""
    if "real_pdf" in request.fixturenames:
        return
    from ezhou_platform.procedures import documents

    monkeypatch.setattr(documents, "render_pdf", lambda html: b"%PDF-1.4 test " + str(len(html)).encode())


@pytest.fixture
def real_pdf() -> None:
    """Render documents with WeasyPrint in this test."""


@pytest.fixture
def configured(demo_users: dict[str, Any]) -> dict[str, Any]:
    from ezhou_platform.licensing.demo import configure

    configure(demo_users["admin"])
    return demo_users


def commitment_data(signed_on: Any, **extra: Any) -> dict[str, Any]:
    data = {
        "confirmations": CONFIRM_ALL,
        "delivery": "online",
        "signed_on": signed_on,
        "qualification": "already",
        "conditions": ["premises_area", "staff_health", "storage"],
    }
    data.update(extra)
    return data


FILES = {
    "application_form": ("申请书.pdf", b"%PDF-1.4 application"),
    "commitment_letter": ("承诺书.pdf", b"%PDF-1.4 letter"),
}


def file_food(
    users: dict[str, Any],
    on: Any,
    *,
    route: str = "commitment",
    facets: dict[str, Any] | None = None,
    username: str = "enterprise",
) -> Any:
    from ezhou_platform.licensing.services import applications

    user = users[username]
    return applications.file(
        code=FOOD,
        facets=FOOD_FACETS if facets is None else facets,
        route=route,
        uscc=user.enterprise_uscc,
        name=user.enterprise_name,
        actor=user,
        on=on,
    )


def licensed_food(users: dict[str, Any], on: Any, **commit: Any) -> Any:
    """A food-business licence decided on the spot on ``on`` (signed online by the enterprise)."""
    from ezhou_platform.licensing.services import applications

    app = file_food(users, on)
    applications.sign(app, actor=users["enterprise"], data=commitment_data(on, **commit), on=on, files=FILES)
    applications.decide(app, actor=users["shenpi_clerk"], on=on)
    app.refresh_from_db()
    return app
