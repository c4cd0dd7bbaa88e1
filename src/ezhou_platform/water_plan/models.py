"""Records of 计划用水管理 (鄂州政办发〔2022〕15号).

Volumes are BigIntegerField in hundredths of a cubic metre (``*_m3x100``), money in fen. History the law cares
about is never overwritten: an adjustment, a supplement or a cut is a new PlanChange row on top of the
issued YearlyPlan; an upheld appeal issues a new SurchargeNotice version and keeps the old one.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models

from ezhou_rules.core.ids import InvalidIdentifier, validate_uscc
from ezhou_rules.water_plan.volumes import format_volume


def _validate_uscc(value: str) -> None:
    try:
        validate_uscc(value)
    except InvalidIdentifier as exc:
        raise ValidationError(str(exc)) from exc


class Method(models.TextChoices):
    QUOTA = "quota", "定额法"
    STATISTIC = "statistic", "统计法"


class WaterUnit(models.Model):
    """用水单位 (第二条)."""

    name = models.CharField("单位名称", max_length=100)
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True, validators=[_validate_uscc])
    department = models.ForeignKey(
        "common.Department", on_delete=models.PROTECT, verbose_name="主管部门", related_name="+"
    )
    jurisdiction = models.ForeignKey(
        "common.Jurisdiction", on_delete=models.PROTECT, verbose_name="所属辖区", related_name="+"
    )
    industry = models.CharField("行业", max_length=50, blank=True)
    method = models.CharField("管理办法", max_length=10, choices=Method.choices, default=Method.STATISTIC)
    quota_indicator = models.CharField("考核指标", max_length=60, blank=True, help_text="定额法：指标或产品")
    quota_unit = models.CharField("定额单位", max_length=30, blank=True, help_text="如 m³/(人·a)")
    quota_quantity = models.DecimalField(
        "考核指标数量", max_digits=14, decimal_places=2, null=True, blank=True
    )
    normal_use_started = models.DateField("正常用水开始日期", null=True, blank=True)
    contact_name = models.CharField("联系人", max_length=30, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    active = models.BooleanField("纳入计划用水管理", default=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "用水单位"
        verbose_name_plural = "用水单位"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.method == Method.QUOTA and not (
            self.quota_indicator and self.quota_unit and self.quota_quantity
        ):
            raise ValidationError("定额法须填写考核指标、定额单位和数量（附件1 一）。")


class SupplierAccount(models.Model):
    """供水企业的用水户号; readings arrive per account (第五条)."""

    unit = models.ForeignKey(
        WaterUnit, on_delete=models.CASCADE, related_name="accounts", verbose_name="用水单位"
    )
    number = models.CharField("户号", max_length=30, unique=True)
    construction_meter = models.BooleanField("基建计量水表", default=False)

    class Meta:
        verbose_name = "供水户号"
        verbose_name_plural = "供水户号"

    def __str__(self) -> str:
        return self.number


class QuotaEntry(models.Model):
    """用水定额: data an administrator loads; the quota method refuses without an applicable row."""

    indicator = models.CharField("指标或产品", max_length=60)
    unit = models.CharField("单位", max_length=30)
    value = models.DecimalField("定额值（立方米）", max_digits=12, decimal_places=4)
    valid_from = models.DateField("起始日期")
    source = models.CharField("来源", max_length=200)

    class Meta:
        verbose_name = "用水定额"
        verbose_name_plural = "用水定额"
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "valid_from"], name="water_quota_unique_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.value}{self.unit}"


class ImportBatch(models.Model):
    """One supplier file: its hash makes a re-import change nothing."""

    sha256 = models.CharField("文件摘要", max_length=64, unique=True)
    filename = models.CharField("文件名", max_length=200)
    accepted = models.PositiveIntegerField("接收行数", default=0)
    rejected = models.PositiveIntegerField("拒收行数", default=0)
    rejects = models.JSONField("拒收明细", default=list)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)

    class Meta:
        verbose_name = "抄表数据导入"
        verbose_name_plural = "抄表数据导入"

    def __str__(self) -> str:
        return f"{self.filename}（接收{self.accepted}行，拒收{self.rejected}行）"


class MeterReading(models.Model):
    class Kind(models.TextChoices):
        MONTHLY = "monthly", "月用水量"
        DAILY = "daily", "日用水量"

    account = models.ForeignKey(SupplierAccount, on_delete=models.CASCADE, related_name="readings")
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    period = models.DateField("期间", help_text="月用水量为当月1日")
    volume_m3x100 = models.BigIntegerField("水量（0.01立方米）")
    cumulative_m3x100 = models.BigIntegerField("表底数（0.01立方米）", null=True, blank=True)
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, null=True, related_name="readings")

    class Meta:
        verbose_name = "抄表记录"
        verbose_name_plural = "抄表记录"
        constraints = [
            models.UniqueConstraint(fields=["account", "kind", "period"], name="water_reading_unique"),
            models.CheckConstraint(
                name="water_reading_nonnegative", condition=models.Q(volume_m3x100__gte=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.period} {format_volume(self.volume_m3x100)}"


class CoefficientEvent(models.Model):
    """A recorded case of 附件1 三 (or a 第八条 finding) with its evidence."""

    unit = models.ForeignKey(WaterUnit, on_delete=models.CASCADE, related_name="coefficient_events")
    kind = models.CharField("情形", max_length=40)
    on = models.DateField("发生（完成、备案、认定）日期")
    until = models.DateField("称号有效期至", null=True, blank=True)
    evidence = models.CharField("证明材料", max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "增减系数情形"
        verbose_name_plural = "增减系数情形"

    def __str__(self) -> str:
        return f"{self.unit_id} {self.kind} {self.on}"


class PlanRequest(models.Model):
    """用水计划申请 (第六条)."""

    unit = models.ForeignKey(WaterUnit, on_delete=models.CASCADE, related_name="plan_requests")
    plan_year = models.PositiveSmallIntegerField("计划年度")
    filed_on = models.DateField("申请日期")
    due_on = models.DateField("申请截止日")
    requested_m3x100 = models.BigIntegerField("申请水量（0.01立方米）")
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "用水计划申请"
        verbose_name_plural = "用水计划申请"
        constraints = [models.UniqueConstraint(fields=["unit", "plan_year"], name="water_plan_request_once")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.plan_year}年计划申请"


class YearlyPlan(models.Model):
    """The plan issued for a year (第九条). Never edited: changes are PlanChange rows."""

    unit = models.ForeignKey(
        WaterUnit, on_delete=models.PROTECT, related_name="plans", verbose_name="用水单位"
    )
    year = models.PositiveSmallIntegerField("年度")
    method = models.CharField("核定方法", max_length=12)
    volume_m3x100 = models.BigIntegerField("下达计划（0.01立方米）")
    coefficient_pct = models.SmallIntegerField("增减系数（百分之一）", default=0)
    explanation = models.TextField("核定说明")
    inputs = models.JSONField("核定依据数据", default=dict, help_text="重新计算并解释计划所需的全部输入")
    issued_on = models.DateField("下达日期")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "年度用水计划"
        verbose_name_plural = "年度用水计划"
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="water_plan_once_a_year")]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}年 {format_volume(self.volume_m3x100)}立方米"

    @property
    def effective_m3x100(self) -> int:
        return self.volume_m3x100 + sum(c.delta_m3x100 for c in self.changes.all())


class PlanChange(models.Model):
    """A change of an issued plan, with its article; each is notified to the unit (计划变更通知书, a page and a
    PDF). The plan itself is never edited."""

    class Kind(models.TextChoices):
        ADJUSTMENT = "adjustment", "计划调整（第十条）"
        SUPPLEMENT = "supplement", "突发用水增补（第十二条）"
        CUT = "cut", "按比例下调（第十一条）"
        CONSTRUCTION = "construction", "基建用水减除（附件2 （三））"
        COEFFICIENT = "coefficient", "增减系数变化（附件1 三）"

    plan = models.ForeignKey(YearlyPlan, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField("类别", max_length=12, choices=Kind.choices)
    delta_m3x100 = models.BigIntegerField("增减水量（0.01立方米）")
    reason = models.CharField("理由", max_length=300)
    citation = models.CharField("依据", max_length=80)
    decided_on = models.DateField("决定日期")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    source_id = models.PositiveIntegerField("申请编号", null=True, blank=True)
    coefficient_pct = models.SmallIntegerField(
        "变更后的增减系数（百分之一）", null=True, blank=True, help_text="增减系数变化（附件1 三）时填写"
    )
    trace = models.JSONField("计算过程", default=list, blank=True)

    class Meta:
        verbose_name = "计划变更"
        verbose_name_plural = "计划变更"
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind", "source_id"], name="water_change_once_per_source")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {format_volume(self.delta_m3x100)}"


class ShortageCut(models.Model):
    """第十一条: a proportional cut for all units in a water shortage."""

    year = models.PositiveSmallIntegerField("年度")
    percent = models.DecimalField("下调比例（%）", max_digits=5, decimal_places=2)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    reason = models.CharField("理由", max_length=300)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "按比例下调"
        verbose_name_plural = "按比例下调"

    def __str__(self) -> str:
        return f"{self.year}年按比例下调{self.percent}%"


class Status(models.TextChoices):
    RECEIVED = "received", "已受理"
    VERIFIED = "verified", "已核实"
    APPROVED = "approved", "已核准"
    REFUSED = "refused", "不予调整/增补"


class AdjustmentRequest(models.Model):
    """调整申请 (第十条)."""

    plan = models.ForeignKey(YearlyPlan, on_delete=models.PROTECT, related_name="adjustments")
    received_on = models.DateField("接到申请日期")
    requested_m3x100 = models.BigIntegerField("申请增加水量（0.01立方米）")
    reason = models.TextField("申请理由")
    has_form = models.BooleanField("调整申请表", default=False)
    has_change_evidence = models.BooleanField("变化情况证明材料", default=False)
    has_balance_test = models.BooleanField("水平衡测试证明材料", default=False)
    other_materials = models.CharField("其他材料", max_length=200, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.RECEIVED)
    verify_due = models.DateField("核实期限")
    notify_due = models.DateField("核准告知期限")
    approved_m3x100 = models.BigIntegerField("核准水量（0.01立方米）", null=True, blank=True)
    refusal_case = models.PositiveSmallIntegerField("不予调整情形（第十三条）", null=True, blank=True)
    refusal_reason = models.CharField("不予调整理由", max_length=300, blank=True)
    decided_on = models.DateField("决定日期", null=True, blank=True)

    class Meta:
        verbose_name = "计划调整申请"
        verbose_name_plural = "计划调整申请"

    def __str__(self) -> str:
        return f"调整申请#{self.pk}"


class SupplementRequest(models.Model):
    """突发用水增补申请 (第十二条, 附件2)."""

    plan = models.ForeignKey(YearlyPlan, on_delete=models.PROTECT, related_name="supplements")
    type = models.CharField("突发用水类型", max_length=20)
    event_on = models.DateField("事发日期")
    received_on = models.DateField("接到申请日期")
    inputs = models.JSONField("计算依据数据")
    # None: an "other" case without a quota, whose volume the department's written opinion sets (附件2 注).
    computed_m3x100 = models.BigIntegerField("计算增补水量（0.01立方米）", null=True, blank=True)
    trace = models.JSONField("计算过程", default=list)
    review_due = models.DateField("审核期限")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.RECEIVED)
    approved_m3x100 = models.BigIntegerField("核准水量（0.01立方米）", null=True, blank=True)
    refusal_case = models.PositiveSmallIntegerField("不予增补情形（第十三条）", null=True, blank=True)
    refusal_reason = models.CharField("不予增补理由", max_length=300, blank=True)
    opinion = models.TextField(
        "市水行政主管部门的书面意见", blank=True, help_text="无定额标准的其他突发用水情况（附件2 注）"
    )
    decided_on = models.DateField("决定日期", null=True, blank=True)

    class Meta:
        verbose_name = "突发用水增补申请"
        verbose_name_plural = "突发用水增补申请"

    def __str__(self) -> str:
        return f"突发用水增补申请#{self.pk}"


class ConstructionReport(models.Model):
    """A month's construction-meter volume reported through the platform (附件2 （三）: "每月通过节水平台上报");
    deducted from actual use only if the construction request is approved and the month reported on time."""

    request = models.ForeignKey(
        SupplementRequest,
        on_delete=models.PROTECT,
        related_name="construction_reports",
        verbose_name="基建用水申请",
    )
    month = models.DateField("月份", help_text="当月1日")
    volume_m3x100 = models.BigIntegerField("基建水表用水量（0.01立方米）")
    reported_on = models.DateField("上报日期")
    due_on = models.DateField("上报期限")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "基建水表月用水量上报"
        verbose_name_plural = "基建水表月用水量上报"
        ordering = ["month"]
        constraints = [
            models.UniqueConstraint(fields=["request", "month"], name="water_construction_report_once"),
            models.CheckConstraint(
                name="water_construction_report_nonnegative", condition=models.Q(volume_m3x100__gte=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {format_volume(self.volume_m3x100)}"

    @property
    def on_time(self) -> bool:
        return self.reported_on <= self.due_on


class SurchargeNotice(models.Model):
    """《超计划、超定额用水加价收费通知单》 (第十四条—第十六条); a new version after an upheld appeal."""

    class State(models.TextChoices):
        ISSUED = "issued", "已开具"
        SUPERSEDED = "superseded", "已被新版本取代"
        PAID = "paid", "已缴费"
        CREDIT_LISTED = "credit_listed", "已纳入社会信用体系平台"

    unit = models.ForeignKey(
        WaterUnit, on_delete=models.PROTECT, related_name="notices", verbose_name="用水单位"
    )
    year = models.PositiveSmallIntegerField("年度")
    number = models.CharField("通知单编号", max_length=40, unique=True)
    version = models.PositiveSmallIntegerField("版本", default=1)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    actual_m3x100 = models.BigIntegerField("实际用水量（0.01立方米）")
    plan_m3x100 = models.BigIntegerField("考核计划（0.01立方米）")
    excess_m3x100 = models.BigIntegerField("超计划水量（0.01立方米）")
    bands = models.JSONField("分档明细")
    amount_fen = models.BigIntegerField("加价水费（分）")
    trace = models.JSONField("计算过程", default=list)
    state = models.CharField("状态", max_length=15, choices=State.choices, default=State.ISSUED)
    issued_on = models.DateField("开具日期")
    received_on = models.DateField("送达日期", null=True, blank=True)
    payment_due = models.DateField("缴费期限", null=True, blank=True)
    appeal_due = models.DateField("异议期限", null=True, blank=True)
    paid_on = models.DateField("缴费日期", null=True, blank=True)
    credit_listed_on = models.DateField("纳入信用平台日期", null=True, blank=True)

    class Meta:
        verbose_name = "超计划用水加价收费通知单"
        verbose_name_plural = "超计划用水加价收费通知单"
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "version"], name="water_notice_version_unique")
        ]

    def __str__(self) -> str:
        return self.number


class Appeal(models.Model):
    """异议 (第十五条)."""

    class State(models.TextChoices):
        RECEIVED = "received", "已受理"
        UPHELD = "upheld", "异议成立，已重新开具"
        REJECTED = "rejected", "异议不成立"

    notice = models.ForeignKey(SurchargeNotice, on_delete=models.PROTECT, related_name="appeals")
    received_on = models.DateField("接到申请日期")
    reason = models.TextField("异议内容")
    claimed_actual_m3x100 = models.BigIntegerField("主张的实际用水量（0.01立方米）", null=True, blank=True)
    decision_due = models.DateField("处理期限")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.RECEIVED)
    decision = models.TextField("处理意见", blank=True)
    decided_on = models.DateField("处理日期", null=True, blank=True)
    new_notice = models.OneToOneField(
        SurchargeNotice, on_delete=models.PROTECT, null=True, blank=True, related_name="from_appeal"
    )

    class Meta:
        verbose_name = "加价水费异议"
        verbose_name_plural = "加价水费异议"

    def __str__(self) -> str:
        return f"异议#{self.pk}"


class CollectionReminder(models.Model):
    """《鄂州市超计划超定额用水加价水费征收催告单》 (第十六条第二款)."""

    notice = models.ForeignKey(SurchargeNotice, on_delete=models.PROTECT, related_name="reminders")
    sequence = models.PositiveSmallIntegerField("催告次数")
    number = models.CharField("催告单编号", max_length=40, unique=True)
    issued_on = models.DateField("催告日期")
    pay_by = models.DateField("催告缴费期限")

    class Meta:
        verbose_name = "征收催告单"
        verbose_name_plural = "征收催告单"
        constraints = [models.UniqueConstraint(fields=["notice", "sequence"], name="water_reminder_once")]

    def __str__(self) -> str:
        return self.number


class PlanFinding(models.Model):
    """A recorded 增减量 for one unit and plan year, applied by the batch issuance (第九条): the reductions of
    第八条第（一）（二）项 (negative) and the ± 增减量 of the 附件1 formulas. Recorded before issuance; an issued
    plan is never edited (later changes are PlanChange rows)."""

    class Basis(models.TextChoices):
        ART8_ITEM1 = "art8-item1", "第八条第（一）项 用水水平未达到用水定额标准（核减）"
        ART8_ITEM2 = "art8-item2", "第八条第（二）项 不合理用水拒不整改，参照合理用水量核减"
        ANNEX1 = "annex1", "附件1 ±增减量"

    unit = models.ForeignKey(
        WaterUnit, on_delete=models.PROTECT, related_name="findings", verbose_name="用水单位"
    )
    year = models.PositiveSmallIntegerField("计划年度")
    basis = models.CharField("依据", max_length=12, choices=Basis.choices)
    delta_m3x100 = models.BigIntegerField("增减量（0.01立方米）")
    reason = models.CharField("认定理由", max_length=300)
    evidence = models.CharField("证明材料", max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "计划增减量认定"
        verbose_name_plural = "计划增减量认定"
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "basis"], name="water_finding_once_per_basis")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year}年 {self.get_basis_display()} {format_volume(self.delta_m3x100)}"


class EvidenceStorage(FileSystemStorage):
    """证明材料 are kept outside the web root (nothing serves this folder; downloads go through a checked view):
    settings.WATER_PLAN_EVIDENCE_ROOT if set (tests point it at a tmp dir), else VAR_DIR/uploads/water_plan.
    Read at each use so a settings override takes effect."""

    @property  # type: ignore[override]
    def base_location(self) -> str:
        root = (
            getattr(settings, "WATER_PLAN_EVIDENCE_ROOT", None)
            or Path(settings.VAR_DIR) / "uploads" / "water_plan"
        )
        return str(root)

    @property  # type: ignore[override]
    def location(self) -> str:
        return str(Path(self.base_location).resolve())


EVIDENCE_EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


def _random_name(instance: Any, filename: str) -> str:
    """A random name (the user's file name is kept only as text): nothing the uploader chose reaches the disk."""
    return f"{uuid.uuid4().hex}{EVIDENCE_EXTENSIONS.get(instance.content_type, '')}"


class EvidenceFile(models.Model):
    """An uploaded 证明材料 (第十条 the four kinds; 第十二条/附件2; 第十五条), attached to one request."""

    class Kind(models.TextChoices):
        FORM = "form", "用水计划指标调整申请表（第十条第（一）项）"
        CHANGE = "change", "生产规模、产量、人数等变化的证明材料（第十条第（二）项）"
        BALANCE_TEST = "balance_test", "已完成水平衡测试的证明材料（第十条第（三）项）"
        OTHER = "other", "按照规定需要提交的其他材料（第十条第（四）项）"
        SUPPLEMENT = "supplement", "突发用水证明材料（第十二条、附件2）"
        APPEAL = "appeal", "异议证明材料（第十五条）"

    unit = models.ForeignKey(
        WaterUnit, on_delete=models.PROTECT, related_name="evidence", verbose_name="用水单位"
    )
    kind = models.CharField("材料类别", max_length=14, choices=Kind.choices)
    file = models.FileField("文件", storage=EvidenceStorage(), upload_to=_random_name, max_length=100)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=30)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("文件摘要", max_length=64)
    adjustment = models.ForeignKey(
        AdjustmentRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="evidence"
    )
    supplement = models.ForeignKey(
        SupplementRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="evidence"
    )
    appeal = models.ForeignKey(
        Appeal, on_delete=models.PROTECT, null=True, blank=True, related_name="evidence"
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "证明材料"
        verbose_name_plural = "证明材料"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.original_name}"
