"""Accounts, departments and jurisdictions."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models

from .roles import PUBLIC_ROLES, STAFF_ROLES, Role


class Jurisdiction(models.Model):
    """鄂州市 and its district-level jurisdictions.

    葛店经开区 and 临空经济区 act as districts in the gazette but have no GB/T 2260 code, so this is a table
    of its own rather than something derived from an ID number's prefix.
    """

    code = models.CharField("代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=50, unique=True)
    division_code = models.CharField("行政区划代码", max_length=6, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, verbose_name="上级")

    class Meta:
        verbose_name = "辖区"
        verbose_name_plural = "辖区"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A government department that owns records (医疗保障局, 水利和湖泊局, …)."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=50, unique=True)

    class Meta:
        verbose_name = "部门"
        verbose_name_plural = "部门"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.CITIZEN)
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name="所属部门",
        related_name="users",
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name="所属辖区",
        related_name="users",
    )
    # 统一社会信用代码 of the enterprise an enterprise account acts for.
    enterprise_uscc = models.CharField("统一社会信用代码", max_length=18, blank=True)
    enterprise_name = models.CharField("企业名称", max_length=100, blank=True)
    display_name = models.CharField("姓名", max_length=50, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        constraints = [
            models.CheckConstraint(
                name="clerk_and_head_have_department",
                condition=~models.Q(role__in=["clerk", "head"]) | models.Q(department__isnull=False),
            ),
            models.CheckConstraint(
                name="enterprise_has_uscc",
                condition=~models.Q(role="enterprise") | ~models.Q(enterprise_uscc=""),
            ),
        ]

    def clean(self) -> None:
        super().clean()
        if self.role in (Role.CLERK, Role.DEPARTMENT_HEAD) and self.department_id is None:
            raise ValidationError({"department": "经办人员和部门负责人必须属于一个部门。"})
        if self.role == Role.ENTERPRISE:
            from ezhou_rules.core.ids import InvalidIdentifier, validate_uscc

            try:
                validate_uscc(self.enterprise_uscc)
            except InvalidIdentifier as exc:
                raise ValidationError({"enterprise_uscc": str(exc)}) from exc

    @property
    def is_platform_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_public_user(self) -> bool:
        return self.role in PUBLIC_ROLES

    def role_label(self) -> str:
        return Role(self.role).label

    def __str__(self) -> str:
        return self.display_name or self.username


class CalendarYear(models.Model):
    """A year's holiday schedule entered by an administrator (国务院办公厅关于节假日安排的通知).

    The chinese-calendar package knows the years up to its release; a year it does not know yet, or a
    correction, is entered here as a complete table: every day off and every make-up working day.
    """

    year = models.PositiveSmallIntegerField("年份", unique=True)
    source = models.CharField(
        "依据", max_length=200, help_text="通知名称，例如：国务院办公厅关于2027年部分节假日安排的通知"
    )
    notice_number = models.CharField(
        "文号", max_length=60, blank=True, help_text="例如：国办发明电〔2026〕X号"
    )
    notice_date = models.DateField("发布日期", null=True, blank=True)
    note = models.TextField("备注", blank=True)
    entered_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "节假日安排（年度）"
        verbose_name_plural = "节假日安排（年度）"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年节假日安排"


class CalendarDay(models.Model):
    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "放假"
        WORKDAY = "workday", "调休上班"

    calendar_year = models.ForeignKey(
        CalendarYear, on_delete=models.CASCADE, related_name="days", verbose_name="年度"
    )
    day = models.DateField("日期", unique=True)
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    name = models.CharField("节日", max_length=30, blank=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "节假日/调休日"
        verbose_name_plural = "节假日/调休日"
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.get_kind_display()}"

    def clean(self) -> None:
        if self.day and self.calendar_year_id and self.day.year != self.calendar_year.year:
            raise ValidationError({"day": f"日期 {self.day:%Y-%m-%d} 不属于 {self.calendar_year.year} 年。"})


class ConfiguredValue(models.Model):
    """A dated value of a parameter the law leaves to configuration, entered with its source.

    Examples: 我市上年度居民人均可支配收入 (鄂州政办发〔2022〕34号 第四条), the surcharge bands of
    鄂州政办发〔2022〕15号 第十四条. Rows are never edited: a correction is a new row for the same date, and
    the newest row for a (parameter, date) wins; the older one stays as history.
    """

    tree = models.CharField("参数表", max_length=60, help_text="例如 medical_assistance")
    name = models.CharField(
        "参数", max_length=120, help_text="参数表中的路径，例如 income.per_capita_disposable"
    )
    valid_from = models.DateField("起始日期")
    value = models.JSONField("取值", help_text='按参数单位填写：金额为分（整数），比例用字符串如 "65%"')
    source = models.CharField(
        "来源", max_length=300, help_text="例如：2023年鄂州市国民经济和社会发展统计公报"
    )
    note = models.TextField("备注", blank=True)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, verbose_name="录入部门"
    )
    entered_by = models.ForeignKey(
        "common.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name="录入人",
        related_name="+",
    )
    entered_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "政策参数取值"
        verbose_name_plural = "政策参数取值"
        ordering = ["tree", "name", "valid_from", "id"]
        indexes = [models.Index(fields=["tree", "name", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.tree}.{self.name} @ {self.valid_from:%Y-%m-%d}"
