"""A request to correct one's personal data (更正、补充, 个人信息保护法 第四十六条), reviewed by a person.

Never edited into the business record by this model: the department's clerk checks the request and corrects the
record through its own procedure (a clerk's correction is itself a new record there); this row only says who
asked what, when, and how it was answered. Answering is a new state with the answerer and the reason.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ezhou_platform.common import clock


class CorrectionRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "待处理"
        ACCEPTED = "accepted", "已更正"
        REFUSED = "refused", "不予更正"

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="申请人账户"
    )
    department = models.ForeignKey(
        "common.Department", on_delete=models.PROTECT, related_name="+", verbose_name="处理部门"
    )
    record_type = models.CharField("业务记录类型", max_length=100)
    record_id = models.CharField("业务记录编号", max_length=64)
    record_label = models.CharField("业务记录", max_length=200)
    field_label = models.CharField("更正事项", max_length=100)
    requested_value = models.CharField("更正为", max_length=200)
    reason = models.TextField("理由")
    status = models.CharField("处理状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField("提出时间", default=clock.now)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="处理人",
    )
    answered_at = models.DateTimeField("处理时间", null=True, blank=True)
    answer = models.TextField("处理说明", blank=True)

    class Meta:
        verbose_name = "个人信息更正申请"
        verbose_name_plural = "个人信息更正申请"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["department", "status"])]

    def __str__(self) -> str:
        return f"{self.record_label} · {self.field_label}"
