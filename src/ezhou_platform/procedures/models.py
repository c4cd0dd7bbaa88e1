"""Periods (期间) of the platform's procedures: how each stored deadline was counted, so it can be counted again.

Every date a procedure stores as a deadline (核实期限, 缴费期限, 审核期限 …) has one ``Period`` row beside the
record that holds it: the event it counts from, the counting rule (``ezhou_rules.core.periods.PeriodSpec``),
the last day, and whether that day is provisional because a year's holidays were not yet entered. When an
administrator enters or corrects a year, ``recompute_periods`` counts every affected period again, moves the
record's date, audits each move and keeps a ``Recomputation`` listing them for the clerks.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from ezhou_platform.common import clock
from ezhou_platform.common.models import Department
from ezhou_rules.core.periods import PeriodSpec


class Period(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name="记录类型")
    object_id = models.PositiveBigIntegerField("记录编号")
    record = GenericForeignKey("content_type", "object_id")
    field = models.CharField("字段", max_length=60, help_text="记录中保存该期限的字段")
    label = models.CharField("期限", max_length=60)
    citation = models.CharField("依据", max_length=120, blank=True)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, verbose_name="办理部门"
    )
    start = models.DateField("起算日")
    spec = models.JSONField("计算方式")
    due = models.DateField("期限届满日")
    provisional = models.BooleanField("暂定", default=False)
    provisional_years = models.JSONField("未录入节假日的年份", default=list, blank=True)
    opened_at = models.DateTimeField("计算时间", default=clock.now)
    closed_on = models.DateField("办结日", null=True, blank=True)

    class Meta:
        verbose_name = "期限"
        verbose_name_plural = "期限"
        ordering = ["due", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "field"], name="one_period_per_field"
            )
        ]
        indexes = [models.Index(fields=["provisional", "due"]), models.Index(fields=["due"])]

    def __str__(self) -> str:
        return f"{self.label} {self.due:%Y-%m-%d}{'（暂定）' if self.provisional else ''}"

    @property
    def period_spec(self) -> PeriodSpec:
        return PeriodSpec.from_data(self.spec)

    @property
    def reason(self) -> str:
        years = "、".join(f"{y}年" for y in self.provisional_years or [])
        return f"{years}节假日安排尚未录入" if years else ""

    def record_label(self) -> str:
        obj: Any = self.record
        return str(obj) if obj is not None else f"{self.content_type.name} #{self.object_id}"

    def record_url(self) -> str:
        obj: Any = self.record
        url = getattr(obj, "get_absolute_url", None)
        return url() if callable(url) else ""


class Recomputation(models.Model):
    """One run of counting periods again after the calendar changed (a year entered or corrected)."""

    created_at = models.DateTimeField("时间", default=clock.now)
    actor = models.ForeignKey(
        "common.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name="操作人",
        related_name="+",
    )
    trigger = models.CharField("原因", max_length=200)
    checked = models.PositiveIntegerField("检查的期限数", default=0)
    moved = models.PositiveIntegerField("日期变化的期限数", default=0)

    class Meta:
        verbose_name = "期限重算"
        verbose_name_plural = "期限重算"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.trigger}（{self.moved}/{self.checked}）"


class RecomputedPeriod(models.Model):
    """A period whose last day moved, or stopped being provisional, in a recomputation."""

    recomputation = models.ForeignKey(Recomputation, on_delete=models.CASCADE, related_name="lines")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+", verbose_name="期限")
    old_due = models.DateField("原期限")
    new_due = models.DateField("新期限")
    was_provisional = models.BooleanField("原为暂定")
    now_provisional = models.BooleanField("仍为暂定")

    class Meta:
        verbose_name = "重算的期限"
        verbose_name_plural = "重算的期限"
        ordering = ["new_due", "id"]

    def __str__(self) -> str:
        return f"{self.period.label} {self.old_due:%Y-%m-%d} → {self.new_due:%Y-%m-%d}"

    @property
    def moved(self) -> bool:
        return self.old_due != self.new_due
