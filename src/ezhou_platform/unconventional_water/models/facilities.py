"""The facility register (第三条, 第十条 – 第十五条, 第二十条 – 第二十三条): what each facility is, who runs it,
what it serves and what feeds it, and the on-site inspections of 日常监管.

A facility is a case of the procedure "日常监管" (registered → closed) so its operator sees it on the workspace
with the next water test due (第二十三条, a period on the operator's side). Sources are rows with the decision
of 第十三条 as made when they were added; a source that ends is closed with a date, never deleted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django_fsm import FSMField, FSMModelMixin, transition

from ezhou_platform.common.roles import Role
from ezhou_platform.procedures.machine import StepContext, step
from ezhou_rules.unconventional_water.sources import SOURCE_KINDS, STATUS_LABELS

from .projects import DOC, FACILITY_TYPE_CHOICES

CLERKS = (Role.CLERK, Role.DEPARTMENT_HEAD)


class FacilityStatus(models.TextChoices):
    IN_SERVICE = "in_service", "运行中（日常监管）"
    CLOSED = "closed", "已注销"


class Facility(FSMModelMixin, models.Model):
    """非常规水资源利用设施登记."""

    name = models.CharField("设施名称", max_length=100)
    facility_type = models.CharField("设施类型", max_length=12, choices=FACILITY_TYPE_CHOICES)
    operator = models.ForeignKey(
        "common.Organisation",
        on_delete=models.PROTECT,
        verbose_name="运行管理单位（所有权人或管理人）",
        related_name="+",
    )
    operator_uscc = models.CharField("运行管理单位统一社会信用代码", max_length=18, db_index=True)
    self_built = models.BooleanField(
        "自建设施", default=False, help_text="自建设施由所有权人或管理人负责（第二十一条第二款）"
    )
    water_unit = models.ForeignKey(
        "water_plan.WaterUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name="供水对象（计划用水单位）",
        related_name="+",
        help_text="使用本设施供水的计划用水单位；其利用情况计入计划用水增减系数（15号 附件1 三（四））",
    )
    uses = models.JSONField("供水用途", default=list)
    capacity_m3x100_per_day = models.BigIntegerField("设计规模（0.01立方米/日）")
    location = models.CharField("位置", max_length=200)
    jurisdiction = models.ForeignKey(
        "common.Jurisdiction", on_delete=models.PROTECT, verbose_name="所属辖区", related_name="+"
    )
    project = models.ForeignKey(
        "unconventional_water.Project",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name="建设项目",
        related_name="facilities",
    )
    in_service_from = models.DateField("纳入日常监管日期")
    closed_on = models.DateField("注销日期", null=True, blank=True)
    testing_interval_months = models.PositiveSmallIntegerField(
        "检测周期（月）", null=True, blank=True, help_text="空：按管理员录入的默认周期（第二十三条“定期”）"
    )
    next_test_due = models.DateField("下次水质检测期限", null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="登记人"
    )
    registered_on = models.DateField("登记日期")
    status = FSMField(
        "状态", default=FacilityStatus.IN_SERVICE, choices=FacilityStatus.choices, protected=True
    )

    class Meta:
        verbose_name = "非常规水资源利用设施"
        verbose_name_plural = "非常规水资源利用设施"
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("unconventional_water:facility", args=[self.pk])

    @property
    def code(self) -> str:
        """登记编号, e.g. UW00012."""
        return f"UW{self.pk:05d}"

    @transition(
        field=status,
        source=FacilityStatus.IN_SERVICE,
        target=None,
        custom=step(
            "变更登记",
            cites=f"{DOC} 第二十一条",
            roles=CLERKS,
            audit_fields=(
                "uses",
                "capacity_m3x100_per_day",
                "location",
                "testing_interval_months",
                "water_unit",
            ),
        ),
    )
    def change_registration(self, ctx: StepContext) -> None:
        for name, value in ctx.data.items():
            setattr(self, name, value)

    @transition(
        field=status,
        source=FacilityStatus.IN_SERVICE,
        target=FacilityStatus.CLOSED,
        custom=step("注销登记", cites=f"{DOC} 第二十一条", roles=CLERKS, audit_fields=("closed_on",)),
    )
    def close(self, ctx: StepContext) -> None:
        self.closed_on = ctx.data["closed_on"]


class FacilitySource(models.Model):
    """A source feeding a facility with the 第十三条 decision made when it was added."""

    class Review(models.TextChoices):
        NONE = "", "无需审核"
        PENDING = "pending", "待市水行政主管部门审核"
        ACCEPTED = "accepted", "审核同意"
        REJECTED = "rejected", "审核不同意"

    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="sources", verbose_name="非常规水源设施"
    )
    kind = models.CharField("水源类型", max_length=40, choices=list(SOURCE_KINDS.items()))
    meets_standard = models.BooleanField("达到再生水用途标准（申报）", default=False)
    industry = models.CharField("排水行业", max_length=50, blank=True)
    decision = models.CharField("判定", max_length=10, choices=list(STATUS_LABELS.items()))
    reason = models.CharField("判定理由代码", max_length=40)
    citation = models.CharField("依据", max_length=80)
    explanation = models.TextField("说明")
    review = models.CharField("审核", max_length=10, choices=Review.choices, blank=True, default="")
    review_note = models.CharField("审核意见", max_length=300, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="审核人",
    )
    added_on = models.DateField("登记日期")
    ended_on = models.DateField("停用日期", null=True, blank=True)

    class Meta:
        verbose_name = "设施水源"
        verbose_name_plural = "设施水源"
        ordering = ["facility", "id"]

    def __str__(self) -> str:
        return f"{self.facility}：{self.get_kind_display()}"


class Inspection(models.Model):
    """An on-site inspection by the checklist of 第二十二条 and others (U13); answers as given, never edited."""

    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="inspections", verbose_name="非常规水源设施"
    )
    inspected_on = models.DateField("检查日期")
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="检查人"
    )
    answers = models.JSONField("检查项目及结果")
    passed = models.BooleanField("全部符合")
    findings = models.JSONField("不符合项", default=list)
    suggested_acts = models.JSONField("可能涉及的第二十四条行为", default=list)
    explanation = models.JSONField("检查结论", default=list)
    note = models.TextField("现场情况", blank=True)
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "现场检查"
        verbose_name_plural = "现场检查"
        ordering = ["-inspected_on", "-id"]

    def __str__(self) -> str:
        return f"{self.facility} {self.inspected_on}"
