"""The records of the procedure layer: cases, their events, their periods and the documents issued in them.

- ``Case``: one row per case of any procedure (an adjustment request, an application …) pointing at the
  domain record, with its state, department and applicant, so the workspaces list every system's cases.
- ``CaseEvent``: the case's timeline, one row per step taken (who, when, the article).
- ``Period``: a stored deadline and how it was counted (below).
- ``Document`` / ``DocumentCounter``: numbered documents, gap-free per department, kind and year.

Periods (期间) of the platform's procedures: how each stored deadline was counted, so it can be counted again.

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


class Case(models.Model):
    """A case of a registered procedure (``machine.Procedure``), beside the domain record that holds its data."""

    procedure = models.CharField("办理事项类型", max_length=60, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name="记录类型")
    object_id = models.PositiveBigIntegerField("记录编号")
    record = GenericForeignKey("content_type", "object_id")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, verbose_name="办理部门")
    title = models.CharField("事项", max_length=200)
    state = models.CharField("状态", max_length=40)
    applicant_user = models.ForeignKey(
        "common.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name="申请人账户",
        related_name="cases",
    )
    applicant_uscc = models.CharField("申请单位统一社会信用代码", max_length=18, blank=True, db_index=True)
    opened_on = models.DateField("受理日期")
    opened_by = models.ForeignKey(
        "common.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name="受理人",
        related_name="+",
    )
    closed_on = models.DateField("办结日期", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", default=clock.now)

    class Meta:
        verbose_name = "办理事项"
        verbose_name_plural = "办理事项"
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="one_case_per_record")
        ]
        indexes = [models.Index(fields=["department", "closed_on"])]

    def __str__(self) -> str:
        return self.title


class CaseEvent(models.Model):
    """A step taken in a case (filed, verified, approved …): the timeline people and auditors read."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events", verbose_name="办理事项")
    step = models.CharField("环节", max_length=60)
    label = models.CharField("环节名称", max_length=60)
    source = models.CharField("原状态", max_length=40, blank=True)
    target = models.CharField("新状态", max_length=40)
    citation = models.CharField("依据", max_length=120, blank=True)
    actor = models.ForeignKey(
        "common.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name="办理人",
        related_name="+",
    )
    on = models.DateField("办理日期")
    at = models.DateTimeField("记录时间", default=clock.now)
    note = models.TextField("说明", blank=True)
    document = models.ForeignKey(
        "procedures.Document",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="文书",
    )

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.label} {self.on:%Y-%m-%d}"


class DocumentCounter(models.Model):
    """The last number used per department, kind and year; locked while a number is taken (gap-free)."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, verbose_name="部门")
    kind = models.CharField(max_length=60, verbose_name="文书种类")
    year = models.PositiveSmallIntegerField(verbose_name="年度")
    last = models.PositiveIntegerField(default=0, verbose_name="最后编号")

    class Meta:
        verbose_name = "文书编号"
        verbose_name_plural = "文书编号"
        constraints = [
            models.UniqueConstraint(fields=["department", "kind", "year"], name="one_counter_per_kind_year")
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.kind} {self.year}: {self.last}"


class Document(models.Model):
    """A numbered document as issued: its text, its PDF and a hash of the PDF. Never edited: a correction is a
    new version of the same number (``supersedes``), and the old version stays."""

    case = models.ForeignKey(
        Case,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name="办理事项",
    )
    department = models.ForeignKey(Department, on_delete=models.PROTECT, verbose_name="出具部门")
    kind = models.CharField("文书类型", max_length=60)
    kind_label = models.CharField("文书名称", max_length=60)
    year = models.PositiveSmallIntegerField("年度")
    seq = models.PositiveIntegerField("序号")
    version = models.PositiveSmallIntegerField("版本", default=1)
    number = models.CharField("文号", max_length=80)
    title = models.CharField("标题", max_length=200)
    recipient = models.CharField("送达对象", max_length=200, blank=True)
    citation = models.CharField("依据", max_length=200, blank=True)
    remedy = models.TextField("救济途径", blank=True)
    html = models.TextField("正文（HTML）")
    pdf = models.BinaryField("PDF文件")
    sha256 = models.CharField("PDF摘要（SHA-256）", max_length=64)
    issued_on = models.DateField("出具日期")
    issued_at = models.DateTimeField("记录时间", default=clock.now)
    issued_by = models.ForeignKey(
        "common.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name="出具人",
        related_name="+",
    )
    supersedes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
        verbose_name="更正前版本",
    )
    correction_reason = models.CharField("更正原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "文书"
        verbose_name_plural = "文书"
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "kind", "year", "seq", "version"],
                name="one_document_per_number_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}{f'（第{self.version}版）' if self.version > 1 else ''} {self.title}"

    @property
    def current(self) -> bool:
        # The reverse one-to-one raises (so hasattr is False) when no later version exists.
        return not hasattr(self, "superseded_by")


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
    # The case it belongs to, and who must act before it ends (the department, or the applicant).
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="periods", verbose_name="办理事项"
    )
    party = models.CharField(
        "办理方",
        max_length=20,
        default="department",
        choices=[("department", "部门"), ("applicant", "申请人")],
    )

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

    recomputation = models.ForeignKey(
        Recomputation, on_delete=models.CASCADE, related_name="lines", verbose_name="期限重算"
    )
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
