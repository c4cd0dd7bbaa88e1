"""Supervised plans as loaded from the policy library: the plan, its tasks, their units, the items supervised
(a task, or one yearly item of it), the leading body's members, each unit's assignment and every load.

Everything printed (task, unit, deadline, member) comes from ``ezhou_rules.supervision.tasks.load_tasks``
reading ``gazette/<slug>.md``; these rows are what the platform supervises, so pages and reports point at
them. A load is recorded with what it could not read (``LoadRun``); a task a later load finds changed keeps
its reports (they point at the item, whose code is the task's number in the plan).
"""

from __future__ import annotations

from typing import Any

from django.db import models

from ezhou_platform.common import clock
from ezhou_platform.common.models import Department, Organisation
from ezhou_rules.supervision.deadlines import DELIVERABLE_LABELS, Deliverable


class Plan(models.Model):
    """One supervised plan (实施方案): the document, who supervises it and the rest-day switch (T3)."""

    slug = models.SlugField(
        "方案代码", max_length=60, unique=True, help_text="与政策文件库 gazette/<slug>.md 相同"
    )
    document = models.CharField("文号", max_length=60)
    title = models.CharField("标题", max_length=200)
    issued = models.DateField("印发日期")
    issuer = models.CharField("印发机关", max_length=60, blank=True)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, verbose_name="督办部门", related_name="supervised_plans"
    )
    supervision_cite = models.CharField("督办依据", max_length=120)
    leadership_name = models.CharField("领导机构", max_length=100)
    leadership_cite = models.CharField("领导机构依据", max_length=120)
    members_printed = models.BooleanField("方案列明成员", default=False)
    leadership_notes = models.JSONField("成员名单附注", default=list, blank=True)
    roll_rest_days = models.BooleanField(
        "月底截止日遇休息日顺延",
        default=False,
        help_text="解释 T3：关闭时以方案所写日期为准；打开时截止日为休息日的顺延至下一个工作日",
    )
    spec = models.JSONField("方案配置", default=dict, help_text="载入时使用的 plan.yaml 内容")
    loaded_at = models.DateTimeField("最近载入时间", null=True, blank=True)

    class Meta:
        verbose_name = "督办方案"
        verbose_name_plural = "督办方案"
        ordering = ["issued", "id"]

    def __str__(self) -> str:
        return f"{self.document} {self.title}"


class LoadRun(models.Model):
    """One load of a plan's tasks from the policy library, with its report (never changed afterwards)."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="loads", verbose_name="督办方案")
    at = models.DateTimeField("载入时间", default=clock.now)
    actor = models.ForeignKey(
        "common.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="操作人",
    )
    counts = models.JSONField("统计", default=dict)
    problems = models.JSONField("无法读取或按解释读取的内容", default=list)
    register = models.JSONField("单位名录载入情况", default=list)
    consistency = models.JSONField("正文与附件比对", default=dict)
    membership = models.JSONField("成员单位比对", default=dict)

    class Meta:
        verbose_name = "任务载入记录"
        verbose_name_plural = "任务载入记录"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.plan.document} {self.at:%Y-%m-%d %H:%M}"

    @property
    def errors(self) -> list[dict[str, Any]]:
        return [p for p in self.problems if p.get("severity") == "error"]

    @property
    def notes(self) -> list[dict[str, Any]]:
        return [p for p in self.problems if p.get("severity") != "error"]


class Task(models.Model):
    """A task as printed (附件2's rows of 15号, the numbered items of 28号 三)."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="tasks", verbose_name="督办方案")
    number = models.PositiveSmallIntegerField("序号")
    group = models.CharField("所属部分", max_length=100, blank=True)
    text = models.TextField("工作任务")
    anchor = models.CharField("锚点", max_length=60)
    citation = models.CharField("出处", max_length=120)
    deadline_printed = models.CharField("时间安排（原文）", max_length=100, blank=True)
    deadline_kind = models.CharField("时限类别", max_length=20)
    due = models.DateField("完成时限", null=True, blank=True, help_text="按原文读出的日期（顺延前）")
    deliverable = models.CharField("完成形式", max_length=12)
    deliverable_printed = models.CharField("完成形式（原文）", max_length=60, blank=True)
    period_end = models.DateField("持续实施至", null=True, blank=True)
    basis = models.TextField("时限读法", blank=True)
    lead_basis = models.CharField("牵头单位依据", max_length=20)
    main_text_anchor = models.CharField("正文锚点", max_length=60, blank=True)
    main_text_citation = models.CharField("正文出处", max_length=120, blank=True)
    main_text_lead = models.JSONField("正文牵头单位", default=list)
    main_text_responsible = models.JSONField("正文责任单位", default=list)

    class Meta:
        verbose_name = "督办任务"
        verbose_name_plural = "督办任务"
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="supervision_task_once")]

    def __str__(self) -> str:
        return f"{self.plan.document} 第{self.number}项"

    @property
    def code(self) -> str:
        return f"{self.plan.slug}/{self.number}"

    @property
    def deliverable_label(self) -> str:
        return DELIVERABLE_LABELS.get(Deliverable(self.deliverable), self.deliverable)


class TaskUnit(models.Model):
    """A unit the task names, as printed and as the organisation register resolves it."""

    class Role(models.TextChoices):
        LEAD = "lead", "牵头单位"
        RESPONSIBLE = "responsible", "责任单位"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="units", verbose_name="任务")
    position = models.PositiveSmallIntegerField("顺序")
    printed = models.CharField("原文名称", max_length=100)
    expanded = models.CharField("补全名称", max_length=100, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="单位"
    )
    role = models.CharField("角色", max_length=12, choices=Role.choices, blank=True)

    class Meta:
        verbose_name = "任务单位"
        verbose_name_plural = "任务单位"
        ordering = ["task", "position"]
        constraints = [
            models.UniqueConstraint(fields=["task", "position"], name="supervision_task_unit_once")
        ]

    def __str__(self) -> str:
        return self.printed


class Item(models.Model):
    """What is supervised: a task itself, or one yearly item of it (code "<slug>/<number>@<year>")."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="items", verbose_name="督办方案")
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="items", verbose_name="任务")
    code = models.CharField("事项编号", max_length=80, unique=True)
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True)
    label = models.CharField("事项", max_length=200)
    kind = models.CharField("时限类别", max_length=20)
    due = models.DateField("完成时限", null=True, blank=True, help_text="按原文读出的日期（顺延前）")
    deliverable = models.CharField("完成形式", max_length=12)
    printed = models.CharField("时间安排（原文）", max_length=100, blank=True)
    basis = models.TextField("时限读法", blank=True)
    period_end = models.DateField("持续实施至", null=True, blank=True)

    class Meta:
        verbose_name = "督办事项"
        verbose_name_plural = "督办事项"
        ordering = ["plan", "task__number", "year", "id"]

    def __str__(self) -> str:
        return f"{self.plan.document} {self.label}"

    @property
    def continuous(self) -> bool:
        return self.due is None


class Member(models.Model):
    """A seat of the leading body as printed (附件1 of 15号): name, position and the unit it stands for."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="members", verbose_name="督办方案")
    position = models.PositiveSmallIntegerField("顺序")
    name = models.CharField("姓名", max_length=40)
    title = models.CharField("职务", max_length=100)
    role = models.CharField("身份", max_length=10)
    printed_unit = models.CharField("职务中的单位", max_length=100, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="单位"
    )

    class Meta:
        verbose_name = "领导机构成员"
        verbose_name_plural = "领导机构成员"
        ordering = ["plan", "position"]

    def __str__(self) -> str:
        return f"{self.name} {self.title}"


class Assignment(models.Model):
    """An item given to a unit. A lead unit's assignment with a deadline carries the period (完成时限) that
    puts the item, and the reminders before it, on the workspace of the unit's department."""

    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="assignments", verbose_name="督办事项"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="supervision_assignments", verbose_name="单位"
    )
    role = models.CharField("角色", max_length=12, choices=TaskUnit.Role.choices)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="平台部门"
    )
    due = models.DateField("完成时限", null=True, blank=True, help_text="计入顺延开关后的日期")

    class Meta:
        verbose_name = "任务交办"
        verbose_name_plural = "任务交办"
        ordering = ["item", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "organisation"], name="supervision_assignment_once")
        ]

    def __str__(self) -> str:
        return f"{self.item.label}（{self.organisation}）"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("supervision:item", args=[self.item_id])
