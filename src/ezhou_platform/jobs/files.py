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


class TableUnreadable(ValueError):
    """An uploaded table that cannot be read at all (not a workbook, an unknown encoding, empty)."""

    code = "file_unreadable"


def cell_text(value: Any) -> str:
    """A cell as text: None → "", a whole float (Excel's numbers) without ".0", stripped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_table(path: Path) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """An uploaded CSV (UTF-8, or GB18030 as Excel saves it) or xlsx (first sheet): the header row as text and
    the data rows as (row number in the file, values); blank rows skipped. Excel cells keep their type (a date
    cell is a date), CSV cells are text."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        try:
            wb = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises several kinds for a file that is not a workbook
            raise TableUnreadable(f"文件无法作为Excel工作簿读取（{type(exc).__name__}）。") from exc
        ws = wb.worksheets[0]
        raw = [list(r) for r in ws.iter_rows(values_only=True)]
        wb.close()
    elif suffix == ".csv":
        import csv

        data = path.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise TableUnreadable("CSV文件编码无法识别：请保存为UTF-8编码。")
        raw = [list(r) for r in csv.reader(io.StringIO(text))]
    else:
        raise TableUnreadable("文件格式不支持：请上传 CSV 或 Excel（.xlsx）文件。")
    if not raw:
        raise TableUnreadable("文件是空的：第1行应为表头。")
    header = [cell_text(c) for c in raw[0]]
    rows = [(n, values) for n, values in enumerate(raw[1:], start=2) if any(cell_text(v) for v in values)]
    return header, rows


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
