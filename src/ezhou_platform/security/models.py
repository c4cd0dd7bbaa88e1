"""Records of the security mechanisms: password history, alerts, notices and consents, stored uploads."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from ezhou_platform.common import clock


class PasswordHistory(models.Model):
    """The hashes of a user's last passwords (C01: history 5), never the passwords."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="用户"
    )
    password = models.CharField("密码哈希", max_length=128)
    created_at = models.DateTimeField("设置时间", default=clock.now)

    class Meta:
        verbose_name = "历史密码"
        verbose_name_plural = "历史密码"
        default_permissions = ()
        indexes = [models.Index(fields=["user", "-id"])]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d}"


class Alert(models.Model):
    """A security alert (C17): shown on the security page and written to the log and the audit trail."""

    class Kind(models.TextChoices):
        MASS_VIEW = "mass_view", "大量查看个人信息"
        LOCKOUT_STORM = "lockout_storm", "集中登录失败"
        CHAIN_VERIFY = "chain_verify", "审计链校验失败"
        MANIFEST = "manifest", "程序或配置被改动"
        UPLOAD_MALWARE = "upload_malware", "上传文件含恶意代码"
        OTHER = "other", "其他"

    kind = models.CharField("类别", max_length=20, choices=Kind.choices, db_index=True)
    # One alert per kind and subject per window: a storm of events raises one alert, not thousands.
    dedup_key = models.CharField("去重键", max_length=200, unique=True)
    subject = models.CharField("对象", max_length=200, blank=True)
    message = models.TextField("说明")
    detail = models.JSONField("详情", default=dict, blank=True)
    raised_at = models.DateTimeField("告警时间", default=clock.now, db_index=True)
    # The event that triggered it, so the detection latency can be measured (C17's figure).
    event_at = models.DateTimeField("事件时间", null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="确认人",
    )
    acknowledged_at = models.DateTimeField("确认时间", null=True, blank=True)

    class Meta:
        verbose_name = "安全告警"
        verbose_name_plural = "安全告警"
        ordering = ["-raised_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.subject}"


class ConsentNotice(models.Model):
    """A versioned notice (告知, PIPL 第十七条、第三十五条) shown before a citizen submits personal data.

    Never edited: a new text is a new version. `sensitive` notices also ask for the separate acknowledgement
    PIPL 第二十九条 requires for sensitive personal data where consent is the basis.
    """

    key = models.SlugField("告知事项", max_length=60)
    version = models.PositiveIntegerField("版本")
    title = models.CharField("标题", max_length=100)
    text = models.TextField("告知内容")
    sensitive = models.BooleanField("涉及敏感个人信息", default=False)
    sensitive_text = models.TextField("敏感个人信息单独告知", blank=True)
    legal_basis = models.CharField("处理依据", max_length=200)
    valid_from = models.DateField("启用日期")
    created_at = models.DateTimeField("创建时间", default=clock.now)

    class Meta:
        verbose_name = "个人信息处理告知"
        verbose_name_plural = "个人信息处理告知"
        ordering = ["key", "-version"]
        constraints = [models.UniqueConstraint(fields=["key", "version"], name="consent_notice_version_once")]

    def __str__(self) -> str:
        return f"{self.title}（第{self.version}版）"


class ConsentRecord(models.Model):
    """That a person saw notice N version V before submitting, stored with the submission (C26)."""

    notice = models.ForeignKey(
        ConsentNotice, on_delete=models.PROTECT, related_name="records", verbose_name="告知书"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="用户",
    )
    # The submission it belongs to: "app_label.model" and its key.
    subject_type = models.CharField("业务记录类型", max_length=100, db_index=True)
    subject_id = models.CharField("业务记录编号", max_length=64, db_index=True)
    acknowledged_at = models.DateTimeField("确认时间", default=clock.now)
    sensitive_acknowledged = models.BooleanField("已单独确认敏感个人信息", default=False)
    request_id = models.CharField("请求ID", max_length=64, blank=True)

    class Meta:
        verbose_name = "告知确认记录"
        verbose_name_plural = "告知确认记录"
        ordering = ["-acknowledged_at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return f"{self.notice} → {self.subject_type}#{self.subject_id}"


class StoredUpload(models.Model):
    """A file that passed the upload checks (C18), stored outside the web root under a random name."""

    id = models.UUIDField("文件编号", primary_key=True, default=uuid.uuid4, editable=False)
    purpose = models.CharField("用途", max_length=60, db_index=True)
    original_name = models.CharField("原文件名", max_length=200)
    stored_name = models.CharField("存储名", max_length=80, unique=True)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256摘要", max_length=64)
    scanned_with = models.CharField("查毒方式", max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="上传人",
    )
    uploaded_at = models.DateTimeField("上传时间", default=clock.now)

    class Meta:
        verbose_name = "上传文件"
        verbose_name_plural = "上传文件"
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class SecondPersonRule(models.Model):
    """Dated configuration of the four-eyes rule (双人复核; SECURITY.md C29, ASVS 2.3.5) for one step of one
    procedure: from `valid_from` the step requires (or no longer requires) a second person, overriding the
    domain's default (`step(second_person=..., effect=...)`). Rows are never edited: a change is a new row
    with a later date, so the rule that applied on any day can be read back. Edited by the system
    administrator in the admin, audited with before/after (procedures/second_person.py reads it)."""

    procedure = models.CharField("办理程序", max_length=100, help_text="程序代码，例如 water_plan.adjustment")
    step = models.CharField("办理步骤", max_length=100, help_text="步骤的方法名，例如 approve")
    required = models.BooleanField("须由另一人办理", default=True)
    valid_from = models.DateField("生效日期")
    reason = models.CharField("依据或理由", max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="创建人",
    )
    created_at = models.DateTimeField("登记时间", default=clock.now)

    class Meta:
        verbose_name = "双人复核设置"
        verbose_name_plural = "双人复核设置"
        ordering = ["procedure", "step", "-valid_from", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "step", "valid_from"], name="second_person_rule_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.procedure}.{self.step} 自{self.valid_from}起{'须' if self.required else '不须'}双人复核"
        )
