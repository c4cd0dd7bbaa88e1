"""鄂州政发〔2022〕15号's figures as the education department records them: recognitions for the 十四五 count
targets, progression counts per school and year, and per-student funding per public school and year.

Nothing is edited: a correction is a new record that supersedes the old one (``supersedes``); the checks use
the current record of each school and year, and the old one stays with who entered it and when.
"""

from __future__ import annotations

from django.db import models

from ezhou_platform.common import clock
from ezhou_platform.common.models import Organisation
from ezhou_rules.supervision.targets import LEVELS
from ezhou_rules.supervision.vocational_education.funding import LINE_KINDS, OWNERSHIPS, SCHOOL_KINDS


class CurrentQuerySet(models.QuerySet):
    def current(self) -> models.QuerySet:
        """Records no later record supersedes."""
        return self.filter(superseded_by__isnull=True)


class Recorded(models.Model):
    recorded_by = models.ForeignKey(
        "common.User", on_delete=models.PROTECT, related_name="+", verbose_name="录入人"
    )
    recorded_at = models.DateTimeField("录入时间", default=clock.now)
    note = models.CharField("备注", max_length=300, blank=True)
    supersedes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
        verbose_name="更正前记录",
    )
    correction_reason = models.CharField("更正原因", max_length=200, blank=True)

    objects = CurrentQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def current(self) -> bool:
        return not hasattr(self, "superseded_by")


class Recognition(Recorded):
    """One recognition (认定) counted toward a 十四五 target: what, at which level, when, by which document."""

    category = models.CharField("目标类别", max_length=40)
    name = models.CharField("认定对象名称", max_length=100)
    level = models.CharField("认定级别", max_length=12, choices=[(k, v[0]) for k, v in LEVELS.items()])
    holder = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="所属学校",
    )
    recognised_on = models.DateField("认定日期")
    document_number = models.CharField("认定文件文号", max_length=80)

    class Meta:
        verbose_name = "十四五目标认定材料"
        verbose_name_plural = "十四五目标认定材料"
        ordering = ["category", "recognised_on", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_level_display()}，{self.document_number}）"


class ProgressionReport(Recorded):
    """A school's 中职 graduates of a year, how many progress, and how many to a vocational bachelor."""

    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="学校")
    year = models.PositiveSmallIntegerField("年度")
    graduates = models.PositiveIntegerField("毕业生数")
    progressed = models.PositiveIntegerField("升学人数")
    to_bachelor = models.PositiveIntegerField("升职业本科人数")

    class Meta:
        verbose_name = "中职升学情况"
        verbose_name_plural = "中职升学情况"
        ordering = ["-year", "school__name", "id"]

    def __str__(self) -> str:
        return f"{self.school} {self.year}年"


class FundingReport(Recorded):
    """A school's funding of a year, line by line, with the students it is divided by."""

    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="学校")
    year = models.PositiveSmallIntegerField("年度")
    school_kind = models.CharField(
        "学校类别", max_length=12, choices=[(k, v[0]) for k, v in SCHOOL_KINDS.items()]
    )
    ownership = models.CharField("办学性质", max_length=10, choices=list(OWNERSHIPS.items()))
    students = models.PositiveIntegerField("在校生数")

    class Meta:
        verbose_name = "生均拨款情况"
        verbose_name_plural = "生均拨款情况"
        ordering = ["-year", "school__name", "id"]

    def __str__(self) -> str:
        return f"{self.school} {self.year}年生均拨款"


class FundingLine(models.Model):
    report = models.ForeignKey(
        FundingReport, on_delete=models.CASCADE, related_name="lines", verbose_name="记录"
    )
    position = models.PositiveSmallIntegerField("顺序")
    kind = models.CharField("经费类别", max_length=16, choices=[(k, v[0]) for k, v in LINE_KINDS.items()])
    label = models.CharField("经费名称", max_length=100, blank=True)
    amount_fen = models.BigIntegerField("金额（分）")

    class Meta:
        verbose_name = "经费明细"
        verbose_name_plural = "经费明细"
        ordering = ["report", "position"]

    def __str__(self) -> str:
        return self.label or self.get_kind_display()
