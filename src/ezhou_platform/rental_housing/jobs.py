"""Background jobs of 保障性租赁住房 (docs/jobs.md): importing projects and units, and importing offline
applications. Started from /rental-housing/imports/ (progress bar, then the counts and the errors file) or
from the command line (`ezhou jobs run …`, `ezhou rental-housing import …`): the same code.

- `rental_housing.projects.import` is all-or-nothing: the whole workbook is one unit of work (一行有错，全部不导入).
- `rental_housing.applications.import` commits one unit per chunk of rows with a checkpoint, and is resumable:
  after a restart it goes on from the last committed chunk, so every application is entered exactly once;
  a row that breaks a rule is reported (row, column, rule) and the others go in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ezhou_platform.common.api_errors import ApiError
from ezhou_platform.common.roles import Role
from ezhou_platform.jobs.context import JobContext, JobFailed, JobOutcome
from ezhou_platform.jobs.registry import JobParamError, job

from . import importer, selectors, services
from . import steps as S
from .models import Application, Project

PROJECTS_JOB = "rental_housing.projects.import"
APPLICATIONS_JOB = "rental_housing.applications.import"
CHUNK = 100  # applications per unit of work: a chunk commits in well under a second


class _Rejected(Exception):
    def __init__(self, report: importer.ImportReport) -> None:
        super().__init__("rows rejected")
        self.report = report


def _dry_run(params: Mapping[str, Any]) -> dict[str, Any]:
    value = params.get("dry_run", False)
    if isinstance(value, str):
        value = value.strip().lower() in ("1", "true", "yes", "是", "on")
    if not isinstance(value, bool):
        raise JobParamError("“只校验不写入”应为是或否。", field="dry_run")
    return {"dry_run": value}


@job(
    PROJECTS_JOB,
    label="导入保障性租赁住房项目和房源",
    roles=[Role.CLERK, Role.DEPARTMENT_HEAD],
    department=S.HOUSING,
    takes_file=True,
    file_label="项目和房源工作簿（Excel，工作表“项目”“房源”）",
    citation=f"{S.DOC} 第七条",
    clean=_dry_run,
    description="按第六条（筹集方式定房源类型）、第八条（面积）、第十条（租金）、第十五条（运营单位）逐行核对；"
    "任何一行有错，全部不导入。",
)
def import_projects(ctx: JobContext) -> JobOutcome:
    """All-or-nothing: the workbook is one unit. Not resumable, and need not be: a run interrupted before its one
    commit wrote nothing, and a certificate number already registered is refused, so re-running is safe."""
    user = ctx.run.started_by
    if user is not None and not selectors.is_city_staff(user):
        raise JobFailed(
            "项目和房源由住房和城乡建设局登记，运营单位工作人员不能导入（ADR 1）。", code="forbidden"
        )
    try:
        total = importer.count_workbook_rows(ctx.input_path)
    except Exception as exc:  # openpyxl raises several kinds for a file that is not a workbook
        raise JobFailed(
            f"文件无法作为Excel工作簿读取（{type(exc).__name__}）。", code="file_unreadable"
        ) from exc
    ctx.set_total(total, f"共{total}行，正在逐行核对")
    dry_run = bool(ctx.params.get("dry_run"))
    try:
        with ctx.unit(done=total, message="正在写入"):
            report = importer.import_workbook(ctx.input_path, user=user, dry_run=dry_run)
            if report.row_errors:
                raise _Rejected(report)
            ctx.count("项目", report.projects)
            ctx.count("房源", report.units)
            ctx.count("提示", len(report.warnings))
    except _Rejected as exc:
        for e in exc.report.row_errors:
            field = f"{e.sheet}·{e.column}" if e.sheet and e.column else e.column or e.sheet
            ctx.error(row=e.row, field=field, value=e.value, message=e.message, code=e.code)
        raise JobFailed(
            f"文件中有{len(exc.report.row_errors)}处错误，全部未导入；请按错误清单修改后重新上传。",
            code="rows_invalid",
        ) from exc
    head = "校验通过（未写入）" if dry_run else "导入完成"
    return JobOutcome(message=f"{head}：项目{report.projects}个、房源{report.units}套。")


@job(
    APPLICATIONS_JOB,
    label="导入线下申请",
    roles=[Role.CLERK, Role.DEPARTMENT_HEAD],
    department=S.HOUSING,
    resumable=True,
    takes_file=True,
    file_label="线下申请表（CSV 或 Excel）",
    citation=S.CITE_APPLY,
    description="运营单位将线下收到的申请逐行录入（第十四条第（一）项），按“申请时间”排定先后（第十七条）；"
    "有错的行列入错误清单，其余照常录入。",
)
def import_applications(ctx: JobContext) -> JobOutcome:
    """Resumable, one unit per CHUNK rows: a resumed run starts at the checkpoint, never before it."""
    user = ctx.run.started_by
    try:
        table = importer.read_applications(ctx.input_path)
    except importer.FileUnreadable as exc:
        raise JobFailed(f"文件无法导入：{exc}", code="file_unreadable") from exc
    ctx.set_total(len(table), f"共{len(table)}行")
    if user is None:
        raise JobFailed(
            "线下申请须以录入人的身份导入（命令行请加 --user 运营单位或住房和城乡建设局工作人员）。",
            code="no_user",
        )
    projects = {p.certificate_number: p for p in selectors.projects_for(user).exclude(announced_on=None)}
    start = int(ctx.checkpoint.get("next", 0))
    for first in range(start, len(table), CHUNK):
        chunk = table[first : first + CHUNK]
        with ctx.unit(done=first + len(chunk), checkpoint={"next": first + len(chunk)}):
            for number, values in chunk:
                _import_row(ctx, user, projects, number, values)
    return JobOutcome(
        message=f"导入完成：录入{ctx.counts.get('已录入', 0)}件，未录入{ctx.counts.get('未录入', 0)}件。"
    )


def _import_row(
    ctx: JobContext, user: Any, projects: dict[str, Project], number: int, values: dict[str, Any]
) -> None:
    row, problems = importer.application_row(number, values)
    if row is not None and row.certificate not in projects:
        problems = [
            importer.RowError(
                "",
                number,
                "项目认定书编号",
                row.certificate,
                "不是本单位可录入申请的项目。",
                "project_unknown",
            )
        ]
    if row is None or problems:
        for e in problems:
            ctx.error(row=e.row, field=e.column, value=e.value, message=e.message, code=e.code)
        ctx.count("未录入")
        return
    try:
        services.submit_application(
            services.ApplicationInput(project=projects[row.certificate], **row.data),
            acting_user=user,
            channel=Application.Channel.OFFLINE,
            at=row.at,
        )
    except ApiError as exc:
        column = importer.APPLICATION_FIELDS.get((exc.field or "").split(".")[0], "")
        ctx.error(row=number, field=column, value=values.get(column, ""), message=exc.message, code=exc.code)
        ctx.count("未录入")
    else:
        ctx.count("已录入")
