"""Writing a file so that a reader sees the old file or the whole new one, never a torn one (SECURITY.md R2).

    from ezhou_platform.security.atomic import atomic_write

    with atomic_write(out_path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    # → written to a temporary file in the same folder, flushed and fsynced, then renamed over out_path
    #   (os.replace: atomic on POSIX), and the folder fsynced so the rename itself survives a power cut.

If the block raises (or the process is killed) the final path is untouched and the temporary file is removed
(a SIGKILL leaves it behind as `.<name>.<random>.tmp`, never at the final path). A batch command such as
`medical-assistance settle` writes its CSV through this helper.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any


@contextlib.contextmanager
def atomic_write(
    path: str | os.PathLike[str],
    mode: str = "wb",
    *,
    encoding: str | None = None,
    newline: str | None = None,
    file_mode: int = 0o644,
) -> Iterator[IO[Any]]:
    if mode not in ("w", "wb", "wt"):
        raise ValueError("atomic_write writes a whole new file: mode must be 'w' or 'wb'")
    target = Path(path)
    folder = target.parent
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    tmp = Path(tmp_name)
    try:
        os.fchmod(fd, file_mode)
        binary = "b" in mode
        with os.fdopen(
            fd, mode, encoding=None if binary else (encoding or "utf-8"), newline=None if binary else newline
        ) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - a platform without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes, *, file_mode: int = 0o644) -> None:
    with atomic_write(path, "wb", file_mode=file_mode) as f:
        f.write(data)
