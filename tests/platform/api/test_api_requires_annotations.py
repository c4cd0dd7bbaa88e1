"""Endpoints guarded by api_requires may use postponed annotations (`from __future__ import annotations`)."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.testing import TestClient

from ezhou_platform.common.permissions import api_requires
from ezhou_platform.common.roles import Role

pytestmark = pytest.mark.django_db


class EchoIn(Schema):
    text: str


class EchoOut(Schema):
    text: str


def test_a_guarded_endpoint_with_postponed_annotations_parses_its_body(demo_users: Any) -> None:
    router = Router()

    @router.post("/echo", response=EchoOut, auth=None)
    @api_requires(Role.CLERK)
    def echo(request: HttpRequest, payload: EchoIn) -> dict[str, str]:
        return {"text": payload.text}

    client = TestClient(router)
    # The body is parsed into EchoIn (had the annotation stayed a string, ninja would fail to build it).
    response = client.post("/echo", json={"text": "你好"}, user=demo_users["yibao_clerk"])
    assert response.status_code == 200
    assert response.json() == {"text": "你好"}
