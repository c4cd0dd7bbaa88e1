"""The policy library in the database: a copy of gazette/ (the Markdown is the source of truth).

`manage.py load_gazette` fills these tables from gazette/index.yaml and gazette/*.md; run it again and it
updates what changed and removes what is gone, so the rows always mirror the files.
"""

from __future__ import annotations

from django.db import models


class Document(models.Model):
    """One document of the gazette (one 文号)."""

    slug = models.SlugField("标识", max_length=60, unique=True)
    number = models.CharField("文号", max_length=40, unique=True)
    title = models.CharField("标题", max_length=300)
    notice_title = models.CharField("通知标题", max_length=300)
    issuer = models.CharField("发文机关", max_length=60)
    issued = models.DateField("成文日期")
    effective = models.DateField("施行日期", null=True, blank=True)
    valid_until = models.DateField("有效期至", null=True, blank=True)
    interpreted_by = models.CharField("解释部门", max_length=80, blank=True)
    module = models.CharField("对应系统", max_length=60, blank=True)
    position = models.PositiveSmallIntegerField("排序", default=0)
    text = models.TextField("全文", blank=True)

    class Meta:
        ordering = ("position", "issued")
        verbose_name = "政策文件"
        verbose_name_plural = "政策文件"

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class Unit(models.Model):
    """One anchored place of a document: article (条), paragraph (款), item (项), section, annex, table…"""

    KINDS = (
        ("notice", "通知"),
        ("preamble", "序言"),
        ("part", "部分"),
        ("chapter", "章"),
        ("article", "条"),
        ("paragraph", "款"),
        ("section", "部分（一、）"),
        ("item", "项"),
        ("sub_item", "目"),
        ("annex", "附件"),
        ("table", "附表"),
        ("note", "注"),
        ("annex_list", "附件目录"),
        ("closing", "结束语"),
    )

    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="units", verbose_name="文件"
    )
    anchor = models.CharField("锚点", max_length=80)
    kind = models.CharField("类型", max_length=20, choices=KINDS)
    label = models.CharField("条目", max_length=80)
    heading = models.CharField("标题", max_length=300, blank=True)
    text = models.TextField("正文", blank=True)  # own text, verbatim (Markdown bold kept)
    search_text = models.TextField("检索文本", blank=True)  # heading + text without markup
    parent_anchor = models.CharField("上级锚点", max_length=80, blank=True)
    citation = models.CharField("引用写法", max_length=120, blank=True)
    position = models.PositiveIntegerField("顺序")
    cells = models.JSONField("表格行", default=list, blank=True)
    rows = models.JSONField("表格", default=list, blank=True)
    row_anchors = models.JSONField("表格行锚点", default=list, blank=True)
    header_rows = models.PositiveSmallIntegerField("表头行数", default=0)

    class Meta:
        ordering = ("document", "position")
        constraints = (
            models.UniqueConstraint(fields=["document", "anchor"], name="gazette_unit_anchor_unique"),
        )
        verbose_name = "条目"
        verbose_name_plural = "条目"

    def __str__(self) -> str:
        return f"{self.document.number} {self.label}"

    @property
    def in_table(self) -> bool:
        return bool(self.cells)
