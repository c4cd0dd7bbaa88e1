"""The files of job runs: the uploaded input, the errors file and the result file.

They live outside the web root, in settings.JOBS_FILES_ROOT (default VAR_DIR/jobs), one folder per run;
downloads go through a view that checks who may see the run. Stored names are chosen here, never by the
uploader (the original name is kept only as text).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from .models import JobRun

ALLOWED_INPUT_SUFFIXES = (".csv", ".xlsx")
MAX_INPUT_BYTES = 20 * 1024 * 1024


def root() -> Path:
    return Path(getattr(settings, "JOBS_FILES_ROOT", None) or Path(settings.VAR_DIR) / "jobs").resolve()


def run_folder(run: JobRun) -> Path:
    folder = root() / f"run-{run.pk}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def relative(path: Path) -> str:
    return str(path.resolve().relative_to(root()))


def resolve(stored: str) -> Path:
    """The absolute path of a stored file name; refuses anything outside the jobs folder."""
    path = (root() / stored).resolve()
    if root() not in path.parents:
        raise ValueError("作业文件路径不在作业目录内。")
    return path


def input_suffix(name: str) -> str:
    suffix = Path(name or "").suffix.lower()
    if suffix not in ALLOWED_INPUT_SUFFIXES:
        from .registry import JobParamError

        raise JobParamError(
            "文件格式不支持：请上传 CSV（UTF-8）或 Excel（.xlsx）文件。", field="file", code="file_type"
        )
    return suffix


def store_upload(run: JobRun, upload: UploadedFile) -> str:
    suffix = input_suffix(upload.name or "")
    target = run_folder(run) / f"input{suffix}"
    with target.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return relative(target)


def store_path(run: JobRun, source: Path) -> str:
    suffix = input_suffix(source.name)
    target = run_folder(run) / f"input{suffix}"
    target.write_bytes(source.read_bytes())
    return relative(target)


def write_xlsx(path: Path, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Path:
    """An Excel file whose cells are all text where they hold codes (IDs and codes stay as typed)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title)
    ws.append(list(header))
    for r in rows:
        ws.append(
            [
                "" if v is None else (v if isinstance(v, int) and not isinstance(v, bool) else str(v))
                for v in r
            ]
        )
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(buf.getvalue())
    return path


ERRORS_HEADER = ("行号", "字段", "填写内容", "错误说明", "错误代码")


def write_errors_file(run: JobRun) -> str:
    path = run_folder(run) / "errors.xlsx"
    rows = ((e.row or "", e.field, e.value, e.message, e.code) for e in run.errors.order_by("row", "id"))
    write_xlsx(path, "错误", ERRORS_HEADER, rows)
    return relative(path)
