"""证明材料 (第十条, 第十二条/附件2, 第十五条): uploaded files, checked by content, kept outside the web root."""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from ezhou_platform.common.audit.services import record
from ezhou_rules.water_plan.errors import WaterPlanError

from ..models import EvidenceFile, WaterUnit
from .common import DOC, _snap

# Size cap of one uploaded file, set 2026-11-28 by the platform (the document sets none): 10 MB covers a
# scanned multi-page PDF of the 调整申请表 or a water-balance report; larger files are refused, not truncated.
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024

_MAGIC = ((b"%PDF-", "application/pdf"), (b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))

ADJUSTMENT_KINDS = {
    EvidenceFile.Kind.FORM,
    EvidenceFile.Kind.CHANGE,
    EvidenceFile.Kind.BALANCE_TEST,
    EvidenceFile.Kind.OTHER,
}


def sniff_type(data: bytes) -> str | None:
    """The file's type by its first bytes (PDF, JPEG, PNG); the name and the browser's claim are not trusted."""
    return next((t for magic, t in _MAGIC if data.startswith(magic)), None)


def screen(data: bytes, label: str) -> None:
    """Active PDF content, polyglots and malware are refused before anything is stored (SECURITY.md C18)."""
    from ezhou_platform.security.uploads import UploadRejected, screen_bytes

    try:
        screen_bytes(data, label=label)
    except UploadRejected as exc:
        raise WaterPlanError(f"evidence_{exc.code}", exc.message, field="file") from None


def store_evidence(unit: WaterUnit, kind: str, filename: str, data: bytes, *, actor: Any) -> EvidenceFile:
    """Keep an uploaded 证明材料 under a random name outside the web root; audited."""
    if kind not in EvidenceFile.Kind.values:
        raise WaterPlanError("evidence_kind", "材料类别不正确（第十条、第十二条、第十五条）。", field="kind")
    if not data:
        raise WaterPlanError("evidence_empty", "上传的文件为空。", field="file")
    if len(data) > EVIDENCE_MAX_BYTES:
        raise WaterPlanError(
            "evidence_too_large",
            f"文件大小{len(data) / 1048576:.1f}MB，超过{EVIDENCE_MAX_BYTES // 1048576}MB的上限。",
            field="file",
        )
    content_type = sniff_type(data)
    if content_type is None:
        raise WaterPlanError(
            "evidence_type", "证明材料只接受PDF、JPEG或PNG文件（按文件内容识别）。", field="file"
        )
    screen(data, "证明材料")
    with transaction.atomic():
        ev = EvidenceFile(
            unit=unit,
            kind=kind,
            original_name=(filename or "未命名")[-200:],
            content_type=content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by=actor,
        )
        ev.file.save("upload", ContentFile(data), save=False)
        ev.save()
        record(
            "water_plan.evidence.upload",
            actor=actor,
            obj=ev,
            after=_snap(ev, ["kind", "original_name", "content_type", "size", "sha256"]),
            label=f"上传证明材料（{ev.get_kind_display()}）",
            citation=f"{DOC} 第十条",
        )
    return ev


def can_download_evidence(ev: EvidenceFile, user: Any) -> bool:
    """The owning unit's enterprise users; the water department's clerks and heads; auditors."""
    role = getattr(user, "role", "")
    if role == "enterprise":
        return bool(user.enterprise_uscc) and ev.unit.uscc == user.enterprise_uscc
    if role == "auditor":
        return True
    dept = getattr(user, "department", None)
    return role in ("clerk", "head") and dept is not None and dept.code == "water"


def record_evidence_download(ev: EvidenceFile, *, actor: Any) -> None:
    with transaction.atomic():
        record(
            "water_plan.evidence.download",
            actor=actor,
            obj=ev,
            after={"kind": ev.kind, "sha256": ev.sha256},
            label="下载证明材料",
            citation=f"{DOC} 第十条",
        )


def _check_evidence(evidence: list[EvidenceFile], unit: WaterUnit, kinds: Collection[str]) -> None:
    for ev in evidence:
        if ev.unit_id != unit.pk:
            raise WaterPlanError("evidence_unit", f"证明材料#{ev.pk}不属于该单位。", field="evidence_ids")
        if ev.adjustment_id or ev.supplement_id or ev.appeal_id:
            raise WaterPlanError("evidence_used", f"证明材料#{ev.pk}已附于其他申请。", field="evidence_ids")
        if ev.kind not in kinds:
            raise WaterPlanError(
                "evidence_kind",
                f"证明材料#{ev.pk}（{ev.get_kind_display()}）不适用于此申请。",
                field="evidence_ids",
            )


def _attach(evidence: list[EvidenceFile], **link: Any) -> None:
    for ev in evidence:
        for k, v in link.items():
            setattr(ev, k, v)
        ev.save(update_fields=list(link))
