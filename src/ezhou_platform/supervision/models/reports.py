"""A unit's report on a supervised item (进展或完成情况报送): the procedure the platform runs for every plan.

A unit (or the supervising department on its behalf) files progress or completion with its evidence — the
number and date of the document that shows it and the document itself; the plan's supervising department
confirms it or returns it with a reason. A report is never changed: a returned report stays, and the unit
files a new one (``corrects``). Only a confirmed completion completes the item, as of its evidence date
(interpretation T17).
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django_fsm import FSMField, FSMModelMixin, transition

from ezhou_platform.common import clock
from ezhou_platform.common.models import Organisation
from ezhou_platform.common.roles import Role
from ezhou_platform.procedures.machine import StepContext, step

from .plans import Item, Plan

REVIEWERS = (Role.CLERK, Role.DEPARTMENT_HEAD)
# The article a step cites is the plan's own (Plan.supervision_cite, through Procedure.cites_of); this one
# stands for the steps in the step registry: 15号 四16, the education department's coordinating duty.
DEFAULT_CITE = "鄂州政发〔2022〕15号 四16"


class AttachmentStorage(FileSystemStorage):
    """Evidence files, outside the web root (downloads go through a checked view):
    settings.SUPERVISION_FILES_ROOT if set (tests point it at a tmp dir), else VAR_DIR/uploads/supervision."""

    @property  # type: ignore[override]
    def base_location(self) -> str:
        root = (
            getattr(settings, "SUPERVISION_FILES_ROOT", None)
            or Path(settings.VAR_DIR) / "uploads" / "supervision"
        )
        return str(root)

    @property  # type: ignore[override]
    def location(self) -> str:
        return str(Path(self.base_location).resolve())


ATTACHMENT_TYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


def _random_name(instance: Any, filename: str) -> str:
    """A name the platform chooses; the uploader's file name is kept only as text."""
    return f"{uuid.uuid4().hex}{ATTACHMENT_TYPES.get(instance.content_type, '')}"


def _reason_given(record: Any, ctx: StepContext) -> str | None:
    if not str(ctx.data.get("reason") or "").strip():
        return "退回报送须写明“退回理由”"
    return None


class Report(FSMModelMixin, models.Model):
    class Kind(models.TextChoices):
        PROGRESS = "progress", "进展情况"
        COMPLETION = "completion", "完成情况"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待确认"
        ACCEPTED = "accepted", "已确认"
        RETURNED = "returned", "已退回"

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="reports", verbose_name="督办方案")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="reports", verbose_name="督办事项")
    unit = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="报送单位"
    )
    kind = models.CharField("报送类型", max_length=12, choices=Kind.choices)
    evidence_date = models.DateField("证明文件日期", help_text="完成情况：出台文件或完成之日")
    document_number = models.CharField("证明文件文号", max_length=80, blank=True)
    summary = models.TextField("情况说明", max_length=2000)
    attachment = models.FileField(
        "证明文件", storage=AttachmentStorage(), upload_to=_random_name, max_length=100, blank=True
    )
    original_name = models.CharField("原文件名", max_length=200, blank=True)
    content_type = models.CharField("文件类型", max_length=30, blank=True)
    size = models.PositiveIntegerField("大小（字节）", default=0)
    sha256 = models.CharField("文件摘要", max_length=64, blank=True)
    filed_by = models.ForeignKey(
        "common.User", on_delete=models.PROTECT, related_name="+", verbose_name="报送人"
    )
    filed_on = models.DateField("报送日期")
    filed_at = models.DateTimeField("记录时间", default=clock.now)
    corrects = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
        verbose_name="更正的报送",
    )
    status = FSMField("状态", default=Status.SUBMITTED, choices=Status.choices, protected=True)
    reviewed_by = models.ForeignKey(
        "common.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="确认人",
    )
    reviewed_on = models.DateField("确认日期", null=True, blank=True)
    review_note = models.CharField("确认意见或退回理由", max_length=500, blank=True)

    class Meta:
        verbose_name = "进展完成情况报送"
        verbose_name_plural = "进展完成情况报送"
        ordering = ["-filed_at", "-id"]
        indexes = [models.Index(fields=["item", "status"]), models.Index(fields=["plan", "status"])]

    def __str__(self) -> str:
        return f"{self.unit}：{self.item.label}{self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("supervision:report", args=[self.pk])

    @transition(
        field=status,
        source=Status.SUBMITTED,
        target=Status.ACCEPTED,
        custom=step("确认报送", cites=DEFAULT_CITE, roles=REVIEWERS, audit_fields=("review_note",)),
    )
    def accept(self, ctx: StepContext) -> None:
        """确认: the completion (or progress) counts from its evidence date."""
        self.reviewed_by = ctx.actor
        self.reviewed_on = ctx.on
        self.review_note = str(ctx.data.get("note") or "")[:500]

    @transition(
        field=status,
        source=Status.SUBMITTED,
        target=Status.RETURNED,
        custom=step(
            "退回报送",
            cites=DEFAULT_CITE,
            roles=REVIEWERS,
            checks=(_reason_given,),
            audit_fields=("review_note",),
        ),
    )
    def return_report(self, ctx: StepContext) -> None:
        """退回: the unit files again (a new report); this one stays as filed."""
        self.reviewed_by = ctx.actor
        self.reviewed_on = ctx.on
        self.review_note = str(ctx.data.get("reason") or "").strip()[:500]
