"""The one upload helper (SECURITY.md C18; issue 14 failure 11): EICAR, a PDF/HTML polyglot and a PDF with
JavaScript were accepted. Each malicious file is now refused (and audited); a clean one is stored under a
random name outside the web root and served only as an attachment."""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.security import uploads
from ezhou_platform.security.atomic import atomic_write, atomic_write_bytes
from ezhou_platform.security.uploads import UploadPolicy, UploadRejected, accept_upload, attachment_response

pytestmark = pytest.mark.django_db

# The EICAR anti-virus test file (not malware: every scanner detects it by agreement).
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
DEFAULT_UPLOADS_ROOT = Path(settings.UPLOADS_ROOT)  # before the fixture below points it at a temporary folder
POLICY = UploadPolicy("tests.evidence", "证明材料", kinds=("pdf", "png", "csv"), max_bytes=64 * 1024)


@pytest.fixture(autouse=True)
def _uploads_dir(settings: Any, tmp_path: Path) -> None:
    settings.UPLOADS_ROOT = tmp_path / "uploads"


def _pdf(js: str | None = None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if js:  # a document-level script in the catalog's name tree (/Names /JavaScript), as Acrobat writes it
        action = DictionaryObject(
            {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject(js)}
        )
        tree = DictionaryObject(
            {NameObject("/Names"): ArrayObject([TextStringObject("x"), writer._add_object(action)])}
        )
        writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): tree})
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _malicious() -> dict[str, tuple[str, bytes, str]]:
    clean = _pdf()
    return {
        "pdf_javascript": ("申请表.pdf", _pdf("app.alert('x');"), "pdf_active_content"),
        "pdf_openaction_escaped": (
            "a.pdf",
            clean.replace(b"/Type /Catalog", b"/Type /Catalog /Open#41ction 3 0 R", 1),
            "pdf_active_content",
        ),
        "pdf_html_polyglot": (
            "a.pdf",
            clean + b"\n<html><body><script>alert(1)</script></body></html>",
            "polyglot",
        ),
        "eicar_as_csv": ("名单.csv", EICAR, "malware"),
        "eicar_inside_pdf": ("a.pdf", clean + b"\n%" + EICAR + b"\n", "malware"),
        "html_renamed_png": ("a.png", b"<html><script>alert(1)</script></html>", "extension_mismatch"),
        "html_renamed_csv": ("a.csv", b"<html><script>alert(1)</script></html>", "polyglot"),
        "exe_renamed_pdf": ("a.pdf", b"MZ\x90\x00" + bytes(200), "type_not_allowed"),
        "oversize": ("a.csv", b"a,b\n" * 20000, "too_large"),
        "empty": ("a.pdf", b"", "empty"),
        "extension_mismatch": ("a.png", clean, "extension_mismatch"),
    }


@pytest.mark.skipif(shutil.which("clamscan") is None, reason="ClamAV is not installed here")
def test_malicious_uploads_are_refused_and_audited(demo_users: Any) -> None:
    user = demo_users["citizen"]
    accepted: list[str] = []
    cases = _malicious()
    for label, (name, data, code) in cases.items():
        try:
            accept_upload(data, policy=POLICY, user=user, name=name)
            accepted.append(label)
        except UploadRejected as exc:
            assert exc.code == code, (label, exc.code, exc.message)
    assert accepted == []
    assert AuditRecord.objects.filter(action="security.upload.reject").count() == len(cases)
    assert not list(Path(settings.UPLOADS_ROOT).iterdir())  # nothing left behind
    print(f"\nC18 malicious uploads accepted = {len(accepted)}/{len(cases)}")


def test_eicar_is_found_by_the_platform_signature_without_the_official_database(tmp_path: Path) -> None:
    if shutil.which("clamscan") is None:
        pytest.skip("ClamAV is not installed here")
    sample = tmp_path / "x"
    sample.write_bytes(EICAR)
    result = uploads.scan(sample)
    assert not result.clean and "EICAR" in result.signature


def test_a_clean_file_is_stored_under_a_random_name_and_served_as_attachment(
    demo_users: Any, rf: Any
) -> None:
    user = demo_users["citizen"]
    upload = accept_upload(_pdf(), policy=POLICY, user=user, name="../../etc/申请表.pdf")
    path = uploads.path_of(upload)
    assert upload.original_name == "申请表.pdf"  # the folders of a traversal name are dropped
    assert len(upload.stored_name) == 32 and path.parent == Path(settings.UPLOADS_ROOT)
    assert path.stat().st_mode & 0o777 == 0o600
    web_roots = [Path(settings.STATIC_ROOT).resolve()] + [
        Path(p).resolve() for p in settings.STATICFILES_DIRS
    ]
    assert not any(DEFAULT_UPLOADS_ROOT.resolve().is_relative_to(root) for root in web_roots)
    request = rf.get("/")
    request.user = user
    response = attachment_response(upload, request=request)
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert uploads.may_download(user, upload) and not uploads.may_download(demo_users["enterprise"], upload)
    assert AuditRecord.objects.filter(action="security.upload.download").count() == 1


def test_production_refuses_uploads_when_no_scanner_is_installed(
    demo_users: Any, settings: Any, monkeypatch: Any
) -> None:
    settings.UPLOAD_REQUIRE_AV = True
    monkeypatch.setattr(uploads.shutil, "which", lambda _name: None)
    with pytest.raises(UploadRejected) as exc:
        accept_upload(_pdf(), policy=POLICY, user=demo_users["citizen"], name="a.pdf")
    assert exc.value.code == "no_scanner"


def test_atomic_write_leaves_the_old_file_whole_when_the_writer_dies(tmp_path: Path) -> None:
    """R2: a batch output is written to a temporary file in the same folder, fsynced, then renamed."""
    target = tmp_path / "settlement.csv"
    atomic_write_bytes(target, b"old,complete\n")
    with pytest.raises(RuntimeError), atomic_write(target, "w", encoding="utf-8") as out:
        out.write("new,half")
        raise RuntimeError("killed mid-write")
    assert target.read_bytes() == b"old,complete\n"
    assert [p.name for p in tmp_path.iterdir()] == ["settlement.csv"]  # no temporary file left
    with atomic_write(target, "w", encoding="utf-8") as out:
        out.write("new,complete\n")
    assert target.read_text(encoding="utf-8") == "new,complete\n"
