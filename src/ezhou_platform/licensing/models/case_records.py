"""What an application gathers: notification proof, commitment, materials, rectification orders, licence."""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from ezhou_platform.common import clock

from .cases import Application


class NotificationProof(models.Model):
    """What was notified (一次性告知, 第二部分 二（二）1), kept as notified: liability turns on it (三（五）)."""

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="notification", verbose_name="申请"
    )
    item_code = models.CharField("事项编号", max_length=12)
    scheme_version = models.CharField("方案版本", max_length=40)
    template_version = models.CharField("格式文本版本", max_length=40)
    template_sha256 = models.CharField("格式文本摘要（SHA-256）", max_length=64)
    content_sha256 = models.CharField("告知内容摘要（SHA-256）", max_length=64)
    content_json = models.TextField("告知内容（规范JSON）")
    text = models.TextField("告知内容（文本）")
    notified_at = models.DateTimeField("告知时间")

    class Meta:
        verbose_name = "一次性告知留存"
        verbose_name_plural = "一次性告知留存"

    def __str__(self) -> str:
        return f"{self.application} 一次性告知 {self.content_sha256[:12]}"


class Commitment(models.Model):
    """The signed 告知承诺书 (第二部分 二（二）2): five confirmations, how it reached the authority and when."""

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="commitment", verbose_name="申请"
    )
    confirmations = models.JSONField("确认和承诺（项次）", default=list)
    delivery = models.CharField(
        "递交方式",
        max_length=10,
        choices=[("online", "在线提交"), ("in_person", "当面递交"), ("post", "邮寄")],
    )
    signed_on = models.DateField("签署日期")
    received_on = models.DateField("收件日期", null=True, blank=True)
    qualification = models.CharField("承诺类型", max_length=10)
    conditions = models.JSONField("承诺符合的条件", default=list)
    template_version = models.CharField("格式文本版本", max_length=40)
    notification_sha256 = models.CharField("所答复的告知内容摘要", max_length=64)
    recorded_by = models.ForeignKey(
        "common.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="登记人",
    )
    recorded_at = models.DateTimeField("登记时间", default=clock.now)

    class Meta:
        verbose_name = "告知承诺书"
        verbose_name_plural = "告知承诺书"

    def __str__(self) -> str:
        return f"{self.application} 告知承诺书"


class MaterialItem(models.Model):
    """A material of the scheme: handed in with the commitment, or due within its period after the decision."""

    class State(models.TextChoices):
        PENDING = "pending", "待提交"
        SUBMITTED = "submitted", "已提交，待审查"
        CONFORMING = "conforming", "符合要求"
        NONCONFORMING = "nonconforming", "不符合要求"

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="materials", verbose_name="申请"
    )
    code = models.CharField("材料编码", max_length=40)
    name = models.CharField("材料名称", max_length=100)
    timing = models.CharField(
        "提交时点",
        max_length=20,
        choices=[("at_submission", "递交告知承诺书时"), ("after_decision", "决定作出后约定期限内")],
    )
    due = models.DateField("提交期限", null=True, blank=True)
    period_basis = models.CharField("期限说明", max_length=300, blank=True)
    state = models.CharField("状态", max_length=15, choices=State.choices, default=State.PENDING)
    submitted_on = models.DateField("最近提交日期", null=True, blank=True)
    overdue = models.BooleanField("已逾期", default=False, db_index=True)

    class Meta:
        verbose_name = "申请材料"
        verbose_name_plural = "申请材料"
        ordering = ["application_id", "timing", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "code"], name="licensing_material_once")
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_state_display()}）"

    def get_absolute_url(self) -> str:
        return reverse("licensing:case", args=[self.application_id])


class MaterialSubmission(models.Model):
    """One handing-in of a material and its review; a resubmission is a new row (the old one stays)."""

    material = models.ForeignKey(
        MaterialItem, on_delete=models.PROTECT, related_name="submissions", verbose_name="材料"
    )
    submitted_on = models.DateField("提交日期")
    file_name = models.CharField("文件名", max_length=200, blank=True)
    file_sha256 = models.CharField("文件摘要（SHA-256）", max_length=64, blank=True)
    content = models.BinaryField("文件", null=True, blank=True)
    submitted_by = models.ForeignKey(
        "common.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="提交人",
    )
    reviewed_on = models.DateField("审查日期", null=True, blank=True)
    conforming = models.BooleanField("符合要求", null=True, blank=True)
    review_note = models.CharField("审查意见", max_length=300, blank=True)
    reviewed_by = models.ForeignKey(
        "common.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="审查人",
    )

    class Meta:
        verbose_name = "材料提交记录"
        verbose_name_plural = "材料提交记录"
        ordering = ["material_id", "submitted_on", "id"]

    def __str__(self) -> str:
        return f"{self.material.name} {self.submitted_on:%Y-%m-%d}"


class RectificationOrder(models.Model):
    """责令限期整改 (第二部分 三（四）): the grounds, what must be put right and by when; its result."""

    class Grounds(models.TextChoices):
        MATERIALS = "materials", "未按期提交材料或材料不符合要求"
        QUALIFY = "qualify", "逾期未达到所承诺的经营许可条件"
        CONDITIONS = "conditions", "不符合承诺条件开展经营活动"
        UNTRUE = "commitment_untrue", "承诺不实"

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="orders", verbose_name="申请"
    )
    grounds = models.CharField("整改事由", max_length=20, choices=Grounds.choices)
    matters = models.TextField("整改事项")
    ordered_on = models.DateField("责令日期")
    due = models.DateField("整改期限", null=True, blank=True)
    period_basis = models.CharField("期限说明", max_length=300, blank=True)
    result = models.CharField(
        "整改结果",
        max_length=15,
        blank=True,
        choices=[("conforming", "整改合格"), ("nonconforming", "整改后仍不符合要求")],
    )
    result_on = models.DateField("结果日期", null=True, blank=True)
    result_note = models.CharField("结果说明", max_length=500, blank=True)
    document = models.ForeignKey(
        "procedures.Document",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="通知书",
    )

    class Meta:
        verbose_name = "责令限期整改"
        verbose_name_plural = "责令限期整改"
        ordering = ["-ordered_on", "-id"]

    def __str__(self) -> str:
        return f"{self.application} 责令整改（{self.get_grounds_display()}）"


class Licence(models.Model):
    """The licence issued by the decision; revoked_on ends it (三（三）、三（四）)."""

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="licence", verbose_name="申请"
    )
    number = models.CharField("证件编号", max_length=60, unique=True)
    certificate = models.CharField("证件名称", max_length=60)
    holder = models.ForeignKey(
        "common.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="持证企业"
    )
    holder_uscc = models.CharField("统一社会信用代码", max_length=18, db_index=True)
    holder_name = models.CharField("持证企业名称", max_length=100)
    item_code = models.CharField("事项编号", max_length=12, db_index=True)
    department = models.ForeignKey(
        "common.Department", on_delete=models.PROTECT, related_name="+", verbose_name="发证部门"
    )
    issued_on = models.DateField("发证日期")
    document = models.ForeignKey(
        "procedures.Document",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="证件",
    )
    revoked_on = models.DateField("撤销日期", null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = "许可证件"
        verbose_name_plural = "许可证件"
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return f"{self.certificate} {self.number}"
