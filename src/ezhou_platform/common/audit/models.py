"""The audit trail (审计日志): append-only records chained with an HMAC.

A record is never updated or deleted: the database refuses it (triggers created by migration 0002), and the
HMAC chain makes any change made around the triggers visible to `verify()`. Records hold snapshots (user
name, role, department at the time), never foreign keys, so deleting a user or a business record cannot
touch the trail, and personal data in them is masked before it is written.

before/after are stored as canonical JSON text (sorted keys, no whitespace) rather than a JSONField: the
HMAC is computed over exactly these bytes, and text round-trips identically on SQLite and PostgreSQL,
where jsonb would reorder keys and rewrite numbers.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models

GENESIS_HASH = "0" * 64


class Result(models.TextChoices):
    SUCCESS = "success", "成功"
    DENIED = "denied", "拒绝"
    FAILED = "failed", "失败"


class AuditRecord(models.Model):
    # seq, prev_hash and hash are NULL while a record is pending (appended, not yet chained: see sealer.py and
    # ADR 0005); the sealer fills them once, and the database refuses every other update.
    seq = models.PositiveBigIntegerField("序号", unique=True, null=True, editable=False)
    created_at = models.DateTimeField("时间", editable=False, db_index=True)

    # Who: snapshots, so the record stays true after the account changes or is removed.
    actor_id = models.BigIntegerField("用户ID", null=True, blank=True, editable=False, db_index=True)
    actor_username = models.CharField("用户名", max_length=150, blank=True, editable=False, db_index=True)
    actor_name = models.CharField("姓名", max_length=50, blank=True, editable=False)
    actor_role = models.CharField("角色", max_length=20, blank=True, editable=False)
    actor_department_code = models.CharField(
        "部门代码", max_length=40, blank=True, editable=False, db_index=True
    )
    actor_department = models.CharField("部门", max_length=50, blank=True, editable=False)

    # From where: the socket address only (never X-Forwarded-For), as the request context gives it.
    remote_addr = models.CharField("IP地址", max_length=45, blank=True, editable=False)
    user_agent = models.CharField("客户端", max_length=200, blank=True, editable=False)
    path = models.CharField("请求路径", max_length=200, blank=True, editable=False)
    request_id = models.CharField("请求ID", max_length=64, blank=True, editable=False)

    # What.
    action = models.CharField("操作代码", max_length=100, editable=False, db_index=True)
    label = models.CharField("操作", max_length=100, blank=True, editable=False)
    object_type = models.CharField("对象类型", max_length=100, blank=True, editable=False, db_index=True)
    object_id = models.CharField("对象ID", max_length=64, blank=True, editable=False, db_index=True)
    object_repr = models.CharField("对象", max_length=200, blank=True, editable=False)
    before_json = models.TextField("变更前", blank=True, editable=False)
    after_json = models.TextField("变更后", blank=True, editable=False)
    result = models.CharField("结果", max_length=10, choices=Result.choices, editable=False, db_index=True)
    citation = models.TextField("政策依据", blank=True, editable=False)

    # The chain.
    # NULL, not "", while pending: the unique indexes on seq and prev_hash must admit many pending rows.
    prev_hash = models.CharField("前序哈希", max_length=64, null=True, editable=False)  # noqa: DJ001
    hash = models.CharField("哈希", max_length=64, null=True, editable=False)  # noqa: DJ001
    # HMAC(key, id + content) written on append, so a record edited (or forged) before it is sealed is seen.
    content_mac = models.CharField(
        "内容校验码", max_length=64, blank=True, default="", db_default="", editable=False
    )

    class Meta:
        db_table = "audit_record"
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["-seq"]
        default_permissions = ("view",)
        constraints = [
            # A fork (two records claiming the same predecessor) is refused by the database itself.
            models.UniqueConstraint(fields=["prev_hash"], name="audit_record_prev_hash_unique"),
        ]
        indexes = [
            # The sealer's and verify's "pending records" query stays small however long the trail gets.
            models.Index(fields=["id"], condition=models.Q(seq__isnull=True), name="audit_record_pending"),
        ]

    def __str__(self) -> str:
        where = f"#{self.seq}" if self.seq is not None else f"待封存 id={self.pk}"
        return f"{where} {self.label or self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Only services.record() creates records; an ORM update of an existing one is a programming error
        # (and the database trigger would refuse it anyway).
        if not self._state.adding:
            raise PermissionError("审计记录只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("审计记录只能追加，不能删除。")

    def actor_role_label(self) -> str:
        from ezhou_platform.common.roles import Role

        return dict(Role.choices).get(self.actor_role, self.actor_role)

    @property
    def before(self) -> Any:
        return json.loads(self.before_json) if self.before_json else None

    @property
    def after(self) -> Any:
        return json.loads(self.after_json) if self.after_json else None


class ChainHead(models.Model):
    """One row (pk=1): the last seq and hash of the chain, locked to serialise appends.

    `mac` = HMAC(key, "head|seq|hash") lets verify() tell a truncated tail (records deleted at the end, head
    rolled back by hand) from a genuine head, since nobody without the key can compute it.
    """

    id = models.PositiveSmallIntegerField("编号", primary_key=True, default=1, editable=False)
    seq = models.PositiveBigIntegerField(default=0, verbose_name="序号")
    hash = models.CharField(max_length=64, default=GENESIS_HASH, verbose_name="哈希值")
    mac = models.CharField(max_length=64, blank=True, verbose_name="校验码")

    class Meta:
        db_table = "audit_chain_head"
        verbose_name = "审计链头"
        verbose_name_plural = "审计链头"
        default_permissions = ()

    def __str__(self) -> str:
        return f"chain head seq={self.seq}"
