"""What the gazette leaves to configuration, entered by an administrator with its date and source.

The document fixes no period length, names the approving department only by type, does not say which bad
credit is "较严重" nor which items are high-risk, and states no item's conditions. Each of these is a dated row
here; a row is never edited — a correction is a new row for the same date, and the newest row for a date
wins (the older one stays as history). Until a row is entered the platform says so and refuses, never
defaults (services.config turns the rows into the rules layer's tables).
"""

from __future__ import annotations

from django.db import models

from ezhou_platform.common import clock
from ezhou_rules.licensing.credit import CreditKind
from ezhou_rules.licensing.departments import Level
from ezhou_rules.licensing.periods import CountingEvent, PeriodKind, PeriodUnit


class Setting(models.Model):
    valid_from = models.DateField("生效日期")
    source = models.CharField("依据", max_length=300, help_text="文件文号、方案版本或决定")
    entered_by = models.ForeignKey(
        "common.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="录入人",
    )
    entered_at = models.DateTimeField("录入时间", default=clock.now)

    class Meta:
        abstract = True


def _choices(enum: type, labels: dict) -> list[tuple[str, str]]:
    return [(m.value, labels[m]) for m in enum]  # type: ignore[attr-defined]


PERIOD_KIND_CHOICES = [(k.value, k.label) for k in PeriodKind]
PERIOD_UNIT_CHOICES = [(PeriodUnit.WORKDAYS.value, "工作日"), (PeriodUnit.DAYS.value, "日（自然日）")]
EVENT_CHOICES = [(e.value, e.label) for e in CountingEvent]
LEVEL_CHOICES = [(Level.CITY.value, "市级"), (Level.DISTRICT.value, "区级")]
CREDIT_KIND_CHOICES = [(k.value, k.label) for k in CreditKind]


class PeriodSetting(Setting):
    """A period of an item (or of one material of it): 第二部分 二（二）1、三（一）、三（三）、三（四）."""

    item_code = models.CharField("事项编号", max_length=12, db_index=True)
    kind = models.CharField("期限类型", max_length=20, choices=PERIOD_KIND_CHOICES)
    material = models.CharField("材料编码", max_length=40, blank=True, help_text="仅对一项材料适用时填写")
    length = models.PositiveSmallIntegerField("期限长度")
    unit = models.CharField("单位", max_length=10, choices=PERIOD_UNIT_CHOICES)
    counts_from = models.CharField("起算事件", max_length=30, choices=EVENT_CHOICES)

    class Meta:
        verbose_name = "期限配置"
        verbose_name_plural = "期限配置"
        ordering = ["item_code", "kind", "valid_from", "id"]

    def __str__(self) -> str:
        return f"{self.item_code} {self.get_kind_display()} {self.length}{self.get_unit_display()}"


class IssuingBodySetting(Setting):
    """Department type (or one item) at a level → the body that decides and the competent department."""

    department_type = models.CharField("审批部门类型", max_length=40)
    level = models.CharField("层级", max_length=10, choices=LEVEL_CHOICES)
    jurisdiction = models.ForeignKey(
        "common.Jurisdiction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="辖区",
    )
    item_code = models.CharField("事项编号", max_length=12, blank=True, help_text="仅对一个事项适用时填写")
    issuing_department = models.ForeignKey(
        "common.Department", on_delete=models.PROTECT, related_name="+", verbose_name="审批部门"
    )
    competent_department = models.ForeignKey(
        "common.Department", on_delete=models.PROTECT, related_name="+", verbose_name="主管部门（原审批部门）"
    )

    class Meta:
        verbose_name = "审批部门配置"
        verbose_name_plural = "审批部门配置"
        ordering = ["department_type", "level", "valid_from", "id"]

    def __str__(self) -> str:
        return f"{self.department_type}（{self.get_level_display()}）→ {self.issuing_department}"


class InconsistencyDecisionSetting(Setting):
    """How an item the annex leaves inconsistent is read from a date (item 8, docs/interpretations.md L2)."""

    item_code = models.CharField("事项编号", max_length=12)
    kind = models.CharField("不一致类型", max_length=40, default="certificate_outside_scope")
    decision = models.CharField(
        "决定",
        max_length=20,
        choices=[
            ("scope_governs", "以事项名称的限定为准，范围外的证件按一般程序办理"),
            ("list_governs", "以许可证件名称栏为准，范围扩至所列证件"),
        ],
    )
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "清单不一致事项决定"
        verbose_name_plural = "清单不一致事项决定"
        ordering = ["item_code", "valid_from", "id"]

    def __str__(self) -> str:
        return f"{self.item_code} {self.get_decision_display()}"


class PartialScopeSetting(Setting):
    """Which specific qualifications a "部分X" of an item covers (items 3 and 4)."""

    item_code = models.CharField("事项编号", max_length=12)
    value = models.CharField("部分范围", max_length=40, help_text="如 施工总承包乙级")
    names = models.JSONField("具体资质名称", default=list)

    class Meta:
        verbose_name = "部分范围配置"
        verbose_name_plural = "部分范围配置"
        ordering = ["item_code", "value", "valid_from", "id"]

    def __str__(self) -> str:
        return f"{self.item_code} 部分{self.value}"


class CreditPolicySetting(Setting):
    """What counts as 较严重的不良信用记录 and which other kinds bar (第二部分 二（一）2)."""

    serious_categories = models.JSONField("较严重的不良信用记录类别", default=list)
    other_barring_kinds = models.JSONField("其他限制情形（记录类型）", default=list, blank=True)

    class Meta:
        verbose_name = "信用限制政策"
        verbose_name_plural = "信用限制政策"
        ordering = ["valid_from", "id"]

    def __str__(self) -> str:
        return f"信用限制政策 {self.valid_from:%Y-%m-%d}"


class ItemRiskSetting(Setting):
    """An item's risk level for the verification queue (三（四）: 针对风险较高领域 … 及时组织核查)."""

    item_code = models.CharField("事项编号", max_length=12)
    level = models.CharField(
        "风险等级", max_length=10, choices=[("high", "高"), ("medium", "中"), ("low", "低")]
    )

    class Meta:
        verbose_name = "事项风险等级"
        verbose_name_plural = "事项风险等级"
        ordering = ["item_code", "valid_from", "id"]

    def __str__(self) -> str:
        return f"{self.item_code} 风险{self.get_level_display()}"


class Scheme(Setting):
    """一事项一方案 (第二部分 四（一）) as published: the data ``scheme_from_dict`` reads, checked against vague
    conditions before it is stored; its template text is the 告知承诺书格式文本 the item's page publishes."""

    item_code = models.CharField("事项编号", max_length=12, db_index=True)
    version = models.CharField("方案版本", max_length=40)
    data = models.JSONField("方案内容")
    template_version = models.CharField("格式文本版本", max_length=40)
    template_sha256 = models.CharField("格式文本摘要（SHA-256）", max_length=64)
    department = models.ForeignKey(
        "common.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="制定部门",
    )
    example = models.BooleanField("示例数据", default=False, help_text="演示用示例方案，非官方发布")

    class Meta:
        verbose_name = "一事项一方案"
        verbose_name_plural = "一事项一方案"
        ordering = ["item_code", "valid_from", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item_code", "version"], name="licensing_scheme_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.item_code} 方案 {self.version}"


class RiskClassification(Setting):
    """An enterprise's credit-risk class (企业信用风险分类结果, 第一部分 三（三）), dated, from its source."""

    organisation = models.ForeignKey(
        "common.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="企业"
    )
    uscc = models.CharField("统一社会信用代码", max_length=18, db_index=True)
    risk_class = models.CharField("信用风险分类", max_length=10)

    class Meta:
        verbose_name = "企业信用风险分类"
        verbose_name_plural = "企业信用风险分类"
        ordering = ["uscc", "valid_from", "id"]
        indexes = [
            models.Index(fields=["uscc", "valid_from"]),
            # A draw reads every class in force on its day in date order ("the latest row wins"): the rows come
            # from this index in that order, covering the two columns read, with no sort of 200,000 rows.
            models.Index(
                fields=["valid_from", "entered_at", "id", "uscc", "risk_class"], name="lic_risk_in_date_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.risk_class}类"


class Inspector(models.Model):
    """An inspector of a department (执法检查人员名录), drawn at random for inspections."""

    department = models.ForeignKey(
        "common.Department", on_delete=models.PROTECT, related_name="+", verbose_name="所属部门"
    )
    code = models.CharField("执法证号", max_length=30, unique=True)
    name = models.CharField("姓名", max_length=30)
    active = models.BooleanField("在岗", default=True)

    class Meta:
        verbose_name = "执法检查人员"
        verbose_name_plural = "执法检查人员"
        ordering = ["department_id", "code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"
