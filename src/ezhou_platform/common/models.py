"""Accounts, departments, and the shared registers: jurisdictions and organisations."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower

from .roles import PUBLIC_ROLES, STAFF_ROLES, Role


def organisation_key(name: str) -> str:
    """The form two names of one unit are compared in: NFKC (full-width brackets and digits as ASCII), no
    spaces, and a leading 鄂州市 read as 市 — documents of 鄂州市人民政府 write 市教育局 for 鄂州市教育局."""
    key = "".join(unicodedata.normalize("NFKC", name or "").split())
    if key.startswith("鄂州市"):
        key = "市" + key[len("鄂州市") :]
    return key


def _valid_on(prefix: str, day: dt.date) -> models.Q:
    """Rows in force on `day`: started on or before it (or since always) and not ended before it."""
    return (
        models.Q(**{f"{prefix}valid_from__isnull": True}) | models.Q(**{f"{prefix}valid_from__lte": day})
    ) & (models.Q(**{f"{prefix}valid_to__isnull": True}) | models.Q(**{f"{prefix}valid_to__gte": day}))


class JurisdictionQuerySet(models.QuerySet["Jurisdiction"]):
    def valid_on(self, day: dt.date) -> JurisdictionQuerySet:
        return self.filter(_valid_on("", day))

    def districts(self, on: dt.date | None = None) -> JurisdictionQuerySet:
        """The district-level jurisdictions (three districts and two zones), in force on `on` if given."""
        qs = self.filter(level=Jurisdiction.Level.DISTRICT)
        return qs.valid_on(on) if on is not None else qs


class Jurisdiction(models.Model):
    """鄂州市 and the jurisdictions below it, dated: districts and zones, townships/streets, villages/communities.

    葛店经开区 and 临空经济区 act as districts in the gazette but have no GB/T 2260 code, so this is a table
    of its own rather than something derived from an ID number's prefix. Rows below the district level are
    data an administrator loads from a file (ezhou_platform.registers.importer); nothing here is invented.
    A rename or merger on a date closes the old row (valid_to = the day before) and opens a new one linked to
    its predecessors (JurisdictionSuccession), so a record dated before the change still names what it was.
    """

    class Level(models.TextChoices):
        CITY = "city", "市"
        DISTRICT = "district", "区（功能区）"
        TOWNSHIP = "township", "乡镇（街道）"
        VILLAGE = "village", "村（社区）"

    code = models.CharField("平台代码", max_length=24, unique=True)
    name = models.CharField("名称", max_length=50)
    level = models.CharField("层级", max_length=10, choices=Level.choices, default=Level.DISTRICT)
    # GB/T 2260 (6 digits) where the jurisdiction has one; 统计用区划代码 (12 digits) is the statistical code
    # (districts: the 6-digit code followed by six zeros).
    division_code = models.CharField("行政区划代码", max_length=6, blank=True)
    stat_code = models.CharField("统计用区划代码", max_length=12, blank=True, db_index=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, verbose_name="上级", related_name="children"
    )
    valid_from = models.DateField("起始日期", null=True, blank=True, help_text="空表示设立日期未载明")
    valid_to = models.DateField("终止日期", null=True, blank=True, help_text="最后一天有效；空表示现行有效")
    source = models.CharField("来源", max_length=300, blank=True)
    predecessors = models.ManyToManyField(
        "self",
        symmetrical=False,
        through="JurisdictionSuccession",
        through_fields=("successor", "predecessor"),
        related_name="successors",
        blank=True,
        verbose_name="前身",
    )

    objects = JurisdictionQuerySet.as_manager()

    class Meta:
        verbose_name = "辖区"
        verbose_name_plural = "辖区"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                name="jurisdiction_dates_in_order",
                condition=models.Q(valid_from__isnull=True)
                | models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
            ),
            models.UniqueConstraint(
                fields=["stat_code", "valid_from"],
                condition=~models.Q(stat_code=""),
                name="jurisdiction_stat_code_once_per_start",
            ),
        ]
        indexes = [models.Index(fields=["level", "name"])]

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class JurisdictionSuccession(models.Model):
    """One link of a jurisdiction's history: `successor` took over (part of) `predecessor` on its valid_from."""

    class Kind(models.TextChoices):
        RENAME = "rename", "更名"
        MERGE = "merge", "合并"
        SPLIT = "split", "拆分"
        TRANSFER = "transfer", "划转"

    predecessor = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="+", verbose_name="前身"
    )
    successor = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="+", verbose_name="承继"
    )
    kind = models.CharField("变更类型", max_length=10, choices=Kind.choices)
    source = models.CharField("变更依据", max_length=300)

    class Meta:
        verbose_name = "辖区变更"
        verbose_name_plural = "辖区变更"
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="jurisdiction_succession_once"),
            models.CheckConstraint(name="jurisdiction_succession_has_source", condition=~models.Q(source="")),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}（{self.get_kind_display()}）"


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def valid_on(self, day: dt.date) -> OrganisationQuerySet:
        return self.filter(_valid_on("", day))


class Organisation(models.Model):
    """A unit the documents name: a department, company, school, bank, operator or other body.

    Documents name one unit differently (市交通局, 市交通运输局); `OrganisationAlias` rows, each with the text
    that shows the two names are the same unit, let `registers.organisations.resolve_organisation` find one
    record for either.
    """

    class Kind(models.TextChoices):
        DEPARTMENT = "department", "政府部门"
        COMPANY = "company", "企业"
        SCHOOL = "school", "学校"
        BANK = "bank", "银行及金融机构"
        OPERATOR = "operator", "运营机构"
        OTHER = "other", "其他单位"

    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    name = models.CharField("名称", max_length=100)
    name_key = models.CharField("比对名称", max_length=100, db_index=True, editable=False)
    uscc = models.CharField("统一社会信用代码", max_length=18, blank=True)
    valid_from = models.DateField("起始日期", null=True, blank=True)
    valid_to = models.DateField("终止日期", null=True, blank=True, help_text="最后一天有效；空表示现行有效")
    source = models.CharField(
        "来源", max_length=300, help_text="名称依据，例如：鄂州政办发〔2022〕28号 第三部分"
    )
    note = models.TextField("备注", blank=True)
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["kind", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["uscc"], condition=~models.Q(uscc=""), name="organisation_uscc_once"
            ),
            models.UniqueConstraint(
                fields=["name_key", "valid_from"],
                condition=models.Q(valid_from__isnull=False),
                name="organisation_name_once_per_start",
            ),
            models.CheckConstraint(
                name="organisation_dates_in_order",
                condition=models.Q(valid_from__isnull=True)
                | models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_key = organisation_key(self.name)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_key"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self.uscc:
            from ezhou_rules.core.ids import InvalidIdentifier, validate_uscc

            try:
                self.uscc = validate_uscc(self.uscc)
            except InvalidIdentifier as exc:
                raise ValidationError({"uscc": str(exc)}) from exc


class OrganisationAlias(models.Model):
    """Another name of an organisation, with the text that shows it is the same unit (never a guess)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="aliases", verbose_name="单位"
    )
    alias = models.CharField("别名", max_length=100)
    alias_key = models.CharField("比对名称", max_length=100, db_index=True, editable=False)
    source = models.CharField(
        "依据",
        max_length=300,
        help_text="例如：鄂州政发〔2022〕19号 第四条作“市住建局”，第十四条作“市住房和城乡建设局”",
    )
    valid_from = models.DateField("起始日期", null=True, blank=True)
    valid_to = models.DateField("终止日期", null=True, blank=True)
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "单位别名"
        verbose_name_plural = "单位别名"
        ordering = ["alias", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "alias_key"], name="organisation_alias_once"),
            models.CheckConstraint(name="organisation_alias_has_source", condition=~models.Q(source="")),
        ]

    def __str__(self) -> str:
        return f"{self.alias} = {self.organisation}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.alias_key = organisation_key(self.alias)
        super().save(*args, **kwargs)


class Department(models.Model):
    """A government department that owns records (医疗保障局, 水利和湖泊局, …)."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=50, unique=True)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name="对应单位",
        related_name="departments",
    )

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
    # C01: staff passwords expire after 90 days (checked at login); a password set by someone else (the
    # first administrator's, a reset by the security administrator) must be changed at the next login.
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True, editable=False)
    must_change_password = models.BooleanField("下次登录须修改密码", default=False)
    # C06: set by the account-idle job (90 days without login), so a re-activation is a knowing act.
    disabled_reason = models.CharField("停用原因", max_length=100, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        constraints = [
            # C01: user names are unique case-folded ("Admin" and "admin" are one account).
            models.UniqueConstraint(Lower("username"), name="username_casefold_unique"),
            # C07: Django's superuser flag (every admin permission) only for the system administrator.
            models.CheckConstraint(
                name="superuser_only_system_admin",
                condition=models.Q(is_superuser=False) | models.Q(role="admin"),
            ),
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


def _initial_status() -> str:
    """A value written by code takes effect at once only in the demo (its loaders and the test suite, which
    production refuses to run); everywhere else it waits for a second person. See parameters.py."""
    from django.conf import settings

    return "approved" if getattr(settings, "DEMO_MODE", False) else "pending"


class ConfiguredValue(models.Model):
    """A dated value of a parameter the law leaves to configuration, entered with its source.

    Examples: 我市上年度居民人均可支配收入 (鄂州政办发〔2022〕34号 第四条), the surcharge bands of
    鄂州政办发〔2022〕15号 第十四条. Rows are never edited: a correction is a new row for the same date, and
    the newest *approved* row for a (parameter, date) wins; the older one stays as history.

    Four eyes (SECURITY.md C08, C29): a value belongs to the department that owns its parameter tree
    (parameters.TREE_DEPARTMENTS); it is entered by a clerk or head of that department and takes effect only
    when another person of the same department approves it. Calculations read approved rows only.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "待复核"
        APPROVED = "approved", "已生效"
        REJECTED = "rejected", "已退回"

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
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=_initial_status, db_index=True
    )
    reviewed_by = models.ForeignKey(
        "common.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name="复核人",
        related_name="+",
    )
    reviewed_at = models.DateTimeField("复核时间", null=True, blank=True)
    review_note = models.CharField("复核意见", max_length=300, blank=True)

    class Meta:
        verbose_name = "政策参数取值"
        verbose_name_plural = "政策参数取值"
        ordering = ["tree", "name", "valid_from", "id"]
        indexes = [models.Index(fields=["tree", "name", "valid_from"])]
        constraints = [
            # The database's backstop of the four-eyes rule: nobody approves their own value.
            models.CheckConstraint(
                name="configured_value_second_person",
                condition=models.Q(reviewed_by__isnull=True)
                | models.Q(entered_by__isnull=True)
                | ~models.Q(reviewed_by=models.F("entered_by")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tree}.{self.name} @ {self.valid_from:%Y-%m-%d}"
