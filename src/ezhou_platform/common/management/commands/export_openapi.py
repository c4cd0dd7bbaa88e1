from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

SCHEMA_PATH = Path(settings.PROJECT_DIR) / "docs" / "api" / "openapi.json"


def current_schema() -> dict[str, Any]:
    from ezhou_platform.api import api

    return api.get_openapi_schema(path_prefix="/api/v1")


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = "把 API 的 OpenAPI 3 描述写入 docs/api/openapi.json（提交到仓库；测试会检查是否过期）"

    def handle(self, *args: Any, **options: Any) -> None:
        SCHEMA_PATH.parent.mkdir(parents=True, exist_ok=True)
        SCHEMA_PATH.write_text(render(current_schema()), encoding="utf-8")
        self.stdout.write(f"已写入 {SCHEMA_PATH}")
