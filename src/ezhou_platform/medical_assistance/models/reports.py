"""Records of the monthly double early warning (第十四条) and of the fund (第二十三条)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from .persons import CLASS_CHOICES, Person


class WarningRun(models.Model):
    """One monthly run of the double early warning (第十四条), pushed to 民政 and 乡村振兴."""

    year = models.PositiveIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    through = models.DateField("统计截至")
    rural_income = models.BigIntegerField("上年度农村居民人均可支配收入（分）")
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    created_by = models.ForeignKey(
        "common.User", null=True, on_delete=models.PROTECT, related_name="+", verbose_name="生成人"
    )

    class Meta:
        verbose_name = "预警批次"
        verbose_name_plural = "预警批次"
        ordering = ["-year", "-month"]
        constraints = [models.UniqueConstraint(fields=["year", "month"], name="ma_one_warning_run_per_month")]

    def __str__(self) -> str:
        return f"{self.year}年{self.month}月预警"


class WarningEntry(models.Model):
    class List(models.TextChoices):
        RETURN = "return", "因病返贫预警"
        INTO = "into", "因病致贫预警"

    class Change(models.TextChoices):
        NEW = "new", "本月新增"
        CONTINUING = "continuing", "上月已在名单"

    run = models.ForeignKey(WarningRun, on_delete=models.CASCADE, related_name="entries", verbose_name="批次")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name="人员")
    list = models.CharField("名单", max_length=10, choices=List.choices)
    self_borne = models.BigIntegerField("当年累计自负医疗费用（分）")
    threshold = models.BigIntegerField("预警线（分）")
    change = models.CharField("变化", max_length=12, choices=Change.choices)

    class Meta:
        verbose_name = "预警名单"
        verbose_name_plural = "预警名单"
        ordering = ["list", "-self_borne"]
        constraints = [
            models.UniqueConstraint(fields=["run", "person"], name="ma_one_warning_per_person_run")
        ]

    def __str__(self) -> str:
        return f"{self.get_list_display()} {self.person}"


class FundBudget(models.Model):
    """The year's medical-assistance fund budget of a district for a class (第二十三条 预算管理)."""

    year = models.PositiveIntegerField("年度")
    jurisdiction = models.ForeignKey(
        "common.Jurisdiction", on_delete=models.PROTECT, related_name="+", verbose_name="区"
    )
    person_class = models.PositiveSmallIntegerField("救助类别", choices=CLASS_CHOICES)
    amount = models.BigIntegerField("预算（分）")
    source = models.CharField("预算依据", max_length=200, help_text="预算批复文号等")

    class Meta:
        verbose_name = "救助基金预算"
        verbose_name_plural = "救助基金预算"
        ordering = ["-year", "jurisdiction_id", "person_class"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "jurisdiction", "person_class"], name="ma_one_budget_per_district_class"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="ma_budget_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.year}年 {self.jurisdiction} {self.get_person_class_display()}"


class FundContribution(models.Model):
    """A budget line of the medical-assistance fund (第二十三条): what a district or zone (or the city) puts in
    for a year, by source. The 320元/人/年 poverty-measure funds are entered as a number of persons and
    computed (persons × the per-person standard on the day the year's rule applies); other sources as an
    amount."""

    class Source(models.TextChoices):
        POVERTY_MEASURE = "poverty_measure", "扶贫措施资金（320元/人/年）并入"
        PREMIUM_SUBSIDY = "premium_subsidy", "资助参保资金并入"
        SAFETY_NET = "safety_net", "原兜底保障资金并入"
        FISCAL = "fiscal", "本级财政投入"
        DONATION = "donation", "慈善和社会捐助"

    year = models.PositiveIntegerField("年度")
    jurisdiction = models.ForeignKey(
        "common.Jurisdiction", on_delete=models.PROTECT, related_name="+", verbose_name="区（功能区）"
    )
    source = models.CharField("资金来源", max_length=20, choices=Source.choices)
    persons = models.PositiveIntegerField(
        "人数", null=True, blank=True, help_text="扶贫措施资金：按人数 × 320元/人/年计算"
    )
    amount = models.BigIntegerField("金额（分）")
    basis = models.CharField("依据", max_length=200, help_text="预算批复文号、人数统计来源等")
    recorded_by = models.ForeignKey(
        "common.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="录入人",
    )
    recorded_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "救助基金筹集"
        verbose_name_plural = "救助基金筹集"
        ordering = ["-year", "jurisdiction_id", "source"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "jurisdiction", "source"], name="ma_one_contribution_per_source"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="ma_contribution_not_negative"),
            models.CheckConstraint(
                condition=~Q(source="poverty_measure") | Q(persons__isnull=False),
                name="ma_poverty_measure_has_persons",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年 {self.jurisdiction} {self.get_source_display()}"
