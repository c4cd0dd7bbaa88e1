"""证明材料 (第十条, 第十二条/附件2, 第十五条): uploaded files kept outside the web root."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models

from .collection import Appeal
from .requests import AdjustmentRequest, SupplementRequest
from .units import WaterUnit


class EvidenceStorage(FileSystemStorage):
    """证明材料 are kept outside the web root (nothing serves this folder; downloads go through a checked view):
    settings.WATER_PLAN_EVIDENCE_ROOT if set (tests point it at a tmp dir), else VAR_DIR/uploads/water_plan.
    Read at each use so a settings override takes effect."""

    @property  # type: ignore[override]
    def base_location(self) -> str:
        root = (
            getattr(settings, "WATER_PLAN_EVIDENCE_ROOT", None)
            or Path(settings.VAR_DIR) / "uploads" / "water_plan"
        )
        return str(root)

    @property  # type: ignore[override]
    def location(self) -> str:
        return str(Path(self.base_location).resolve())


EVIDENCE_EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


def _random_name(instance: Any, filename: str) -> str:
    """A random name (the user's file name is kept only as text): nothing the uploader chose reaches the disk."""
    return f"{uuid.uuid4().hex}{EVIDENCE_EXTENSIONS.get(instance.content_type, '')}"


class EvidenceFile(models.Model):
    """An uploaded 证明材料 (第十条 the four kinds; 第十二条/附件2; 第十五条), attached to one request."""

    class Kind(models.TextChoices):
        FORM = "form", "用水计划指标调整申请表（第十条第（一）项）"
        CHANGE = "change", "生产规模、产量、人数等变化的证明材料（第十条第（二）项）"
        BALANCE_TEST = "balance_test", "已完成水平衡测试的证明材料（第十条第（三）项）"
        OTHER = "other", "按照规定需要提交的其他材料（第十条第（四）项）"
        SUPPLEMENT = "supplement", "突发用水证明材料（第十二条、附件2）"
        APPEAL = "appeal", "异议证明材料（第十五条）"

    unit = models.ForeignKey(
        WaterUnit, on_delete=models.PROTECT, related_name="evidence", verbose_name="用水单位"
    )
    kind = models.CharField("材料类别", max_length=14, choices=Kind.choices)
    file = models.FileField("文件", storage=EvidenceStorage(), upload_to=_random_name, max_length=100)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=30)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("文件摘要", max_length=64)
    adjustment = models.ForeignKey(
        AdjustmentRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name="调整申请",
    )
    supplement = models.ForeignKey(
        SupplementRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name="增补申请",
    )
    appeal = models.ForeignKey(
        Appeal, on_delete=models.PROTECT, null=True, blank=True, related_name="evidence", verbose_name="异议"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="上传人"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "证明材料"
        verbose_name_plural = "证明材料"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.original_name}"
