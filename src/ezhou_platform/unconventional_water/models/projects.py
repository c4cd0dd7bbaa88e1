"""Building projects and the 三同时 of their unconventional-water facility (第六条, 第八条, 第九条, 第十七条).

A project is filed (备案) with its areas, screened against 第八条 at filing (the result and its reason are kept
as filed), then moves through its 三同时 steps: designer recorded, construction started, the acceptance the
department took part in, completion — after which the facility enters 日常监管 and the register. Each step
is a django-fsm transition carrying its article (``procedures.machine.step``); ``engine.take`` is the only way
to move a project. Violations the dated facts show (`ezhou_rules.unconventional_water.projects`) are kept as
``ProjectViolation`` rows, one per kind, never edited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django_fsm import FSMField, FSMModelMixin, transition

from ezhou_platform.common.roles import Role
from ezhou_platform.procedures.machine import DEPARTMENT, DocumentSpec, Opens, StepContext, step
from ezhou_rules.core import periods as period_specs
from ezhou_rules.core.periods import compute_deadline
from ezhou_rules.unconventional_water.projects import FACILITY_TYPES
from ezhou_rules.unconventional_water.screening import ART16_CLASSES, PROJECT_KINDS, WORKS

DOC = "鄂州政办发〔2022〕14号"
ART6 = f"{DOC} 第六条"
ART17 = f"{DOC} 第十七条"
CLERKS = (Role.CLERK, Role.DEPARTMENT_HEAD)
DEVELOPER_OR_CLERK = (Role.ENTERPRISE, Role.CLERK, Role.DEPARTMENT_HEAD)
FACILITY_TYPE_CHOICES = list(FACILITY_TYPES.items())


class ProjectStatus(models.TextChoices):
    FILED = "filed", "已备案，待开工"
    UNDER_CONSTRUCTION = "under_construction", "施工中"
    ACCEPTED = "accepted", "已验收，待竣工"
    COMPLETED_UNACCEPTED = "completed_unaccepted", "已竣工，未经市水行政主管部门参加验收"
    SUPERVISED = "supervised", "已纳入日常监管"


def _acceptance_due(record: Any, ctx: StepContext, cal: Any) -> Any:
    """竣工前 the department takes part in the acceptance: due the day before the planned completion (U2)."""
    planned = ctx.data.get("planned_completion_on")
    if planned is None:
        return None
    return compute_deadline(cal, ctx.on, period_specs.fixed_date(planned - dt.timedelta(days=1), roll=False))


class Project(FSMModelMixin, models.Model):
    """建设项目配套非常规水资源利用设施的“三同时”备案."""

    name = models.CharField("项目名称", max_length=100)
    developer = models.ForeignKey(
        "common.Organisation", on_delete=models.PROTECT, verbose_name="建设单位", related_name="+"
    )
    developer_uscc = models.CharField("建设单位统一社会信用代码", max_length=18, db_index=True)
    jurisdiction = models.ForeignKey(
        "common.Jurisdiction", on_delete=models.PROTECT, verbose_name="所在辖区", related_name="+"
    )
    location = models.CharField("项目地址", max_length=200)
    project_kind = models.CharField("项目类型", max_length=20, choices=list(PROJECT_KINDS.items()))
    works = models.CharField("建设性质", max_length=12, choices=list(WORKS.items()))
    art16_class = models.CharField(
        "第十六条所列类别",
        max_length=30,
        choices=[(k, v or "不属于") for k, v in ART16_CLASSES.items()],
        default="none",
    )
    footprint_m2x100 = models.BigIntegerField("规划建（构）筑物占地面积（0.01平方米）", default=0)
    hardened_m2x100 = models.BigIntegerField("规划路面硬化面积（0.01平方米）", default=0)
    land_m2x100 = models.BigIntegerField("总用地面积（0.01平方米）", default=0)
    existing_m2x100 = models.BigIntegerField(
        "扩建前原有面积合计（0.01平方米）", null=True, blank=True, help_text="仅扩建项目，供参考（解释U1）"
    )
    facility_type = models.CharField("配套设施类型", max_length=12, choices=FACILITY_TYPE_CHOICES)
    # 第八条 screening as made at filing (never recomputed: the record of what was decided then)
    facility_required = models.BooleanField("第八条要求配套建设雨水收集利用设施")
    screening_reason = models.TextField("筛查结论")
    screening_notes = models.JSONField("筛查说明", default=list)
    screening_citations = models.JSONField("筛查依据", default=list)
    filed_on = models.DateField("备案日期")
    planned_start_on = models.DateField("计划开工日期", null=True, blank=True)
    receipt_number = models.CharField("备案回执文号", max_length=60, blank=True)
    designer = models.CharField("设计单位", max_length=100, blank=True)
    designer_qualification = models.CharField("设计单位资质证书编号", max_length=60, blank=True)
    designed_on = models.DateField("确定设计单位日期", null=True, blank=True)
    construction_started_on = models.DateField("开工日期", null=True, blank=True)
    planned_completion_on = models.DateField("计划竣工日期", null=True, blank=True)
    acceptance_due = models.DateField("参加验收期限", null=True, blank=True)
    accepted_on = models.DateField("市水行政主管部门参加验收日期", null=True, blank=True)
    completed_on = models.DateField("竣工日期", null=True, blank=True)
    supervised_from = models.DateField("纳入日常监管日期", null=True, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="备案人"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    status = FSMField("状态", default=ProjectStatus.FILED, choices=ProjectStatus.choices, protected=True)

    class Meta:
        verbose_name = "建设项目（三同时）"
        verbose_name_plural = "建设项目（三同时）"
        ordering = ["-filed_on", "-id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("unconventional_water:project", args=[self.pk])

    # -- steps ------------------------------------------------------------------------------------------------

    @transition(
        field=status,
        source=[ProjectStatus.FILED, ProjectStatus.UNDER_CONSTRUCTION],
        target=None,
        custom=step(
            "记录设计单位",
            cites=ART6,
            roles=DEVELOPER_OR_CLERK,
            audit_fields=("designer", "designer_qualification", "designed_on"),
        ),
    )
    def record_designer(self, ctx: StepContext) -> None:
        """同时设计 (第六条); the qualification of a reclaimed system's designer (第十七条) is recorded."""
        self.designer = ctx.data["designer"]
        self.designer_qualification = ctx.data.get("designer_qualification", "")
        self.designed_on = ctx.data["designed_on"]

    @transition(
        field=status,
        source=ProjectStatus.FILED,
        target=ProjectStatus.UNDER_CONSTRUCTION,
        custom=step(
            "记录开工",
            cites=ART6,
            roles=DEVELOPER_OR_CLERK,
            opens=(Opens("acceptance_due", "参加分部分项工程验收", ART6, _acceptance_due, DEPARTMENT),),
            audit_fields=("construction_started_on", "planned_completion_on"),
        ),
    )
    def start_construction(self, ctx: StepContext) -> None:
        """同时施工; a start on or before the filing day is recorded as a violation by the service (U2)."""
        self.construction_started_on = ctx.data["started_on"]
        self.planned_completion_on = ctx.data.get("planned_completion_on")

    @transition(
        field=status,
        source=ProjectStatus.UNDER_CONSTRUCTION,
        target=ProjectStatus.ACCEPTED,
        custom=step(
            "市水行政主管部门参加验收",
            cites=ART6,
            roles=CLERKS,
            closes=("acceptance_due",),
            audit_fields=("accepted_on",),
        ),
    )
    def accept(self, ctx: StepContext) -> None:
        """竣工前，由市水行政主管部门参加建设单位组织的相关分部分项工程验收工作 (第六条)."""
        self.accepted_on = ctx.data["accepted_on"]

    @transition(
        field=status,
        source=[ProjectStatus.UNDER_CONSTRUCTION, ProjectStatus.ACCEPTED],
        target=None,
        custom=step("记录分部分项工程验收", cites=ART6, roles=DEVELOPER_OR_CLERK),
    )
    def record_acceptance(self, ctx: StepContext) -> None:
        """An acceptance that does not change the state (the department absent — a violation the service
        records —, or a further one): kept as an AcceptanceRecord."""

    @transition(
        field=status,
        source=ProjectStatus.ACCEPTED,
        target=ProjectStatus.SUPERVISED,
        custom=step(
            "竣工并纳入日常监管",
            cites=ART6,
            roles=DEVELOPER_OR_CLERK,
            closes=("acceptance_due",),
            audit_fields=("completed_on", "supervised_from"),
            document=DocumentSpec(
                kind="unconventional_water.supervision_notice",
                template="unconventional_water/documents/supervision_notice.html",
            ),
        ),
    )
    def complete(self, ctx: StepContext) -> None:
        """Completed after the acceptance with the department: the facility enters 日常监管 (第六条)."""
        self.completed_on = ctx.data["completed_on"]
        self.supervised_from = ctx.data["completed_on"]

    @transition(
        field=status,
        # from 已验收 too: an acceptance on the completion day itself is not "竣工前" (U2)
        source=[ProjectStatus.UNDER_CONSTRUCTION, ProjectStatus.ACCEPTED],
        target=ProjectStatus.COMPLETED_UNACCEPTED,
        custom=step(
            "记录未经验收竣工",
            cites=ART6,
            roles=DEVELOPER_OR_CLERK,
            closes=("acceptance_due",),
            audit_fields=("completed_on",),
        ),
    )
    def complete_unaccepted(self, ctx: StepContext) -> None:
        """Completed with no acceptance the department attended: a violation of 第六条 (recorded)."""
        self.completed_on = ctx.data["completed_on"]

    @transition(
        field=status,
        source=ProjectStatus.COMPLETED_UNACCEPTED,
        target=ProjectStatus.SUPERVISED,
        custom=step(
            "纳入日常监管",
            cites=f"{DOC} 第二十一条",
            roles=CLERKS,
            audit_fields=("supervised_from",),
            document=DocumentSpec(
                kind="unconventional_water.supervision_notice",
                template="unconventional_water/documents/supervision_notice.html",
            ),
        ),
    )
    def supervise(self, ctx: StepContext) -> None:
        """A facility completed without the acceptance still comes under supervision (第二十一条); the
        violation stays on record."""
        self.supervised_from = ctx.data["supervised_from"]


class AcceptanceRecord(models.Model):
    """One 分部分项工程验收 the developer organised: whether the department took part (第六条)."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="acceptances", verbose_name="建设项目"
    )
    on = models.DateField("验收日期")
    department_present = models.BooleanField("市水行政主管部门参加")
    parts = models.CharField("验收的分部分项工程", max_length=200)
    note = models.TextField("说明", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="记录人"
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "分部分项工程验收"
        verbose_name_plural = "分部分项工程验收"
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.project} {self.on}"


class ProjectViolation(models.Model):
    """A 三同时 violation the project's dated facts show (第六条, 第十七条); one row per kind, never edited."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="violations", verbose_name="建设项目"
    )
    code = models.CharField("违规类型", max_length=40)
    label = models.CharField("违规情形", max_length=100)
    citation = models.CharField("依据", max_length=80)
    explanation = models.TextField("说明")
    on = models.DateField("发生日期", null=True, blank=True)
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "三同时违规记录"
        verbose_name_plural = "三同时违规记录"
        ordering = ["project", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "code"], name="uw_project_violation_once")]

    def __str__(self) -> str:
        return f"{self.project}：{self.label}"
