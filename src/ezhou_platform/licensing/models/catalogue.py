"""The reform list as versioned data (附件1), loaded from the policy library by `ezhou licensing load-catalogue`.

Each load that finds a text different from the last one is a new ``CatalogueVersion`` with its items; an
unchanged text adds nothing. A version is never edited: cases point at the item row of the version in force
when they were filed, so what an enterprise was told stays what it was told. A withdrawal from the list
(第二部分 四（一）: 动态清单管理) is a dated ``ItemWithdrawal`` row beside it.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from ezhou_platform.common import clock


class CatalogueVersion(models.Model):
    batch = models.PositiveSmallIntegerField("批次")
    version = models.PositiveIntegerField("版本")
    title = models.CharField("清单名称", max_length=100)
    valid_from = models.DateField("生效日期")
    citation = models.CharField("生效依据", max_length=120)
    source = models.CharField("来源", max_length=200, help_text="政策文件库中的位置")
    source_sha256 = models.CharField("清单内容摘要（SHA-256）", max_length=64)
    items_count = models.PositiveIntegerField("事项数")
    problems = models.JSONField("无法读取或有疑问的内容", default=list, blank=True)
    loaded_at = models.DateTimeField("载入时间", default=clock.now)
    loaded_by = models.ForeignKey(
        "common.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="载入人",
    )

    class Meta:
        verbose_name = "事项清单版本"
        verbose_name_plural = "事项清单版本"
        ordering = ["-loaded_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "version"], name="licensing_one_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.title}（第{self.version}版）"


class CatalogueItem(models.Model):
    """One row of the annex as read, with its scope facets and flagged inconsistencies."""

    catalogue = models.ForeignKey(
        CatalogueVersion, on_delete=models.PROTECT, related_name="items", verbose_name="清单版本"
    )
    code = models.CharField("事项编号", max_length=12, db_index=True)
    batch = models.PositiveSmallIntegerField("批次")
    number = models.PositiveSmallIntegerField("序号")
    matter = models.CharField("涉企经营许可事项", max_length=200)
    certificates = models.JSONField("许可证件名称", default=list)
    basis = models.JSONField("设定依据", default=list)
    department_label = models.CharField("审批部门", max_length=40)
    department_type = models.CharField("审批部门类型", max_length=40, blank=True)
    modes = models.JSONField("改革方式", default=list)
    facets = models.JSONField("范围限定", default=list)
    inconsistencies = models.JSONField("不一致之处", default=list, blank=True)
    citation = models.CharField("条文", max_length=80)
    anchor = models.CharField("条文锚点", max_length=60)
    valid_from = models.DateField("生效日期")

    class Meta:
        verbose_name = "清单事项"
        verbose_name_plural = "清单事项"
        ordering = ["catalogue_id", "batch", "number"]
        constraints = [
            models.UniqueConstraint(fields=["catalogue", "code"], name="licensing_item_once_per_version")
        ]

    def __str__(self) -> str:
        return f"事项{self.number}“{self.matter}”"

    @property
    def title(self) -> str:
        return str(self)

    @property
    def mode_labels(self) -> str:
        return "、".join(m["label"] for m in self.modes)

    def facet_descriptions(self) -> list[str]:
        return [str(f["description"]) for f in self.facets]

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "number": self.number, "matter": self.matter}


class ItemWithdrawal(models.Model):
    """An item leaves the list from ``withdrawn_on`` (the day itself no longer in force)."""

    code = models.CharField("事项编号", max_length=12)
    withdrawn_on = models.DateField("移出日期")
    source = models.CharField("依据", max_length=300)
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
        verbose_name = "事项移出清单"
        verbose_name_plural = "事项移出清单"
        ordering = ["withdrawn_on", "id"]

    def __str__(self) -> str:
        return f"{self.code} 自{self.withdrawn_on:%Y-%m-%d}移出"
