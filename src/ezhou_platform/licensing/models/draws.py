"""双随机、一公开 draws (第一部分 三（三）), verifiable by anyone.

Before the draw the platform stores the population and inspector snapshots, the specification and the
SHA-256 of each, and the SHA-256 of a seed it keeps secret (``Draw`` in state 已登记). The draw step runs the
rules' ``run_draw``, publishes the seed and the result (state 已抽取并公布); anyone can re-run it from the page
or with ``ezhou licensing draw --verify``. The inspection results are then entered and published.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django_fsm import FSMField, FSMModelMixin, transition

from ezhou_platform.common import clock
from ezhou_platform.common.roles import Role
from ezhou_platform.procedures.machine import StepContext, step
from ezhou_rules.licensing import CITE_SUPERVISION

from .. import checks

CLERKS = (Role.CLERK, Role.DEPARTMENT_HEAD)


class Draw(FSMModelMixin, models.Model):
    class Status(models.TextChoices):
        COMMITTED = "committed", "已登记，待抽取"
        PUBLISHED = "published", "已抽取并公布"
        COMPLETED = "completed", "检查结果已公布"

    draw_id = models.CharField("抽查编号", max_length=40, unique=True)
    title = models.CharField("抽查名称", max_length=100)
    department = models.ForeignKey(
        "common.Department", on_delete=models.PROTECT, related_name="+", verbose_name="抽查部门"
    )
    planned_on = models.DateField("登记日期")
    population_on = models.DateField("抽取对象名录日期")
    spec = models.JSONField("抽查方案")
    spec_json = models.TextField("抽查方案（规范JSON）")
    spec_sha256 = models.CharField("抽查方案摘要", max_length=64)
    population_snapshot = models.TextField("抽取对象快照")
    population_sha256 = models.CharField("抽取对象快照摘要", max_length=64)
    population_size = models.PositiveIntegerField("抽取对象数")
    inspectors_snapshot = models.TextField("检查人员快照")
    inspectors_sha256 = models.CharField("检查人员快照摘要", max_length=64)
    inspector_count = models.PositiveIntegerField("检查人员数")
    seed_sha256 = models.CharField("随机种子摘要", max_length=64)
    # Kept secret until the draw is published; never shown before.
    seed_hex = models.CharField("随机种子", max_length=64)
    drawn_on = models.DateField("抽取日期", null=True, blank=True)
    result_sha256 = models.CharField("抽取结果摘要", max_length=64, blank=True)
    result_text = models.TextField("抽取结果（规范文本）", blank=True)
    counts = models.JSONField("各分类抽取数", default=dict, blank=True)
    completed_on = models.DateField("结果公布日期", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", default=clock.now)
    status = FSMField("状态", default=Status.COMMITTED, choices=Status.choices, protected=True)

    class Meta:
        verbose_name = "双随机抽查"
        verbose_name_plural = "双随机抽查"
        ordering = ["-planned_on", "-id"]

    def __str__(self) -> str:
        return f"{self.title}（{self.draw_id}）"

    def get_absolute_url(self) -> str:
        return reverse("licensing:draw", args=[self.pk])

    @property
    def published(self) -> bool:
        return self.status != self.Status.COMMITTED

    @transition(
        field=status,
        source=Status.COMMITTED,
        target=Status.PUBLISHED,
        custom=step(
            "随机抽取并公布",
            cites=CITE_SUPERVISION,
            roles=CLERKS,
            audit_fields=("drawn_on", "result_sha256"),
        ),
    )
    def run(self, ctx: StepContext) -> None:
        self.drawn_on = ctx.on
        self.result_sha256 = str(ctx.data["result_sha256"])
        self.result_text = str(ctx.data["result_text"])
        self.counts = dict(ctx.data["counts"])

    @transition(
        field=status,
        source=Status.PUBLISHED,
        target=Status.COMPLETED,
        custom=step(
            "公布检查结果",
            cites=CITE_SUPERVISION,
            roles=CLERKS,
            checks=(checks.all_inspected,),
            audit_fields=("completed_on",),
        ),
    )
    def complete(self, ctx: StepContext) -> None:
        self.completed_on = ctx.on


class DrawSelection(models.Model):
    """A drawn holder with its inspectors, and the result of the inspection (published)."""

    class Result(models.TextChoices):
        PENDING = "", "待检查"
        CLEAR = "clear", "未发现问题"
        FOUND = "found", "发现问题，已责令整改"
        ABSENT = "absent", "未发现市场主体（经营场所）"
        CLOSED = "closed", "已停业或注销"

    draw = models.ForeignKey(Draw, on_delete=models.PROTECT, related_name="selections", verbose_name="抽查")
    position = models.PositiveIntegerField("序号")
    holder_uscc = models.CharField("统一社会信用代码", max_length=18)
    holder_name = models.CharField("企业名称", max_length=100, blank=True)
    risk_class = models.CharField("信用风险分类", max_length=10)
    special = models.BooleanField("特殊行业（全覆盖）", default=False)
    inspectors = models.JSONField("检查人员", default=list)
    result = models.CharField("检查结果", max_length=10, blank=True, choices=Result.choices)
    result_note = models.CharField("检查情况", max_length=300, blank=True)
    inspected_on = models.DateField("检查日期", null=True, blank=True)

    class Meta:
        verbose_name = "抽查对象"
        verbose_name_plural = "抽查对象"
        ordering = ["draw_id", "position"]
        constraints = [models.UniqueConstraint(fields=["draw", "position"], name="licensing_selection_once")]

    def __str__(self) -> str:
        return f"{self.draw.draw_id} 第{self.position}户 {self.holder_name or self.holder_uscc}"


class SweepRun(models.Model):
    """One run of the daily overdue sweep: the day it looked at and what it found."""

    on = models.DateField("检查日期")
    started_at = models.DateTimeField("开始时间", default=clock.now)
    seconds = models.FloatField("用时（秒）", default=0)
    counts = models.JSONField("结果", default=dict)
    job = models.ForeignKey(
        "jobs.JobRun",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="后台作业",
    )

    class Meta:
        verbose_name = "逾期检查"
        verbose_name_plural = "逾期检查"
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"逾期检查 {self.on:%Y-%m-%d}"
