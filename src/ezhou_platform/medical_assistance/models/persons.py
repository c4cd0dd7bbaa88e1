"""Persons insured and their identities (第四条), each identity recognised by the department 第二十二条 names.

An identity is a case of the recognising department's procedure (民政 or 乡村振兴): recorded when recognised,
ended by that department under 动态管理 (第四条第八款). A proxy model per department carries the procedure, so
the one table holds both and every identity is found by the class of its department.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode
from django_fsm import FSMField, FSMModelMixin, transition

from ezhou_platform.common.fields import BlindIndexField, EncryptedCharField
from ezhou_platform.procedures.machine import Refusal, StepContext, step
from ezhou_rules.core import ids
from ezhou_rules.core.dates import cn_date
from ezhou_rules.medical_assistance.recipients import CLASS_OF_KIND, IdentityKind

from ..cites import CITE_RECOGNITION
from .steps import STAFF


def validate_resident_id(value: str) -> None:
    try:
        ids.validate_resident_id(value)
    except ids.InvalidIdentifier as exc:
        raise ValidationError(f"公民身份号码无效：{exc}") from None


CLASS_CHOICES = [(1, "一类"), (2, "二类"), (3, "三类"), (4, "四类")]


class Person(models.Model):
    """A person insured under residents' or employees' basic medical insurance."""

    # Encrypted per field with a blind index for exact lookup (C20, common.fields).
    resident_id = EncryptedCharField(
        "公民身份号码", max_length=18, unique=True, validators=[validate_resident_id]
    )
    resident_id_bidx = BlindIndexField(of="resident_id", unique=True)
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


def _end_day_fits(identity: Any, ctx: StepContext) -> Refusal | None:
    day = ctx.data.get("ended_on")
    if day is None or day < identity.valid_from:
        return Refusal(
            f"终止日期不能早于有效期起（{cn_date(identity.valid_from)}）",
            code="invalid_validity",
            field="ended_on",
        )
    if identity.valid_until is not None and day > identity.valid_until:
        return Refusal(
            f"该身份已于{cn_date(identity.valid_until)}到期，终止日期不能晚于到期日",
            code="invalid_validity",
            field="ended_on",
        )
    return None


class Identity(FSMModelMixin, models.Model):
    """An identity recognised by 民政 or 乡村振兴 (第四条第八款), with its validity and evidence."""

    class Status(models.TextChoices):
        RECOGNISED = "recognised", "已认定"
        ENDED = "ended", "已终止"

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
    status = FSMField(
        "认定状态", max_length=12, choices=Status.choices, default=Status.RECOGNISED, protected=True
    )
    end_reason = models.CharField("终止原因", max_length=200, blank=True)
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

    def get_absolute_url(self) -> str:
        name = (
            "identities_civil_affairs"
            if self.source_department.code == "civil_affairs"
            else "identities_rural"
        )
        return reverse(f"medical_assistance:{name}") + "?" + urlencode({"q": self.evidence})

    @property
    def recipient_class(self) -> int | None:
        return CLASS_OF_KIND.get(IdentityKind.of(self.kind))

    def clean(self) -> None:
        if self.valid_until and self.valid_from and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": "有效期止不能早于有效期起。"})

    @transition(
        field=status,
        source=Status.RECOGNISED,
        target=Status.ENDED,
        custom=step(
            "终止救助身份",
            cites=CITE_RECOGNITION,
            roles=STAFF,
            checks=(_end_day_fits,),
            audit_fields=("valid_until", "end_reason"),
        ),
    )
    def end(self, ctx: StepContext) -> None:
        """动态管理: the recognising department ends the identity on a day (the last day it holds)."""
        self.valid_until = ctx.data["ended_on"]
        self.end_reason = str(ctx.data.get("reason", "")).strip()[:200]


class CivilAffairsIdentity(Identity):
    """An identity 民政 recognises (第二十二条第三款): the procedure of the 民政局."""

    class Meta:
        proxy = True
        verbose_name = "救助身份（民政部门认定）"
        verbose_name_plural = "救助身份（民政部门认定）"


class RuralIdentity(Identity):
    """An identity 乡村振兴 recognises (第二十二条第八款): the procedure of the 乡村振兴局."""

    class Meta:
        proxy = True
        verbose_name = "救助身份（乡村振兴部门认定）"
        verbose_name_plural = "救助身份（乡村振兴部门认定）"
