"""Records of 医疗救助 (鄂州政办发〔2022〕34号): persons, identities, applications, claims, settlements.

Settlements are never edited: a reversal is a new row pointing at the one it cancels. The annual accumulator
(YearAccount) is the running position of a person's year; it is the row a settlement locks, so two claims
of one person arriving at once are settled one after the other.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from ezhou_rules.core import ids
from ezhou_rules.medical_assistance.recipients import CLASS_OF_KIND, IdentityKind


def validate_resident_id(value: str) -> None:
    try:
        ids.validate_resident_id(value)
    except ids.InvalidIdentifier as exc:
        raise ValidationError(f"公民身份号码无效：{exc}") from None


CLASS_CHOICES = [(1, "一类"), (2, "二类"), (3, "三类"), (4, "四类")]


class Person(models.Model):
    """A person insured under residents' or employees' basic medical insurance."""

    resident_id = models.CharField(
        "公民身份号码", max_length=18, unique=True, validators=[validate_resident_id]
    )
    name = models.CharField("姓名", max_length=50)
    jurisdiction = models.ForeignKey(
        "common.Jurisdiction", on_delete=models.PROTECT, verbose_name="所属区", related_name="+"
    )
    created_at = models.DateTimeField("建档时间", auto_now_add=True)

    class Meta:
        verbose_name = "参保人员"
        verbose_name_plural = "参保人员"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{ids.mask_name(self.name)}（{self.masked_id}）"

    @property
    def masked_id(self) -> str:
        return ids.mask_resident_id(self.resident_id)

    @property
    def masked_name(self) -> str:
        return ids.mask_name(self.name)

    def clean(self) -> None:
        if self.resident_id:
            try:
                self.resident_id = ids.validate_resident_id(self.resident_id)
            except ids.InvalidIdentifier as exc:
                raise ValidationError({"resident_id": f"公民身份号码无效：{exc}"}) from None


class Identity(models.Model):
    """An identity recognised by 民政 or 乡村振兴 (第四条第八款), with its validity and evidence."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="identities", verbose_name="人员"
    )
    kind = models.CharField(
        "身份",
        max_length=30,
        choices=[(k.value, k.label) for k in IdentityKind],  # type: ignore[attr-defined]
    )
    source_department = models.ForeignKey(
        "common.Department", on_delete=models.PROTECT, verbose_name="认定部门", related_name="+"
    )
    valid_from = models.DateField("有效期起")
    valid_until = models.DateField(
        "有效期止", null=True, blank=True, help_text="空白表示动态管理中、未设止期"
    )
    evidence = models.CharField("认定依据", max_length=200, help_text="认定文书编号或证明材料")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "救助身份"
        verbose_name_plural = "救助身份"
        ordering = ["person_id", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="ma_identity_valid_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.valid_from}起）"

    @property
    def recipient_class(self) -> int | None:
        return CLASS_OF_KIND.get(IdentityKind.of(self.kind))

    def clean(self) -> None:
        if self.valid_until and self.valid_from and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": "有效期止不能早于有效期起。"})


class Application(models.Model):
    """An application reviewed by 医疗保障局: aid for classes 3/4 (第十五条第一款), tilted aid (第十二条),
    retroactive aid (第十五条第二款)."""

    class Kind(models.TextChoices):
        CLASS_AID = "class_aid", "三类、四类依申请救助"
        TILTED = "tilted", "倾斜救助"
        RETROACTIVE = "retroactive", "身份确定前12个月医疗费用救助"

    class State(models.TextChoices):
        SUBMITTED = "submitted", "已提交"
        APPROVED = "approved", "已批准"
        REJECTED = "rejected", "未批准"
        WITHDRAWN = "withdrawn", "已撤回"

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="applications", verbose_name="申请人"
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    year = models.PositiveIntegerField("救助年度", help_text="倾斜救助、依申请救助适用的年度")
    submitted_on = models.DateField("申请日期")
    review_deadline = models.DateField("审核期限", null=True, blank=True)
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.SUBMITTED)
    decided_on = models.DateField("决定日期", null=True, blank=True)
    decided_by = models.ForeignKey(
        "common.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="审核人",
    )
    reason = models.TextField("审核意见", blank=True)
    note = models.TextField("申请说明", blank=True)
    recognised_on = models.DateField(
        "身份确定日期",
        null=True,
        blank=True,
        help_text="身份确定前12个月医疗费用救助：民政、乡村振兴部门确定身份之日",
    )

    class Meta:
        verbose_name = "救助申请"
        verbose_name_plural = "救助申请"
        ordering = ["-submitted_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}年（{self.get_state_display()}）"


class Claim(models.Model):
    """A claim received from a designated hospital (一站式结算), amounts in fen."""

    class Kind(models.TextChoices):
        INPATIENT = "inpatient", "住院"
        CHRONIC_OUTPATIENT = "chronic_outpatient", "门诊慢特病"

    claim_id = models.CharField("结算单号", max_length=64, unique=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="claims", verbose_name="人员")
    settle_date = models.DateField("结算日期")
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    hospital_name = models.CharField("医疗机构", max_length=100)
    hospital_level = models.PositiveSmallIntegerField(
        "医疗机构级别", choices=[(1, "一级"), (2, "二级"), (3, "三级")]
    )
    in_city = models.BooleanField("市域内")
    in_province = models.BooleanField("省域内")
    temporary_out_of_city = models.BooleanField("临时外出就医（未经转诊）", default=False)
    total_cost = models.BigIntegerField("医疗总费用（分）")
    out_of_policy_cost = models.BigIntegerField("政策范围外费用（分）")
    policy_self_pay = models.BigIntegerField("政策范围内个人自付（分）")
    referred_from_primary_care = models.BooleanField(
        "经基层首诊转诊", default=False, help_text="第二十条“先诊疗后付费”的条件之一"
    )
    pending_reason = models.CharField(
        "未结算原因", max_length=200, blank=True, help_text="接收时不符合救助条件的原因；依申请救助批准后结算"
    )
    received_at = models.DateTimeField("接收时间", auto_now_add=True)

    class Meta:
        verbose_name = "结算单"
        verbose_name_plural = "结算单"
        ordering = ["-settle_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_cost__gte=0)
                & Q(out_of_policy_cost__gte=0)
                & Q(policy_self_pay__gte=0)
                & Q(out_of_policy_cost__lte=models.F("total_cost")),
                name="ma_claim_amounts",
            )
        ]

    def __str__(self) -> str:
        return self.claim_id


class Settlement(models.Model):
    """An entry of a claim's aid, never edited: the settlement (one per claim), a reversal (a new row with the
    claim's amounts negated) or an adjustment (a new row with the difference) written when the person's year
    is settled again after a reversal, a tilted-aid approval or a claim dated before others (interpretation
    M12). The sum of a claim's entries is what the claim is owed."""

    class Kind(models.TextChoices):
        SETTLE = "settle", "结算"
        REVERSE = "reverse", "冲销"
        ADJUST = "adjust", "重新结算调整"

    claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, related_name="settlements", verbose_name="结算单"
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="settlements", verbose_name="人员"
    )
    jurisdiction = models.ForeignKey(
        "common.Jurisdiction", on_delete=models.PROTECT, related_name="+", verbose_name="所属区"
    )
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.SETTLE)
    reverses = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversal",
        verbose_name="冲销的结算",
    )
    year = models.PositiveIntegerField("年度")
    person_class = models.PositiveSmallIntegerField("救助类别", choices=CLASS_CHOICES)
    tilted_approved = models.BooleanField("倾斜救助对象", default=False)
    # amounts in fen; a reversal carries the negated amounts and deltas
    basic_aid = models.BigIntegerField("基本救助（分）")
    tilted_aid = models.BigIntegerField("倾斜救助（分）")
    hospital_borne = models.BigIntegerField("医疗机构承担（分）")
    remaining_deductible = models.BigIntegerField("剩余起付标准（分）")
    remaining_cap = models.BigIntegerField("剩余年度限额（分）")
    self_pay_delta = models.BigIntegerField("计入起付的自付（分）")
    tilted_base_delta = models.BigIntegerField("计入倾斜救助基数（分）")
    tilted_counted_delta = models.BigIntegerField("已结算倾斜救助基数（分）")
    trace = models.JSONField("计算过程", default=list)
    reason = models.CharField("原因", max_length=300, blank=True, help_text="冲销、重新结算调整的原因")
    entry_date = models.DateField("记账日期", null=True, blank=True, help_text="结算、冲销或调整发生之日")
    created_at = models.DateTimeField("结算时间", auto_now_add=True)
    created_by = models.ForeignKey(
        "common.User", null=True, on_delete=models.PROTECT, related_name="+", verbose_name="经办人"
    )

    class Meta:
        verbose_name = "救助结算"
        verbose_name_plural = "救助结算"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim"], condition=Q(kind="settle"), name="ma_one_settlement_per_claim"
            ),
            models.CheckConstraint(
                condition=(Q(kind__in=["settle", "adjust"]) & Q(reverses__isnull=True))
                | (Q(kind="reverse") & Q(reverses__isnull=False)),
                name="ma_reversal_points_back",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.claim.claim_id}"

    @property
    def total_aid(self) -> int:
        return self.basic_aid + self.tilted_aid


class Recovery(models.Model):
    """An amount paid that a re-settlement took back (多付应追回): an adjustment that lowers a claim's aid after
    it was paid, e.g. when an earlier claim's reversal gives the deductible back to later claims. Recorded as
    recovered with the day and the receipt (interpretation M12)."""

    class State(models.TextChoices):
        OPEN = "open", "待追回"
        RECOVERED = "recovered", "已追回"

    adjustment = models.OneToOneField(
        Settlement, on_delete=models.PROTECT, related_name="recovery", verbose_name="调整记录"
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="recoveries", verbose_name="人员"
    )
    year = models.PositiveIntegerField("年度")
    amount = models.BigIntegerField("应追回金额（分）")
    reason = models.CharField("原因", max_length=300)
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.OPEN)
    recovered_on = models.DateField("追回日期", null=True, blank=True)
    evidence = models.CharField("追回凭证", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        "common.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="登记人",
    )
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = "多付应追回"
        verbose_name_plural = "多付应追回"
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="ma_recovery_positive"),
            models.CheckConstraint(
                condition=(Q(state="open") & Q(recovered_on__isnull=True))
                | (Q(state="recovered") & Q(recovered_on__isnull=False)),
                name="ma_recovery_dated_when_recovered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.year}年 应追回（{self.get_state_display()}）"


class YearAccount(models.Model):
    """A person's running position in a year: the sums of their settlements (reversals included)."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="year_accounts", verbose_name="人员"
    )
    year = models.PositiveIntegerField("年度")
    self_pay = models.BigIntegerField("累计计入起付的自付（分）", default=0)
    basic_paid = models.BigIntegerField("累计基本救助（分）", default=0)
    tilted_base = models.BigIntegerField("倾斜救助基数（分）", default=0)
    tilted_counted = models.BigIntegerField("已结算倾斜救助基数（分）", default=0)
    tilted_paid = models.BigIntegerField("累计倾斜救助（分）", default=0)
    hospital_borne = models.BigIntegerField("累计医疗机构承担（分）", default=0)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "年度累计"
        verbose_name_plural = "年度累计"
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="ma_one_account_per_person_year")
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.year}年"


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


class Class4Recognition(models.Model):
    """An application for recognition as 因病致贫重病患者 (第四条第六款、第七款), decided by 民政局
    (第四条第八款, 第二十二条第三款). Approval records the class-4 identity, valid 12 months from recognition."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", "已受理"
        APPROVED = "approved", "已认定"
        REJECTED = "rejected", "不予认定"

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="class_4_recognitions", verbose_name="申请人"
    )
    submitted_on = models.DateField("申请日期")
    self_pay_12m = models.BigIntegerField("申请前12个月累计自负医疗费用（分）")
    self_pay_evidence = models.CharField("自负费用依据", max_length=200, help_text="结算单据等材料")
    income_year = models.PositiveIntegerField("收入统计年度")
    threshold = models.BigIntegerField("认定门槛（分）", help_text="上年度居民人均可支配收入 × 100%")
    self_pay_test_passed = models.BooleanField("自负费用超过门槛")
    review_deadline = models.DateField("审核期限", null=True, blank=True)
    property_check_passed = models.BooleanField("家庭财产符合规定", null=True, blank=True)
    property_check_reason = models.TextField("家庭财产审核意见", blank=True)
    property_checked_by = models.ForeignKey(
        "common.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="财产审核人",
    )
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.SUBMITTED)
    decided_on = models.DateField("认定日期", null=True, blank=True)
    decided_by = models.ForeignKey(
        "common.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="认定人",
    )
    reason = models.TextField("认定意见", blank=True)
    valid_until = models.DateField("身份有效期止", null=True, blank=True)
    identity = models.OneToOneField(
        Identity,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recognition",
        verbose_name="登记的救助身份",
    )
    created_at = models.DateTimeField("受理时间", auto_now_add=True)

    class Meta:
        verbose_name = "因病致贫重病患者认定"
        verbose_name_plural = "因病致贫重病患者认定"
        ordering = ["-submitted_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(self_pay_12m__gte=0), name="ma_class4_self_pay_not_negative")
        ]

    def __str__(self) -> str:
        return f"因病致贫重病患者认定 {self.person}（{self.get_state_display()}）"
