"""Water quality: the standards library as data, lab reports filed with the department, and their checks
(第十一条, 第十八条, 第二十三条).

- ``StandardTable``: a standard an administrator entered (the shape of the rules' ``standards/*.yaml``, with its
  source); withdrawn, never deleted, so the library as it stood at any moment can be rebuilt and an old check
  explained again. GB/T 18920-2020 ships with the rules and needs no row.
- ``IndicatorEntry``: an indicator a new standard needs that the rules' catalogue lacks.
- ``LabReport``: one report as the lab wrote it (values and units as text, in three parallel lists so a batch of
  100,000 reads as columns).
- ``QualityCheck``: one check of a report against every use of its facility at that time; a re-check (a
  standard entered after a refusal) is a new row, the old one stays.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ezhou_rules.unconventional_water.quality import VERDICT_LABELS
from ezhou_rules.unconventional_water.standards import SAMPLE_POINTS
from ezhou_rules.unconventional_water.units import DIMENSIONS


class StandardTable(models.Model):
    """A water-quality standard entered by an administrator, with the source of its values."""

    code = models.CharField("标准编号", max_length=40, help_text="含年代号，如 GB/T 25499-2010")
    title = models.CharField("标准名称", max_length=100)
    data = models.JSONField("标准限值表")
    source = models.CharField("来源", max_length=300)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="录入人"
    )
    entered_at = models.DateTimeField("录入时间")
    withdrawn_at = models.DateTimeField("停用时间", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="撤回人",
    )
    withdraw_reason = models.CharField("停用原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "水质标准（录入）"
        verbose_name_plural = "水质标准（录入）"
        ordering = ["code", "entered_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(withdrawn_at__isnull=True), name="uw_standard_one_active"
            )
        ]

    def __str__(self) -> str:
        return self.code


class IndicatorEntry(models.Model):
    """An indicator added to the catalogue (code, Chinese name, dimension) for a standard that needs it."""

    code = models.CharField("指标代码", max_length=40, unique=True)
    name = models.CharField("指标名称", max_length=60)
    dimension = models.CharField(
        "计量维度", max_length=30, choices=[(k, d.canonical) for k, d in DIMENSIONS.items()]
    )
    aliases = models.JSONField("别名", default=list, blank=True)
    source = models.CharField("来源", max_length=300)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="录入人"
    )
    entered_at = models.DateTimeField("录入时间")

    class Meta:
        verbose_name = "水质指标（录入）"
        verbose_name_plural = "水质指标（录入）"
        ordering = ["entered_at", "id"]

    def __str__(self) -> str:
        return self.name


class LabReport(models.Model):
    """A lab report filed with the department (第二十三条 报市水行政主管部门备案)."""

    class Via(models.TextChoices):
        WEB = "web", "网页填报"
        API = "api", "接口报送"
        IMPORT = "import", "批量导入"

    facility = models.ForeignKey(
        "unconventional_water.Facility",
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name="非常规水源设施",
    )
    report_no = models.CharField("检测报告编号", max_length=60)
    sampled_on = models.DateField("采样日期")
    lab = models.CharField("检测机构", max_length=100)
    lab_qualification = models.CharField("检测机构资质认定证书编号", max_length=60)
    sample_point = models.CharField("采样点", max_length=100)
    sample_point_kind = models.CharField(
        "采样点类型", max_length=20, choices=[(k, v) for k, v in SAMPLE_POINTS.items() if k]
    )
    # {"indicator": [...], "value": [...], "unit": [...]}: one position per measured indicator, as written
    measurements = models.JSONField("检测指标")
    filed_on = models.DateField("备案日期")
    filed_at = models.DateTimeField("报送时间")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="填报人",
    )
    via = models.CharField("报送方式", max_length=10, choices=Via.choices, default=Via.WEB)
    import_run = models.ForeignKey(
        "jobs.JobRun",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="导入作业",
    )

    class Meta:
        verbose_name = "水质检测报告"
        verbose_name_plural = "水质检测报告"
        ordering = ["-sampled_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["facility", "report_no"], name="uw_report_no_once_per_facility")
        ]
        indexes = [models.Index(fields=["facility", "sampled_on"])]

    def __str__(self) -> str:
        return self.report_no

    def rows(self) -> list[tuple[str, str, str]]:
        m = self.measurements
        return list(zip(m["indicator"], m["value"], m["unit"], strict=True))


class QualityCheck(models.Model):
    """One check of a report against every use its facility served then (第十一条, 第十八条 按最高要求)."""

    VERDICTS = list(VERDICT_LABELS.items())

    report = models.ForeignKey(
        LabReport, on_delete=models.PROTECT, related_name="checks", verbose_name="检测报告"
    )
    checked_at = models.DateTimeField("判定时间")
    facility_type = models.CharField("设施类型", max_length=12)
    uses = models.JSONField("判定时的供水用途")
    verdict = models.CharField("结论", max_length=12, choices=VERDICTS)
    failed = models.PositiveSmallIntegerField("不合格项数", default=0)
    undetermined = models.PositiveSmallIntegerField("无法判定项数", default=0)
    missing = models.PositiveSmallIntegerField("缺检必检项数", default=0)
    # one character per measurement, in the report's order: P pass, F fail, U undetermined, N not governed, R refused
    statuses = models.TextField("逐项结果", blank=True)
    refusal_code = models.CharField("不予判定代码", max_length=40, blank=True)
    refusal_message = models.TextField("不予判定原因", blank=True)
    # the standards in the library at the time (shipped + entered table ids), so the check can be explained again
    library = models.JSONField("所用标准库", default=list)

    class Meta:
        verbose_name = "水质判定"
        verbose_name_plural = "水质判定"
        ordering = ["report", "-checked_at", "-id"]
        indexes = [models.Index(fields=["report", "-id"])]

    def __str__(self) -> str:
        return f"{self.report} {self.get_verdict_display()}"
