"""The record of every background job run: who started what, with which parameters, and how far it got."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class JobRun(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "运行中"
        SUCCEEDED = "succeeded", "已完成"
        FAILED = "failed", "失败"

    class Via(models.TextChoices):
        WEB = "web", "网页"
        CLI = "cli", "命令行"
        SYSTEM = "system", "系统"

    name = models.CharField("作业", max_length=100, db_index=True)
    label = models.CharField("作业名称", max_length=100)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.QUEUED)
    via = models.CharField("发起方式", max_length=10, choices=Via.choices, default=Via.WEB)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="发起人",
    )
    department = models.ForeignKey(
        "common.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="所属部门",
    )
    params = models.JSONField("参数", default=dict)
    resumable = models.BooleanField("可续跑", default=False)
    input_name = models.CharField("上传文件名", max_length=200, blank=True)
    input_file = models.CharField("上传文件", max_length=200, blank=True)

    total = models.BigIntegerField("总量", null=True, blank=True)
    done = models.BigIntegerField("已完成", default=0)
    # `done` as of the last committed unit of work: what survives a crash (done may run ahead while checking).
    committed = models.BigIntegerField("已提交", default=0)
    message = models.CharField("说明", max_length=500, blank=True)
    counts = models.JSONField("计数", default=dict)
    # What the last committed unit of work left for the next one (a resumable job starts again from here).
    checkpoint = models.JSONField("续跑位置", default=dict)
    errors_count = models.PositiveIntegerField("错误数", default=0)
    errors_file = models.CharField("错误文件", max_length=200, blank=True)
    result_file = models.CharField("结果文件", max_length=200, blank=True)
    result_name = models.CharField("结果文件名", max_length=200, blank=True)

    task_id = models.CharField("任务编号", max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField("运行次数", default=0)
    worker = models.CharField("执行进程", max_length=120, blank=True)
    heartbeat_at = models.DateTimeField("最近进度时间", null=True, blank=True)
    created_at = models.DateTimeField("发起时间")
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "后台作业"
        verbose_name_plural = "后台作业"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state"]), models.Index(fields=["department", "created_at"])]

    def __str__(self) -> str:
        return f"{self.label}（第{self.pk}号）"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.SUCCEEDED, self.State.FAILED)

    @property
    def percent(self) -> int | None:
        if not self.total:
            return 100 if self.state == self.State.SUCCEEDED else None
        return max(0, min(100, int(self.done * 100 // self.total)))


class JobRunError(models.Model):
    """One row-level error of a run (written with the unit of work it belongs to), for the errors file."""

    run = models.ForeignKey(JobRun, on_delete=models.CASCADE, related_name="errors", verbose_name="作业")
    row = models.PositiveIntegerField("行号", null=True, blank=True)
    field = models.CharField("字段", max_length=100, blank=True)
    value = models.CharField("填写内容", max_length=200, blank=True)
    message = models.CharField("错误说明", max_length=500)
    code = models.CharField("错误代码", max_length=60)

    class Meta:
        verbose_name = "作业错误"
        verbose_name_plural = "作业错误"
        ordering = ["run", "row", "id"]

    def __str__(self) -> str:
        return f"第{self.row}行 {self.field}：{self.message}" if self.row else self.message
