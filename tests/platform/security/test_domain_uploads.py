"""Issue 14, failure 11 (C18) in the domains: the files a domain stores itself — water-plan 证明材料, licensing
materials, subsidy documents, supervision 证明文件 — are screened like `accept_upload`'s: EICAR, a PDF with
JavaScript and a PDF/HTML polyglot were accepted by the domains' own magic-byte checks; now each is refused with
the domain's own error naming its field, and nothing is stored."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from ezhou_platform.security.uploads import UploadRejected, screen_bytes

from .test_uploads import EICAR, _pdf

pytestmark = pytest.mark.django_db
CLAMAV = shutil.which("clamscan") is not None


@pytest.fixture(autouse=True)
def _uploads_dir(settings: Any, tmp_path: Path) -> None:
    settings.UPLOADS_ROOT = tmp_path / "uploads"


def _bad() -> dict[str, tuple[bytes, str]]:
    clean = _pdf()
    bad = {
        "pdf_javascript": (_pdf("app.alert('x');"), "pdf_active_content"),
        "pdf_html_polyglot": (clean + b"\n<html><body><script>alert(1)</script></body></html>", "polyglot"),
        "exe": (b"MZ\x90\x00" + bytes(200), "type_not_allowed"),
    }
    if CLAMAV:  # CI installs ClamAV; the platform's own signature finds EICAR without the official database
        bad["eicar_inside_pdf"] = (clean + b"\n%" + EICAR + b"\n", "malware")
    return bad


def test_screen_bytes_refuses_each_and_passes_a_clean_pdf(tmp_path: Path) -> None:
    assert screen_bytes(_pdf(), label="证明材料") == "pdf"
    refused = 0
    for name, (data, code) in _bad().items():
        with pytest.raises(UploadRejected) as exc:
            screen_bytes(data, label="证明材料")
        assert exc.value.code == code, name
        refused += 1
    print(
        f"C18 domains: malicious files refused {refused}/{len(_bad())} (ClamAV {'on' if CLAMAV else 'absent'})"
    )
    assert not [p for p in (tmp_path / "uploads").iterdir() if p.name.startswith(".screen-")]  # no temp left


def test_water_plan_evidence_refuses_them_and_stores_nothing(demo_users: Any) -> None:
    from ezhou_platform.water_plan.models import EvidenceFile
    from ezhou_platform.water_plan.services import store_evidence
    from ezhou_rules.water_plan.errors import WaterPlanError

    from ..water_plan.conftest import make_unit

    unit = make_unit("上传测试单位", "91420700MA4UPLD01")
    clerk = demo_users["shuiwu_clerk"]
    for name, (data, code) in _bad().items():
        with pytest.raises(WaterPlanError) as exc:
            store_evidence(unit, "form", "申请表.pdf", data, actor=clerk)
        assert exc.value.code in (f"evidence_{code}", "evidence_type"), name
        assert exc.value.field == "file"
    assert not EvidenceFile.objects.exists()
    assert store_evidence(unit, "form", "申请表.pdf", _pdf(), actor=clerk).content_type == "application/pdf"


def test_subsidy_documents_refuse_them() -> None:
    from ezhou_platform.subsidies.services.apply import Upload, check_uploads

    for name, (data, code) in _bad().items():
        errors = [
            e for e in check_uploads("m12", [Upload("invoice", "发票.pdf", data)]) if e.field == "invoice"
        ]
        assert errors and errors[0].code in (f"document_{code}", "document_type"), name


def test_supervision_attachments_refuse_them() -> None:
    from ezhou_platform.supervision.services.reports import Attachment, _sniff
    from ezhou_rules.supervision.errors import SupervisionError

    for name, (data, code) in _bad().items():
        with pytest.raises(SupervisionError) as exc:
            _sniff(Attachment("证明.pdf", data))
        assert exc.value.code in (f"attachment_{code}", "attachment_type"), name
        assert exc.value.field == "证明文件"
