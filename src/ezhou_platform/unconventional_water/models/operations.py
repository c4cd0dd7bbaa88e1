"""What operators report about running their facilities: unconventional water supplied (for the water plan,
15号 附件1 三（四）) and planned stops (第二十条).

A usage record is corrected by a new record that supersedes it (the old one stays). A stop notice keeps the
times as given and the check of 第二十条 made when it was recorded: to the minute, Asia/Shanghai.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class UsageRecord(models.Model):
    """非常规水利用量: metered unconventional water a facility supplied to its unit in a period."""

    facility = models.ForeignKey(
        "unconventional_water.Facility",
        on_delete=models.PROTECT,
        related_name="usage",
        verbose_name="非常规水源设施",
    )
    period_start = models.DateField("计量起始日期")
    period_end = models.DateField("计量截止日期")
    volume_m3x100 = models.BigIntegerField("利用水量（0.01立方米）")
    note = models.CharField("说明", max_length=200, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="填报人"
    )
    filed_on = models.DateField("填报日期")
    supersedes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
        verbose_name="更正前记录",
    )

    class Meta:
        verbose_name = "非常规水利用量"
        verbose_name_plural = "非常规水利用量"
        ordering = ["facility", "-period_end", "-id"]

    def __str__(self) -> str:
        return f"{self.facility} {self.period_start}–{self.period_end}"


class StopNotice(models.Model):
    """停止运行（供水）: the stop, the notice to users and the report to the department, checked (第二十条)."""

    class Source(models.TextChoices):
        OPERATOR = "operator", "运行管理单位报告"
        FOUND = "found", "市水行政主管部门发现（未报告）"

    facility = models.ForeignKey(
        "unconventional_water.Facility",
        on_delete=models.PROTECT,
        related_name="stop_notices",
        verbose_name="非常规水源设施",
    )
    source = models.CharField("来源", max_length=10, choices=Source.choices)
    reason = models.CharField("停止原因", max_length=200)
    stop_starts_at = models.DateTimeField("停止运行（供水）时间")
    stop_ends_at = models.DateTimeField("恢复运行（供水）时间", null=True, blank=True)
    users_notified_at = models.DateTimeField("通知用户时间", null=True, blank=True)
    notice_method = models.CharField("通知方式", max_length=100, blank=True)
    # when the department received the report: the moment it was filed here (or a paper report's time)
    reported_at = models.DateTimeField("向市水行政主管部门报告时间", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="记录人"
    )
    recorded_at = models.DateTimeField("记录时间")
    notice_deadline = models.DateTimeField("最迟通知（报告）时间")
    notice_lead_minutes = models.IntegerField("通知提前分钟数", null=True, blank=True)
    notice_on_time = models.BooleanField("按时通知用户")
    report_status = models.CharField(
        "报告情况",
        max_length=10,
        choices=[("on_time", "按时报告"), ("late", "报告迟延"), ("missing", "未报告")],
    )
    violations = models.JSONField("违规情形", default=list)
    explanation = models.JSONField("核查说明", default=list)

    class Meta:
        verbose_name = "停止运行（供水）报告"
        verbose_name_plural = "停止运行（供水）报告"
        ordering = ["-stop_starts_at", "-id"]

    def __str__(self) -> str:
        return f"{self.facility} {self.stop_starts_at:%Y-%m-%d %H:%M}"
