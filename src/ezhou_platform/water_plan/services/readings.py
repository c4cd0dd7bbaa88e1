"""The supplier's readings (第五条): a CSV or Excel file of monthly and daily volumes per account, checked row by
row; the same file again changes nothing. The import job (``jobs``) and the API call ``import_readings``."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from typing import Any, cast

from django.db import transaction

from ezhou_platform.common import clock
from ezhou_platform.common.audit.services import record
from ezhou_rules.water_plan import limits
from ezhou_rules.water_plan.errors import WaterPlanError
from ezhou_rules.water_plan.volumes import format_volume, parse_volume

from ..models import ImportBatch, MeterReading, SupplierAccount
from .common import DOC


@dataclass
class ImportResult:
    batch: ImportBatch
    already_imported: bool


def _rows_from_file(content: bytes, filename: str) -> list[dict[str, str]]:
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:
            raise WaterPlanError("file_format", f"无法读取Excel文件：{exc}", field="file") from None
        rows = list(wb.active.iter_rows(values_only=True))
        if not rows:
            return []
        header = [str(h or "").strip() for h in rows[0]]
        return [
            {
                h: ("" if v is None else (v.isoformat()[:10] if isinstance(v, dt.date) else str(v)))
                for h, v in zip(header, r, strict=False)
            }
            for r in rows[1:]
        ]
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise WaterPlanError("file_encoding", "CSV文件应为UTF-8编码。", field="file") from None
    return [
        {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        for row in csv.DictReader(io.StringIO(text))
    ]


REQUIRED_COLUMNS = ("account", "kind", "period", "volume")


def import_readings(content: bytes, filename: str, *, actor: Any) -> ImportResult:
    """Monthly (kind=monthly, period YYYY-MM) and daily (kind=daily, period YYYY-MM-DD) volumes per account.

    Each bad row is rejected with its reason (unknown account, negative or malformed volume, falling
    cumulative reading, duplicate); accepted rows are kept. The same file again changes nothing."""
    today = clock.today()
    digest = hashlib.sha256(content).hexdigest()
    existing = ImportBatch.objects.filter(sha256=digest).first()
    if existing:
        return ImportResult(existing, True)
    rows = _rows_from_file(content, filename)
    if rows and not set(REQUIRED_COLUMNS) <= set(rows[0]):
        raise WaterPlanError(
            "file_columns",
            f"文件缺少列：{'、'.join(c for c in REQUIRED_COLUMNS if c not in rows[0])}。",
            field="file",
        )
    accounts = {
        a.number: a for a in SupplierAccount.objects.filter(number__in={r.get("account", "") for r in rows})
    }
    rejects: list[dict[str, Any]] = []
    accepted: list[MeterReading] = []
    seen: set[tuple[int, str, dt.date]] = set()
    last_cumulative: dict[tuple[int, str], tuple[dt.date, int]] = {}
    for line, row in enumerate(rows, start=2):

        def reject(reason: str, row: dict[str, str] = row, line: int = line) -> None:
            rejects.append(
                {
                    "line": line,
                    "account": row.get("account", ""),
                    "period": row.get("period", ""),
                    "reason": reason,
                }
            )

        acct = accounts.get(row.get("account", ""))
        if acct is None:
            reject("户号不存在")
            continue
        kind = row.get("kind", "")
        if kind not in (MeterReading.Kind.MONTHLY, MeterReading.Kind.DAILY):
            reject("类别应为 monthly 或 daily")
            continue
        try:
            raw_period = row.get("period", "")
            period = (
                dt.date.fromisoformat(raw_period + "-01")
                if kind == "monthly"
                else dt.date.fromisoformat(raw_period)
            )
        except ValueError:
            reject("期间格式不正确（月：YYYY-MM；日：YYYY-MM-DD）")
            continue
        out_of_range = limits.check_reading_period(period, today=today)
        if out_of_range:
            reject(out_of_range)
            continue
        try:
            volume = parse_volume(row.get("volume", ""), field="volume", allow_negative=True)
            cumulative = (
                parse_volume(row["cumulative"], field="cumulative") if row.get("cumulative") else None
            )
        except WaterPlanError as exc:
            reject(exc.message)
            continue
        if volume < 0:
            reject("水量为负数")
            continue
        key = (acct.pk, kind, period)
        if key in seen:
            reject("文件内重复")
            continue
        seen.add(key)
        if cumulative is not None:
            prev = last_cumulative.get((acct.pk, kind))
            if prev is None:
                db_prev = (
                    MeterReading.objects.filter(
                        account=acct, kind=kind, period__lt=period, cumulative_m3x100__isnull=False
                    )
                    .order_by("-period")
                    .values_list("period", "cumulative_m3x100")
                    .first()
                )
                # cumulative_m3x100__isnull=False above: the reading's cumulative is an int
                prev = cast("tuple[dt.date, int] | None", db_prev)
            if prev is not None and prev[0] < period and cumulative < prev[1]:
                reject(f"表底数回落（上期 {format_volume(prev[1])}，本期 {format_volume(cumulative)}）")
                continue
            last_cumulative[(acct.pk, kind)] = (period, cumulative)
        accepted.append(
            MeterReading(
                account=acct, kind=kind, period=period, volume_m3x100=volume, cumulative_m3x100=cumulative
            )
        )
    existing_keys = set(
        MeterReading.objects.filter(account_id__in={r.account_id for r in accepted}).values_list(
            "account_id", "kind", "period"
        )
    )
    fresh = []
    for r in accepted:
        if (r.account_id, r.kind, r.period) in existing_keys:
            rejects.append(
                {
                    "line": None,
                    "account": r.account.number,
                    "period": r.period.isoformat(),
                    "reason": "已导入过该期间的数据（重复）",
                }
            )
        else:
            fresh.append(r)
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            sha256=digest,
            filename=filename[:200],
            accepted=len(fresh),
            rejected=len(rejects),
            rejects=rejects,
            imported_by=actor,
        )
        for r in fresh:
            r.batch = batch
        MeterReading.objects.bulk_create(fresh, batch_size=2000)
        record(
            "water_plan.readings.import",
            actor=actor,
            obj=batch,
            after={"filename": filename, "accepted": len(fresh), "rejected": len(rejects)},
            label="导入供水企业抄表数据",
            citation=f"{DOC} 第五条第一款",
        )
    return ImportResult(batch, False)
