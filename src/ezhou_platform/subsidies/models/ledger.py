"""The ledger against double subsidy (台账) and the budgets, as rows the database itself guards.

- ``LedgerKey``: one row per key slot an application holds (``ezhou_rules.subsidies.components.key_slots``):
  ``interest|<bank>:<contract>`` (one fiscal interest subsidy per loan across measures 1–3), ``m12.person|<ID>``
  and ``m12.vin|<VIN>`` (one car per person), ``m05.store|<store>``, ``m08|<enterprise>`` (就高不就低) … A
  partial unique index allows one *held* row per key: two applications filed at the same moment for the same
  object cannot both take it, whatever the timing — the second gets an IntegrityError and is refused naming
  the holder. A key is released (never deleted) when its application ends without an award or its award is
  clawed back, with the day and the reason.
- ``CapUsage``: per cap key (component group, subject, year) the amount decided so far; the row is locked
  (SELECT … FOR UPDATE) while a decision is taken, so two decisions for the same enterprise and year are
  counted one after the other.
- Keys never hold a subject in clear (C20): where a template says ``{subject}`` the platform puts
  ``subject_token(subject)``, a keyed HMAC of the normalised ID (``common.crypto.blind_index`` under its own
  label), so ``m12.person|<resident ID>`` is stored as ``m12.person|<32 hex>``. The same person (whatever the
  case of the X) gets the same token, so the unique index still refuses a second car; without the index key
  nobody can tell whose key it is. Clerks read a key by its label and holder application, never the token.
- ``BudgetAccount`` / ``BudgetEntry``: the budget of each payer for each measure, allotted by entries (each
  with its source; an adjustment is a new entry) and drawn down by payments under a row lock.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from ezhou_platform.common import clock, crypto

from .applications import Application

SUBJECT_IN_KEYS = "subsidies.LedgerKey.subject"  # the blind-index domain of the subjects inside keys


def subject_token(subject: str) -> str:
    """How a ledger or cap key names its subject: HMAC of the stripped, upper-cased ID under the index key."""
    return crypto.blind_index(str(subject), SUBJECT_IN_KEYS)


class LedgerKey(models.Model):
    key = models.CharField("台账键", max_length=200)
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="ledger_keys", verbose_name="申请"
    )
    label = models.CharField("含义", max_length=60)
    taken_on = models.DateField("占用日期")
    released_on = models.DateField("释放日期", null=True, blank=True)
    release_reason = models.CharField("释放原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "台账键"
        verbose_name_plural = "台账键"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=Q(released_on__isnull=True), name="subsidy_ledger_key_held_once"
            )
        ]
        indexes = [models.Index(fields=["key"])]

    def __str__(self) -> str:
        return f"{self.label}（{self.application.number}）"

    @property
    def shown_key(self) -> str:
        """The key as a clerk reads it: the subject's token replaced by the holder's masked ID."""
        holder = self.application
        token = subject_token(holder.subject)
        return self.key.replace(token, holder.masked_subject) if token else self.key


class CapUsage(models.Model):
    key = models.CharField("上限键", max_length=200, unique=True)
    cap_fen = models.BigIntegerField("上限（分）")
    used_fen = models.BigIntegerField("已决定（分）", default=0)

    class Meta:
        verbose_name = "奖励上限使用"
        verbose_name_plural = "奖励上限使用"
        constraints = [
            models.CheckConstraint(
                name="subsidy_cap_not_exceeded",
                condition=Q(used_fen__gte=0) & Q(used_fen__lte=models.F("cap_fen")),
            )
        ]

    def __str__(self) -> str:
        return f"{self.key}：{self.used_fen}/{self.cap_fen}"


class BudgetAccount(models.Model):
    payer = models.CharField("兑现单位", max_length=20)
    measure = models.PositiveSmallIntegerField("措施（条）")
    allotted_fen = models.BigIntegerField("预算（分）", default=0)
    drawn_fen = models.BigIntegerField("已支付（分）", default=0)

    class Meta:
        verbose_name = "奖补预算"
        verbose_name_plural = "奖补预算"
        ordering = ["payer", "measure"]
        constraints = [
            models.UniqueConstraint(fields=["payer", "measure"], name="subsidy_one_budget_per_payer_measure"),
            models.CheckConstraint(
                name="subsidy_budget_not_overdrawn",
                condition=Q(drawn_fen__gte=0) & Q(drawn_fen__lte=models.F("allotted_fen")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payer} 第{self.measure}条"

    @property
    def remaining_fen(self) -> int:
        return self.allotted_fen - self.drawn_fen


class BudgetEntry(models.Model):
    """One allotment or adjustment of a budget, with where it comes from (a budget document)."""

    account = models.ForeignKey(
        BudgetAccount, on_delete=models.PROTECT, related_name="entries", verbose_name="预算科目"
    )
    amount_fen = models.BigIntegerField("金额（分，调减为负数）")
    source = models.CharField("依据", max_length=200)
    entered_on = models.DateField("录入日期")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="录入人",
    )
    entered_at = models.DateTimeField("记录时间", default=clock.now)

    class Meta:
        verbose_name = "预算录入"
        verbose_name_plural = "预算录入"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.account} {self.amount_fen}"
