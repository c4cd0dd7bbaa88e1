"""证明材料: uploads checked by content, stored outside the web root, downloaded only by those entitled, audited."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ezhou_platform.common import clock
from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.water_plan import services
from ezhou_platform.water_plan.models import AdjustmentRequest, EvidenceFile, YearlyPlan

from .conftest import open_notice

pytestmark = pytest.mark.django_db
API = "/api/v1/water-plan"


def _image(fmt: str) -> bytes:
    """A real 2×2 image: uploads are decoded (SECURITY.md C18), so a magic number alone is refused."""
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(buf, fmt)
    return buf.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"
PNG = _image("PNG")
JPEG = _image("JPEG")


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path):
    settings.WATER_PLAN_EVIDENCE_ROOT = tmp_path / "evidence"
    return tmp_path / "evidence"


def _upload(c, unit, kind, data, name="材料.pdf"):
    return c.post(f"{API}/units/{unit.pk}/evidence", {"kind": kind, "file": SimpleUploadedFile(name, data)})


def _plan(unit, clerk):
    today = clock.today()
    services.issue_plans(today.year, actor=clerk, issued_on=today)
    return YearlyPlan.objects.get(unit=unit)


def test_upload_checks_type_by_content_and_size(login_client, unit, evidence_root, monkeypatch):
    c = login_client("enterprise")
    r = _upload(c, unit, "form", PDF, "申请表.pdf")
    assert r.status_code == 201 and r.json()["content_type"] == "application/pdf"
    ev = EvidenceFile.objects.get()
    # stored under a random name in the configured folder, not under the user's file name
    stored = evidence_root / ev.file.name
    assert stored.read_bytes() == PDF and "申请表" not in ev.file.name and ev.file.name.endswith(".pdf")
    assert ev.original_name == "申请表.pdf"
    assert _upload(c, unit, "change", PNG, "a.png").json()["content_type"] == "image/png"
    assert _upload(c, unit, "change", JPEG, "a.jpg").json()["content_type"] == "image/jpeg"
    # an executable renamed to .pdf is refused: the first bytes decide
    r = _upload(c, unit, "form", b"MZ\x90\x00 not a pdf", "假.pdf")
    assert r.status_code == 422 and r.json()["code"] == "evidence_type" and r.json()["field"] == "file"
    r = _upload(c, unit, "nonsense", PDF)
    assert r.status_code == 422 and r.json()["field"] == "kind"
    monkeypatch.setattr(services, "EVIDENCE_MAX_BYTES", 40)
    r = _upload(c, unit, "form", PDF + b"x" * 40)
    assert r.status_code == 422 and r.json()["code"] == "evidence_too_large"
    assert EvidenceFile.objects.count() == 3
    assert AuditRecord.objects.filter(action="water_plan.evidence.upload").count() == 3


def test_enterprise_uploads_only_for_its_units(login_client, unit, other_unit):
    c = login_client("enterprise")
    assert _upload(c, other_unit, "form", PDF).status_code == 404
    assert _upload(login_client("auditor"), unit, "form", PDF).status_code == 403
    assert _upload(login_client("yibao_clerk"), unit, "form", PDF).status_code == 403
    assert _upload(login_client("shuiwu_clerk"), unit, "form", PDF).status_code == 201


def test_download_rights_attachment_and_audit(login_client, unit, other_unit, clerk, demo_users):
    ev = services.store_evidence(unit, "form", "申请表.pdf", PDF, actor=clerk)
    other = services.store_evidence(other_unit, "form", "x.pdf", PDF, actor=clerk)
    for name in ("enterprise", "shuiwu_clerk", "auditor"):
        r = login_client(name).get(f"{API}/evidence/{ev.pk}")
        assert r.status_code == 200, name
        assert r["Content-Disposition"].startswith("attachment") and r["Content-Type"] == "application/pdf"
        assert b"".join(r.streaming_content) == PDF
    assert AuditRecord.objects.filter(action="water_plan.evidence.download").count() == 3
    assert login_client("enterprise").get(f"{API}/evidence/{other.pk}").status_code == 404
    assert login_client("yibao_clerk").get(f"{API}/evidence/{ev.pk}").status_code == 403
    assert login_client("citizen").get(f"{API}/evidence/{ev.pk}").status_code == 403
    assert AuditRecord.objects.filter(action="water_plan.evidence.download").count() == 3


def test_adjustment_flags_come_from_uploads(login_client, unit, other_unit, clerk):
    plan = _plan(unit, clerk)
    c = login_client("enterprise")
    ids = {k: _upload(c, unit, k, PDF).json()["id"] for k in ("form", "change", "other")}
    url = f"{API}/plans/{plan.pk}/adjustments"
    body = {"requested_volume": "100", "reason": "扩产", "has_balance_test": True}
    # uploads exist: the booleans are ignored, the missing balance-test file refuses the request
    r = c.post(url, {**body, "evidence_ids": list(ids.values())}, content_type="application/json")
    assert r.status_code == 422 and r.json()["code"] == "adjustment_materials"
    assert "水平衡测试" in r.json()["message"] and not AdjustmentRequest.objects.exists()
    ids["balance_test"] = _upload(c, unit, "balance_test", PNG, "测试报告.png").json()["id"]
    foreign = services.store_evidence(other_unit, "form", "x.pdf", PDF, actor=clerk)
    r = c.post(url, {**body, "evidence_ids": [*ids.values(), foreign.pk]}, content_type="application/json")
    assert r.status_code == 422 and r.json()["field"] == "evidence_ids"
    r = c.post(url, {**body, "evidence_ids": list(ids.values())}, content_type="application/json")
    assert r.status_code == 201
    req = AdjustmentRequest.objects.get()
    assert req.has_form and req.has_change_evidence and req.has_balance_test
    assert req.evidence.count() == 4 and "材料.pdf" in req.other_materials
    # a file already attached cannot be reused
    r = c.post(url, {**body, "evidence_ids": [ids["form"]]}, content_type="application/json")
    assert r.status_code == 422 and r.json()["code"] == "evidence_used"


def test_supplement_and_appeal_evidence(login_client, unit, clerk):
    plan = _plan(unit, clerk)
    c = login_client("enterprise")
    sup = _upload(c, unit, "supplement", JPEG, "消防记录.jpg").json()["id"]
    form = _upload(c, unit, "form", PDF).json()["id"]
    body = {
        "type": "fire",
        "event_on": clock.today().isoformat(),
        "inputs": {"volume": "3", "source": "fire_meter"},
    }
    r = c.post(
        f"{API}/plans/{plan.pk}/supplements",
        {**body, "evidence_ids": [form]},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["code"] == "evidence_kind"
    r = c.post(
        f"{API}/plans/{plan.pk}/supplements", {**body, "evidence_ids": [sup]}, content_type="application/json"
    )
    assert r.status_code == 201 and EvidenceFile.objects.get(pk=sup).supplement_id == r.json()["id"]
    n = open_notice(
        unit=unit,
        year=plan.year,
        number="测试〔2026〕00002号",
        actual_m3x100=plan.volume_m3x100 + 1000,
        plan_m3x100=plan.volume_m3x100,
        excess_m3x100=1000,
        bands={"bounds": ["1/10"], "multipliers": ["1", "2"], "price": 300, "amounts": [3000, 0]},
        amount_fen=3000,
        issued_on=clock.today(),
    )
    services.deliver_notice(n, clock.today(), actor=clerk)
    ap = _upload(c, unit, "appeal", PDF, "读数照片.pdf").json()["id"]
    r = c.post(
        f"{API}/notices/{n.pk}/appeals",
        {"reason": "读数有误", "evidence_ids": [ap]},
        content_type="application/json",
    )
    assert r.status_code == 201 and EvidenceFile.objects.get(pk=ap).appeal_id == r.json()["id"]
    page = login_client("shuiwu_clerk").get(f"/water-plan/units/{unit.pk}/").content.decode()
    assert f"{API}/evidence/{ap}" in page and f"{API}/evidence/{sup}" in page


def test_enterprise_upload_page(login_client, unit, other_unit):
    c = login_client("enterprise")
    page = c.get("/water-plan/my/").content.decode()
    assert f"/water-plan/my/units/{unit.pk}/evidence/" in page and 'enctype="multipart/form-data"' in page
    url = f"/water-plan/my/units/{unit.pk}/evidence/"
    r = c.post(url, {"kind": "form", "file": SimpleUploadedFile("表.pdf", b"GIF89a")}, follow=True)
    assert (
        " ".join(str(m) for m in r.context["messages"]).startswith("文件：")
        and not EvidenceFile.objects.exists()
    )
    r = c.post(url, {"kind": "form", "file": SimpleUploadedFile("表.pdf", PDF)}, follow=True)
    ev = EvidenceFile.objects.get()
    assert f"编号{ev.pk}" in " ".join(str(m) for m in r.context["messages"])
    assert f"{API}/evidence/{ev.pk}" in r.content.decode()
    other = f"/water-plan/my/units/{other_unit.pk}/evidence/"
    assert c.post(other, {"kind": "form", "file": SimpleUploadedFile("表.pdf", PDF)}).status_code == 404
    assert login_client("shuiwu_clerk").post(url, {"kind": "form"}).status_code == 403


def test_enterprise_cannot_claim_paper_materials(login_client, unit, clerk):
    # Only a water clerk who received paper material may confirm it; an enterprise must upload its files.
    plan = _plan(unit, clerk)
    body = {
        "type": "fire",
        "event_on": clock.today().isoformat(),
        "inputs": {"volume": "3", "source": "fire_meter"},
        "paper_materials": True,
    }
    r = login_client("enterprise").post(
        f"{API}/plans/{plan.pk}/supplements", body, content_type="application/json"
    )
    assert r.status_code == 422 and r.json()["code"] == "supplement_materials"
    assert r.json()["field"] == "evidence_ids"
    r = login_client("shuiwu_clerk").post(
        f"{API}/plans/{plan.pk}/supplements", body, content_type="application/json"
    )
    assert r.status_code == 201
