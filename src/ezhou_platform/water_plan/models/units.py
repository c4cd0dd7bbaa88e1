"""Water users and what the supplier reports about them (第二条, 第五条): units, accounts, quotas, readings."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from ezhou_rules.core.ids import InvalidIdentifier, validate_uscc
from ezhou_rules.water_plan.volumes import format_volume


def _validate_uscc(value: str) -> None:
    try:
        validate_uscc(value)
    except InvalidIdentifier as exc:
        raise ValidationError(str(exc)) from exc


class Method(models.TextChoices):
    QUOTA = "quota", "定额法"
    STATISTIC = "statistic", "统计法"


class WaterUnit(models.Model):
    """用水单位 (第二条)."""

    name = models.CharField("单位名称", max_length=100)
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True, validators=[_validate_uscc])
    department = models.ForeignKey(
        "common.Department", on_delete=models.PROTECT, verbose_name="主管部门", related_name="+"
    )
    jurisdiction = models.ForeignKey(
        "common.Jurisdiction", on_delete=models.PROTECT, verbose_name="所属辖区", related_name="+"
    )
    industry = models.CharField("行业", max_length=50, blank=True)
    method = models.CharField("管理办法", max_length=10, choices=Method.choices, default=Method.STATISTIC)
    quota_indicator = models.CharField("考核指标", max_length=60, blank=True, help_text="定额法：指标或产品")
    quota_unit = models.CharField("定额单位", max_length=30, blank=True, help_text="如 m³/(人·a)")
    quota_quantity = models.DecimalField(
        "考核指标数量", max_digits=14, decimal_places=2, null=True, blank=True
    )
    normal_use_started = models.DateField("正常用水开始日期", null=True, blank=True)
    contact_name = models.CharField("联系人", max_length=30, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    active = models.BooleanField("纳入计划用水管理", default=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "用水单位"
        verbose_name_plural = "用水单位"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.method == Method.QUOTA and not (
            self.quota_indicator and self.quota_unit and self.quota_quantity
        ):
            raise ValidationError("定额法须填写考核指标、定额单位和数量（附件1 一）。")


class SupplierAccount(models.Model):
    """供水企业的用水户号; readings arrive per account (第五条)."""

    unit = models.ForeignKey(
        WaterUnit, on_delete=models.CASCADE, related_name="accounts", verbose_name="用水单位"
    )
    number = models.CharField("户号", max_length=30, unique=True)
    construction_meter = models.BooleanField("基建计量水表", default=False)

    class Meta:
        verbose_name = "供水户号"
        verbose_name_plural = "供水户号"

    def __str__(self) -> str:
        return self.number


class QuotaEntry(models.Model):
    """用水定额: data an administrator loads; the quota method refuses without an applicable row."""

    indicator = models.CharField("指标或产品", max_length=60)
    unit = models.CharField("单位", max_length=30)
    value = models.DecimalField("定额值（立方米）", max_digits=12, decimal_places=4)
    valid_from = models.DateField("起始日期")
    source = models.CharField("来源", max_length=200)

    class Meta:
        verbose_name = "用水定额"
        verbose_name_plural = "用水定额"
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "valid_from"], name="water_quota_unique_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.value}{self.unit}"


class ImportBatch(models.Model):
    """One supplier file: its hash makes a re-import change nothing."""

    sha256 = models.CharField("文件摘要", max_length=64, unique=True)
    filename = models.CharField("文件名", max_length=200)
    accepted = models.PositiveIntegerField("接收行数", default=0)
    rejected = models.PositiveIntegerField("拒收行数", default=0)
    rejects = models.JSONField("拒收明细", default=list)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name="导入人"
    )
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)

    class Meta:
        verbose_name = "抄表数据导入"
        verbose_name_plural = "抄表数据导入"

    def __str__(self) -> str:
        return f"{self.filename}（接收{self.accepted}行，拒收{self.rejected}行）"


class MeterReading(models.Model):
    class Kind(models.TextChoices):
        MONTHLY = "monthly", "月用水量"
        DAILY = "daily", "日用水量"

    account = models.ForeignKey(
        SupplierAccount, on_delete=models.CASCADE, related_name="readings", verbose_name="供水户号"
    )
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    period = models.DateField("期间", help_text="月用水量为当月1日")
    volume_m3x100 = models.BigIntegerField("水量（0.01立方米）")
    cumulative_m3x100 = models.BigIntegerField("表底数（0.01立方米）", null=True, blank=True)
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, null=True, related_name="readings", verbose_name="导入批次"
    )

    class Meta:
        verbose_name = "抄表记录"
        verbose_name_plural = "抄表记录"
        constraints = [
            models.UniqueConstraint(fields=["account", "kind", "period"], name="water_reading_unique"),
            models.CheckConstraint(
                name="water_reading_nonnegative", condition=models.Q(volume_m3x100__gte=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.period} {format_volume(self.volume_m3x100)}"
