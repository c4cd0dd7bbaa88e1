"""Background jobs of the registers: the jurisdiction file import (the first user of ezhou_platform.jobs)."""

from __future__ import annotations

from ezhou_platform.common.roles import Role
from ezhou_platform.jobs.context import JobContext, JobFailed, JobOutcome
from ezhou_platform.jobs.registry import job

from . import importer

IMPORT_JOB = "registers.jurisdictions.import"


class _RowsRejected(Exception):
    def __init__(self, result: importer.ImportResult) -> None:
        super().__init__("rows rejected")
        self.result = result


@job(
    IMPORT_JOB,
    label="导入辖区名录",
    roles=[Role.ADMIN],
    takes_file=True,
    file_label="辖区名录文件（CSV 或 Excel）",
    description="按模板导入乡镇（街道）、村（社区）等辖区；整份文件要么全部导入，要么（有任何错误时）全部不导入。",
)
def import_jurisdictions(ctx: JobContext) -> JobOutcome:
    """All-or-nothing: the whole file is one unit of work. Not resumable, and need not be: re-running the
    same file is idempotent, and a run interrupted before its one commit wrote nothing."""
    try:
        table = importer.read_table(ctx.input_path)
    except importer.FileUnreadable as exc:
        raise JobFailed(f"文件无法导入：{exc}", code="file_unreadable") from exc
    ctx.set_total(len(table), f"共{len(table)}行，正在逐行检查")
    rows: list[importer.Row] = []
    for i, (number, values) in enumerate(table, start=1):
        row, errors = importer.check_row(number, values)
        for e in errors:
            ctx.error(row=e.row, field=e.field, value=e.value, message=e.message, code=e.code)
        if row is not None:
            rows.append(row)
        ctx.progress(i, f"已检查{i}/{len(table)}行")
    if ctx.error_count:
        raise JobFailed(
            f"文件中有{ctx.error_count}处错误，全部未导入；请按错误清单修改后重新上传。", code="rows_invalid"
        )
    try:
        with ctx.unit(done=len(table), message="正在写入"):
            result = importer.apply_rows(rows, actor=ctx.run.started_by, file_name=ctx.run.input_name)
            if result.errors:
                raise _RowsRejected(result)
            for key, value in result.counts().items():
                ctx.count(key, value)
    except _RowsRejected as exc:
        for e in exc.result.errors:
            ctx.error(row=e.row, field=e.field, value=e.value, message=e.message, code=e.code)
        raise JobFailed(
            f"文件中有{len(exc.result.errors)}处错误，全部未导入；请按错误清单修改后重新上传。",
            code="rows_invalid",
        ) from exc
    c = result.counts()
    return JobOutcome(message=f"导入完成：新增{c['新增']}个、更新{c['更新']}个、未变{c['未变']}个。")
