"""The one upload helper of the platform (SECURITY.md C18; MLPS 恶意代码防范 23; ASVS 5.2–5.4).

    from ezhou_platform.security.uploads import UploadPolicy, register_policy, accept_upload, UploadRejected

    EVIDENCE = register_policy(UploadPolicy("water_plan.evidence", "证明材料", kinds=("pdf", "jpeg", "png"),
                                            max_bytes=10 * 1024 * 1024, readers=lambda user, up: ...))
    try:
        upload = accept_upload(request.FILES["file"], policy=EVIDENCE, user=request.user)
    except UploadRejected as exc:          # exc.message is Chinese and names the file; exc.code in English
        ...
    return attachment_response(upload, request=request)      # always as an attachment

Checks, in order (the first that fails rejects the file, audited as security.upload.reject):
1. size: empty or larger than the policy's cap (read in chunks, never more than cap + 1 bytes);
2. type by magic bytes (the `filetype` library; CSV as UTF-8 text), and the name's extension must agree;
3. content: a PDF must start with %PDF-, carry no active content (JavaScript, OpenAction, additional actions,
   Launch, embedded files, XFA, RichMedia — found both by parsing with pypdf and by scanning the bytes with
   #xx name escapes decoded, so an object stream or an escaped name cannot hide it) and no HTML (a PDF/HTML
   polyglot); an image must decode (Pillow); an Office file must hold no macros;
4. malware: ClamAV (`clamdscan` when the daemon runs, else `clamscan`) with the installed signatures plus the
   platform's own (security/clamav/: the EICAR test file, so the scan is tested even where the
   official database cannot be downloaded). Where ClamAV is missing the upload is refused if
   UPLOAD_REQUIRE_AV (production), otherwise accepted and marked 未查毒.

An accepted file is written (atomic_write) under UPLOADS_ROOT — outside the static and media roots — as a
random 32-hex name with no extension and mode 0600; the user's name is kept only as text in `StoredUpload`.
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
import tempfile
import uuid
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import FileResponse, HttpRequest

from .models import StoredUpload

MB = 1024 * 1024

# kind → (extensions accepted, MIME type served)
KINDS: dict[str, tuple[tuple[str, ...], str]] = {
    "pdf": ((".pdf",), "application/pdf"),
    "jpeg": ((".jpg", ".jpeg"), "image/jpeg"),
    "png": ((".png",), "image/png"),
    "xlsx": ((".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "docx": ((".docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "csv": ((".csv",), "text/csv"),
}
KIND_LABELS = {"pdf": "PDF", "jpeg": "JPEG", "png": "PNG", "xlsx": "Excel", "docx": "Word", "csv": "CSV"}


class UploadRejected(ValueError):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = "file"


@dataclass(frozen=True)
class UploadPolicy:
    purpose: str  # dotted, e.g. "water_plan.evidence"
    label: str  # Chinese, e.g. "证明材料"
    kinds: tuple[str, ...] = ("pdf", "jpeg", "png")
    max_bytes: int = 10 * MB
    # Who may download a stored file besides its uploader (e.g. the owning department's clerks).
    readers: Callable[[Any, StoredUpload], bool] | None = None


_POLICIES: dict[str, UploadPolicy] = {}


def register_policy(policy: UploadPolicy) -> UploadPolicy:
    unknown = set(policy.kinds) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown upload kinds {sorted(unknown)}; use {sorted(KINDS)}")
    _POLICIES[policy.purpose] = policy
    return policy


def policy_for(purpose: str) -> UploadPolicy | None:
    return _POLICIES.get(purpose)


# -- reading ----------------------------------------------------------------------------------------------
def _read_capped(source: Any, cap: int) -> bytes:
    """All bytes of an UploadedFile, a file object or bytes — at most cap + 1 (enough to know it is too big)."""
    if isinstance(source, bytes | bytearray):
        return bytes(source[: cap + 1])
    buf = io.BytesIO()
    chunks: Iterable[bytes] = (
        source.chunks() if hasattr(source, "chunks") else iter(lambda: source.read(65536), b"")
    )
    for chunk in chunks:
        buf.write(chunk[: cap + 1 - buf.tell()])
        if buf.tell() > cap:
            break
    return buf.getvalue()


_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


def display_name(name: str) -> str:
    """The user's file name as text only: no folders, no control characters, at most 200 characters."""
    base = re.split(r"[/\\]", name or "")[-1]
    return _UNSAFE_NAME.sub("_", base).strip(" .")[:200] or "未命名文件"


# -- type -------------------------------------------------------------------------------------------------
def sniff(data: bytes) -> str | None:
    """The kind by magic bytes, or None."""
    import filetype

    if data.startswith(b"%PDF-"):
        return "pdf"
    guess = filetype.guess(data[:8192])
    if guess is not None:
        if guess.extension == "jpg":
            return "jpeg"
        if guess.extension in ("png", "xlsx", "docx"):
            return guess.extension
        if guess.extension == "zip":
            return _office_kind(data)
        return None
    if _looks_like_text(data):
        return "csv"
    return None


def _office_kind(data: bytes) -> str | None:
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except zipfile.BadZipFile:
        return None
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    if any(n.startswith("word/") for n in names):
        return "docx"
    return None


def _looks_like_text(data: bytes) -> bool:
    sample = data[:65536]
    if b"\x00" in sample:
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start > len(sample) - 4  # a character cut at the sample's end
    return True


# -- content ----------------------------------------------------------------------------------------------
PDF_ACTIVE_NAMES = (
    "/JavaScript",
    "/JS",
    "/OpenAction",
    "/AA",
    "/Launch",
    "/EmbeddedFile",
    "/EmbeddedFiles",
    "/RichMedia",
    "/XFA",
    "/SubmitForm",
    "/ImportData",
    "/GoToR",
    "/GoToE",
)
HTML_MARKERS = re.compile(
    rb"<\s*(?:!doctype\s+html|html|head|body|script|iframe|svg|object|embed|meta)\b", re.I
)
_PDF_NAME = re.compile(rb"/[^\s/<>\[\]()%{}]+")


def _decode_pdf_name(raw: bytes) -> str:
    return re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw).decode("latin-1")


def pdf_active_content(data: bytes) -> list[str]:
    """The active-content names a PDF holds (empty: none), from its bytes and from pypdf's parse (which also
    sees inside compressed object streams)."""
    found = {
        n for n in (_decode_pdf_name(m.group(0)) for m in _PDF_NAME.finditer(data)) if n in PDF_ACTIVE_NAMES
    }
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data), strict=False)
        stack: list[Any] = [reader.trailer]
        seen: set[int] = set()
        while stack and len(seen) < 20000:
            obj = stack.pop()
            if hasattr(obj, "get_object"):
                ref = getattr(obj, "idnum", None)
                if ref is not None:
                    if ref in seen:
                        continue
                    seen.add(ref)
                obj = obj.get_object()
            if isinstance(obj, dict):
                for key, value in obj.items():
                    if str(key) in PDF_ACTIVE_NAMES:
                        found.add(str(key))
                    if str(key) == "/S" and str(value) in PDF_ACTIVE_NAMES:
                        found.add(str(value))
                    stack.append(value)
            elif isinstance(obj, list):
                stack.extend(obj)
    except Exception:  # noqa: S110 - an unparsable PDF is judged by its bytes alone (and must still be a PDF)
        pass
    return sorted(found)


def check_content(kind: str, data: bytes) -> None:
    if kind == "pdf":
        active = pdf_active_content(data)
        if active:
            raise UploadRejected(
                f"PDF文件含有可执行内容（{'、'.join(active)}），不予接收。", "pdf_active_content"
            )
        if HTML_MARKERS.search(data):
            raise UploadRejected("文件同时含有网页代码（PDF/HTML 混合文件），不予接收。", "polyglot")
    elif kind in ("jpeg", "png"):
        from PIL import Image

        try:
            with Image.open(io.BytesIO(data)) as img:
                img.verify()
        except Exception as exc:
            raise UploadRejected("图片文件已损坏或不是有效的图片。", "image_invalid") from exc
        if HTML_MARKERS.search(data):
            raise UploadRejected("图片文件中含有网页代码，不予接收。", "polyglot")
    elif kind in ("xlsx", "docx"):
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        if any("vbaproject" in n.lower() or n.lower().endswith(".bin") for n in names):
            raise UploadRejected("Office 文件含有宏或嵌入程序，不予接收。", "office_macro")
    elif kind == "csv" and HTML_MARKERS.search(data[:65536]):
        raise UploadRejected("CSV 文件中含有网页代码，不予接收。", "polyglot")


# -- malware ----------------------------------------------------------------------------------------------
# The platform's own signatures (EICAR by hash and by body), loaded beside the official database.
PLATFORM_SIGNATURES = Path(__file__).parent / "clamav"


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    scanner: str  # "" when no scanner is installed
    signature: str = ""


def scan(path: Path) -> ScanResult:
    """Scan one file with ClamAV; `clamdscan` (daemon, fast) first, then `clamscan`."""
    daemon = shutil.which("clamdscan")
    if daemon:
        proc = subprocess.run(  # noqa: S603 - fixed program, our own file path
            [daemon, "--no-summary", "--fdpass", str(path)], capture_output=True, text=True, timeout=120
        )
        if proc.returncode in (0, 1):
            return _result(proc, "clamdscan")
    binary = shutil.which("clamscan")
    if not binary:
        return ScanResult(clean=True, scanner="")
    args = [binary, "--no-summary", "--stdout"]
    official = Path(getattr(settings, "CLAMAV_DATABASE_DIR", "/var/lib/clamav"))
    if official.is_dir() and any(official.glob("*.c[lv]d")):
        args.append(f"--database={official}")
    args += [f"--database={PLATFORM_SIGNATURES}", str(path)]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=300)  # noqa: S603
    if proc.returncode not in (0, 1):
        raise UploadRejected("查毒程序运行出错，文件暂不能接收，请稍后重试。", "scan_error")
    return _result(proc, "clamscan")


def _result(proc: subprocess.CompletedProcess[str], scanner: str) -> ScanResult:
    if proc.returncode == 0:
        return ScanResult(clean=True, scanner=scanner)
    match = re.search(r": (.+) FOUND", proc.stdout)
    return ScanResult(clean=False, scanner=scanner, signature=match.group(1) if match else "unknown")


# -- the helper ---------------------------------------------------------------------------------------------
def check_upload(name: str, data: bytes, policy: UploadPolicy) -> str:
    """Steps 1–3 on bytes in memory; returns the kind. (accept_upload adds the scan and the storage.)"""
    allowed = "、".join(KIND_LABELS[k] for k in policy.kinds)
    if not data:
        raise UploadRejected("文件为空。", "empty")
    if len(data) > policy.max_bytes:
        raise UploadRejected(f"文件超过{policy.max_bytes // MB}MB的大小限制。", "too_large")
    kind = sniff(data)
    if kind not in policy.kinds:
        raise UploadRejected(f"文件类型不符合要求：{policy.label}只接收{allowed}文件。", "type_not_allowed")
    suffix = Path(display_name(name)).suffix.lower()
    if suffix not in KINDS[kind][0]:
        raise UploadRejected(
            f"文件扩展名“{suffix or '无'}”与文件内容（{KIND_LABELS[kind]}）不符。", "extension_mismatch"
        )
    check_content(kind, data)
    return kind


def screen_bytes(data: bytes, *, label: str, kinds: tuple[str, ...] = ("pdf", "jpeg", "png")) -> str:
    """Steps 2–4 for a file a domain stores itself (its own model, its own storage): the kind by content, no
    active PDF content or polyglot, and the malware scan. Returns the kind; raises UploadRejected (in Chinese).

    The domains' evidence and material uploads (water plan, licensing, subsidies, supervision) call this before
    they store anything, so EICAR, a PDF with JavaScript or a PDF/HTML polyglot is refused there as well as in
    `accept_upload` (issue 14, failure 11). The extension is not checked here: those forms never trusted it.
    """
    kind = sniff(data) if data else None
    if kind not in kinds:
        allowed = "、".join(KIND_LABELS[k] for k in kinds)
        raise UploadRejected(
            f"文件类型不符合要求：{label}只接收{allowed}文件（按文件内容识别）。", "type_not_allowed"
        )
    check_content(kind, data)
    root = uploads_root()
    with tempfile.NamedTemporaryFile(dir=root, prefix=".screen-", delete=True) as tmp:
        tmp.write(data)
        tmp.flush()
        result = scan(Path(tmp.name))
    if not result.clean:
        raise UploadRejected(f"文件含有恶意代码（{result.signature}），不予接收。", "malware")
    if not result.scanner and getattr(settings, "UPLOAD_REQUIRE_AV", False):
        raise UploadRejected("服务器未安装查毒程序，暂不能接收文件，请联系系统管理员。", "no_scanner")
    return kind


def uploads_root() -> Path:
    root = Path(settings.UPLOADS_ROOT)
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    return root


def _reject(exc: UploadRejected, *, name: str, policy: UploadPolicy, user: Any, size: int) -> None:
    from ezhou_platform.common.audit.services import record

    with transaction.atomic():
        record(
            "security.upload.reject",
            actor=user,
            result="denied",
            object_type="upload",
            object_repr=display_name(name),
            after={"purpose": policy.purpose, "code": exc.code, "size": size},
        )
    if exc.code == "malware":
        from . import alerts

        alerts.raise_alert(
            alerts.Alert.Kind.UPLOAD_MALWARE,
            dedup_key=f"upload_malware:{uuid.uuid4().hex}",
            subject=display_name(name),
            message=exc.message,
            detail={"purpose": policy.purpose, "user": getattr(user, "username", "")},
        )


def accept_upload(source: Any, *, policy: UploadPolicy, user: Any, name: str | None = None) -> StoredUpload:
    """Check, scan and store one upload; returns its record or raises UploadRejected (audited)."""
    from ezhou_platform.common.audit.services import record

    from .atomic import atomic_write

    original = name or getattr(source, "name", "") or ""
    data = _read_capped(source, policy.max_bytes)
    try:
        kind = check_upload(original, data, policy)
        stored_name = uuid.uuid4().hex
        path = uploads_root() / stored_name
        with atomic_write(path, "wb", file_mode=0o600) as out:
            out.write(data)
        result = scan(path)
        if not result.clean:
            path.unlink(missing_ok=True)
            raise UploadRejected(f"文件含有恶意代码（{result.signature}），不予接收。", "malware")
        if not result.scanner and getattr(settings, "UPLOAD_REQUIRE_AV", False):
            path.unlink(missing_ok=True)
            raise UploadRejected("服务器未安装查毒程序，暂不能接收文件，请联系系统管理员。", "no_scanner")
    except UploadRejected as exc:
        _reject(exc, name=original, policy=policy, user=user, size=len(data))
        raise
    with transaction.atomic():
        upload = StoredUpload.objects.create(
            purpose=policy.purpose,
            original_name=display_name(original),
            stored_name=stored_name,
            content_type=KINDS[kind][1],
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            scanned_with=result.scanner or "未查毒",
            uploaded_by=user if getattr(user, "pk", None) else None,
        )
        record(
            "security.upload.accept",
            actor=user,
            obj=upload,
            after={"purpose": policy.purpose, "kind": kind, "size": len(data), "sha256": upload.sha256},
        )
    return upload


def path_of(upload: StoredUpload) -> Path:
    return uploads_root() / upload.stored_name


def may_download(user: Any, upload: StoredUpload) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if upload.uploaded_by_id == user.pk:
        return True
    policy = policy_for(upload.purpose)
    return bool(policy and policy.readers and policy.readers(user, upload))


def attachment_response(upload: StoredUpload, *, request: HttpRequest | None = None) -> FileResponse:
    """The file as a download, never rendered by the browser (Content-Disposition: attachment, nosniff, a
    sandboxing CSP); the download is audited."""
    from ezhou_platform.common.audit.services import record

    with transaction.atomic():
        record(
            "security.upload.download",
            actor=getattr(request, "user", None),
            obj=upload,
            request=request,
        )
    response = FileResponse(
        path_of(upload).open("rb"),
        as_attachment=True,
        filename=upload.original_name,
        content_type=upload.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "no-store"
    return response
