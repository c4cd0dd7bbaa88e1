"""Loading the reform list (附件1) from the policy library as a new catalogue version, with its report.

`ezhou licensing load-catalogue` and the administrator's page call ``load``: the rules layer reads the annex
from gazette/licensing.md (never retyped); if the items read differ from the latest version, a new version is
stored with every item and the list of what could not be read; an unchanged text stores nothing new.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from ezhou_platform.common.audit.services import record
from ezhou_rules.licensing import CITE_ANNEX
from ezhou_rules.licensing.catalogue import Catalogue
from ezhou_rules.licensing.errors import LicensingError

from ..models import CatalogueItem, CatalogueVersion, ItemWithdrawal
from . import rules


@dataclass(frozen=True)
class LoadResult:
    version: CatalogueVersion
    created: bool
    problems: list[dict[str, Any]]

    def message(self) -> str:
        v = self.version
        what = "载入新版本" if self.created else "清单内容未变化，沿用现有版本"
        tail = f"，{len(self.problems)}处无法读取或有疑问（见载入报告）" if self.problems else "，全部读取"
        return f"{v.title}：{what}（第{v.version}版，{v.items_count}项{tail}）。"


def _items_data(cat: Catalogue, batch: int) -> list[dict[str, Any]]:
    return [i.to_dict() for i in cat.items if i.batch == batch]


def digest(items: list[dict[str, Any]]) -> str:
    text = json.dumps(items, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load(*, actor: Any = None) -> LoadResult:
    """Read the annex from the policy library; store a new version if it changed (one transaction)."""
    rules._base_catalogue.cache_clear()
    cat = rules._base_catalogue(rules.decisions())
    problems = [p.to_dict() for p in cat.report.problems]
    batch = cat.batches[0]
    items = _items_data(cat, batch.number)
    sha = digest(items)
    with transaction.atomic():
        latest = CatalogueVersion.objects.filter(batch=batch.number).order_by("-version").first()
        if latest is not None and latest.source_sha256 == sha and latest.problems == problems:
            return LoadResult(latest, False, problems)
        version = CatalogueVersion.objects.create(
            batch=batch.number,
            version=(latest.version + 1) if latest else 1,
            title=batch.title,
            valid_from=batch.valid_from,
            citation=batch.citation,
            source=batch.source,
            source_sha256=sha,
            items_count=len(items),
            problems=problems,
            loaded_by=actor if getattr(actor, "pk", None) else None,
        )
        CatalogueItem.objects.bulk_create(
            CatalogueItem(
                catalogue=version,
                code=d["code"],
                batch=d["batch"],
                number=d["number"],
                matter=d["matter"],
                certificates=d["certificates"],
                basis=d["basis"],
                department_label=d["department"]["label"],
                department_type=d["department"]["type"] or "",
                modes=d["modes"],
                facets=d["facets"],
                inconsistencies=d["inconsistencies"],
                citation=d["citation"],
                anchor=d["anchor"],
                valid_from=dt.date.fromisoformat(d["valid_from"]),
            )
            for d in items
        )
        record(
            "licensing.catalogue.load",
            actor=actor,
            obj=version,
            after={"version": version.version, "items": len(items), "problems": len(problems), "sha256": sha},
            label="载入告知承诺事项清单",
            citation=CITE_ANNEX,
        )
    return LoadResult(version, True, problems)


def latest_version() -> CatalogueVersion | None:
    return CatalogueVersion.objects.order_by("-batch", "-version").first()


def current_items() -> list[CatalogueItem]:
    """The item rows of the latest version of each batch."""
    out: list[CatalogueItem] = []
    for batch in CatalogueVersion.objects.values_list("batch", flat=True).distinct().order_by("batch"):
        v = CatalogueVersion.objects.filter(batch=batch).order_by("-version").first()
        if v is not None:
            out.extend(v.items.order_by("number"))
    return out


def item_row(code: str) -> CatalogueItem:
    """The item row of the latest version; ``unknown_item`` when the list has no such item or none is loaded."""
    key = rules.catalogue().item(code).code  # b1-8 → b1-08, or unknown_item naming the field
    row = (
        CatalogueItem.objects.filter(code=key)
        .select_related("catalogue")
        .order_by("-catalogue__version", "-id")
        .first()
    )
    if row is None:
        raise LicensingError(
            "catalogue_not_loaded",
            "事项：告知承诺事项清单尚未载入平台，请管理员执行 ezhou licensing load-catalogue。",
            field="item",
        )
    return row


def withdrawals(code: str) -> list[ItemWithdrawal]:
    return list(ItemWithdrawal.objects.filter(code=code).order_by("withdrawn_on"))
