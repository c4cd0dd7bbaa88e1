"""Data from the people who hold it, and what the system derives from it without an application.

- ``ReferenceRow``: one row of an imported table — a bank's loan report (首贷户, monetary-policy tool,
  纾困基金 flags), the 统计局 限上 list, the 交通运输部 规上 list with the provincial rankings, Hubei's trade-in
  dealer list — keyed by its natural key (``ezhou_rules.subsidies.imports.SPECS``), so importing the same file
  again changes nothing. The row keeps its values as imported (typed to JSON) and the run that last changed it.
- ``Deferral``: measure 16's 免申即享 result — a unit's contribution month deferred (or not, with why), no late
  fee, one row per unit and month.
- ``TrackingRecord``: what a responsible unit did for a measure the text gives no computation for.
- ``WhatIf``: a year's awards recomputed under changed parameters, totals by measure and payer.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ezhou_platform.common import clock
from ezhou_platform.common.fields import BlindIndexField, EncryptedCharField, EncryptedKeysJSONField
from ezhou_rules.subsidies.imports import SPECS

# Columns of the imported tables that may hold a natural person's ID (a bank's individual borrowers): sealed
# inside the row's data (C20).
PERSON_ID_COLUMNS = tuple(
    sorted({f.name for s in SPECS.values() for f in s.fields if f.kind in ("resident_id", "subject_id")})
)
# Every key sealed inside a row's data (C20): the person IDs, and the bank report's 收款账号 — a borrower's bank
# account number, often a person's (个体工商户, 个人), personal and financial data as the applications' own
# ``payee_account`` column (encrypted since 0002). Whole through the model (the interest run pays to it).
SECRET_DATA_KEYS = (*PERSON_ID_COLUMNS, "payee_account")


class ReferenceRow(models.Model):
    class Kind(models.TextChoices):
        BANK_LOANS = "bank_loans", "银行贷款报送"
        ABOVE_LIMIT = "above_limit", "统计局限额以上批零住餐单位名录"
        FREIGHT = "freight", "交通运输部规上公路货运企业名单及全省排名"
        DEALERS = "dealers", "湖北省汽车以旧换新授权经销商名单"

    kind = models.CharField("数据类别", max_length=20, choices=Kind.choices)
    key = models.CharField("唯一标识", max_length=200)
    # C20: a bank's borrower may be a person (个体工商户, 个人): the column is encrypted whatever the kind,
    # found by exact value through its blind index.
    subject = EncryptedCharField("主体证件号码", max_length=18, blank=True)
    subject_bidx = BlindIndexField(of="subject")
    name = models.CharField("名称", max_length=200, blank=True)
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True)
    data = EncryptedKeysJSONField("数据", secret_keys=SECRET_DATA_KEYS)  # C20: person IDs and accounts sealed
    run = models.ForeignKey(
        "jobs.JobRun",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="导入作业",
    )
    imported_at = models.DateTimeField("导入时间", default=clock.now)
    used = models.BooleanField("已用于申请", default=False)

    class Meta:
        verbose_name = "报送数据"
        verbose_name_plural = "报送数据"
        ordering = ["kind", "key"]
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="subsidy_reference_row_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key}"


class Deferral(models.Model):
    """第十六条 免申即享: one unit's contribution month as the run found it."""

    unit_id = models.CharField("参保单位统一社会信用代码", max_length=18)
    unit_name = models.CharField("单位名称", max_length=200, blank=True)
    month = models.DateField("费款所属月份")
    unit_kind = models.CharField("单位类型", max_length=30)
    contribution_fen = models.BigIntegerField("单位应缴职工医保费（分）")
    deferred = models.BooleanField("缓缴")
    late_fee_fen = models.BigIntegerField("滞纳金（分）", default=0)
    reasons = models.JSONField("说明", default=list, blank=True)
    run = models.ForeignKey(
        "jobs.JobRun",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="免申即享测算",
    )
    updated_at = models.DateTimeField("更新时间", default=clock.now)

    class Meta:
        verbose_name = "职工医保单位缴费缓缴"
        verbose_name_plural = "职工医保单位缴费缓缴"
        ordering = ["unit_id", "month"]
        constraints = [
            models.UniqueConstraint(fields=["unit_id", "month"], name="subsidy_one_deferral_per_unit_month"),
            models.CheckConstraint(
                name="subsidy_no_late_fee_while_deferred",
                condition=models.Q(deferred=False) | models.Q(late_fee_fen=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month:%Y-%m}"


class TrackingRecord(models.Model):
    measure = models.PositiveSmallIntegerField("措施（条）")
    unit = models.CharField("责任单位", max_length=60)
    item = models.CharField("跟踪事项", max_length=200, blank=True)
    done_on = models.DateField("落实日期")
    action = models.TextField("落实情况")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="记录人"
    )
    recorded_on = models.DateField("登记日期")
    recorded_at = models.DateTimeField("记录时间", default=clock.now)

    class Meta:
        verbose_name = "措施落实情况"
        verbose_name_plural = "措施落实情况"
        ordering = ["-done_on", "-id"]

    def __str__(self) -> str:
        return f"第{self.measure}条 {self.unit} {self.done_on}"


class WhatIf(models.Model):
    run = models.OneToOneField("jobs.JobRun", on_delete=models.PROTECT, related_name="+", verbose_name="作业")
    year = models.PositiveSmallIntegerField("年度")
    overrides = models.JSONField("调整的参数")
    rows = models.JSONField("按措施和兑现单位汇总")
    applications = models.PositiveIntegerField("测算的申请数")
    total_baseline_fen = models.BigIntegerField("现行参数合计（分）")
    total_scenario_fen = models.BigIntegerField("调整后合计（分）")
    clipped = models.PositiveIntegerField("超出新最高额的决定数", default=0)
    created_at = models.DateTimeField("测算时间", default=clock.now)

    class Meta:
        verbose_name = "奖补测算"
        verbose_name_plural = "奖补测算"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.year}年度奖补测算 #{self.pk}"
