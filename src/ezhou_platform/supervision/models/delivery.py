"""鄂州政办发〔2022〕28号's network of delivery sites: district distribution centres, township service stations,
village service points — each with its operators (共同配送), functions, place in the jurisdiction register and a
dated state history — and the villages designated as dispersed (三（一）3).

A site is a procedure case (``supervision.site``): each change of state is a step with its date, taken by the
postal administration; ``SiteState`` keeps the history the coverage engine reads (T11: a site counts on the
days it operates). A designation of a dispersed village is dated and ended, never deleted.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django_fsm import FSMField, FSMModelMixin, transition

from ezhou_platform.common import clock
from ezhou_platform.common.models import Jurisdiction, Organisation
from ezhou_platform.common.roles import Role
from ezhou_platform.procedures.machine import StepContext, step
from ezhou_rules.supervision.rural_delivery import LEVELS
from ezhou_rules.supervision.rural_delivery.sites import SITE_STATES

from .plans import Plan

KEEPERS = (Role.CLERK, Role.DEPARTMENT_HEAD)
# Each step cites the level's article (二（一）–（三）) through Procedure.cites_of; this is the whole of 二.
SITE_CITE = "鄂州政办发〔2022〕28号 二"
LEVEL_LABELS = {
    "district": "区级寄递公共配送中心",
    "township": "乡镇寄递物流综合服务站",
    "village": "村级寄递物流综合服务网点",
}


def _after_last_state(record: Any, ctx: StepContext) -> str | None:
    last = record.states.order_by("-since", "-id").first()
    if last is not None and ctx.on <= last.since:
        return f"状态日期应晚于上一状态的日期{last.since.year}年{last.since.month}月{last.since.day}日"
    if ctx.on > clock.today():
        return "状态日期不能晚于今天（登记已经发生的变化）"
    return None


class Site(FSMModelMixin, models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", SITE_STATES["planned"]
        BUILDING = "building", SITE_STATES["building"]
        OPERATING = "operating", SITE_STATES["operating"]
        SUSPENDED = "suspended", SITE_STATES["suspended"]
        CLOSED = "closed", SITE_STATES["closed"]

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="sites", verbose_name="督办方案")
    code = models.CharField("站点编号", max_length=30, unique=True)
    name = models.CharField("站点名称", max_length=100)
    level = models.CharField("站点层级", max_length=10, choices=[(lv, LEVEL_LABELS[lv]) for lv in LEVELS])
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="delivery_sites", verbose_name="所在辖区"
    )
    address = models.CharField("地址", max_length=200, blank=True)
    functions = models.JSONField("服务职能", default=list)
    status = FSMField("状态", default=Status.PLANNED, choices=Status.choices, protected=True)
    registered_by = models.ForeignKey(
        "common.User", on_delete=models.PROTECT, related_name="+", verbose_name="登记人"
    )
    registered_at = models.DateTimeField("登记时间", default=clock.now)

    class Meta:
        verbose_name = "寄递物流站点"
        verbose_name_plural = "寄递物流站点"
        ordering = ["level", "code"]
        indexes = [models.Index(fields=["level", "status"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("supervision:site", args=[self.pk])

    @transition(
        field=status,
        source=Status.PLANNED,
        target=Status.BUILDING,
        custom=step("开工建设", cites=SITE_CITE, roles=KEEPERS, checks=(_after_last_state,)),
    )
    def start_building(self, ctx: StepContext) -> None:
        """开工建设."""

    @transition(
        field=status,
        source=[Status.PLANNED, Status.BUILDING, Status.SUSPENDED],
        target=Status.OPERATING,
        custom=step("投入运营", cites=SITE_CITE, roles=KEEPERS, checks=(_after_last_state,)),
    )
    def open_site(self, ctx: StepContext) -> None:
        """投入运营 (or resume): counts as built from this day (T11)."""

    @transition(
        field=status,
        source=Status.OPERATING,
        target=Status.SUSPENDED,
        custom=step("暂停运营", cites=SITE_CITE, roles=KEEPERS, checks=(_after_last_state,)),
    )
    def suspend(self, ctx: StepContext) -> None:
        """暂停运营: not counted while suspended."""

    @transition(
        field=status,
        source=[Status.PLANNED, Status.BUILDING, Status.OPERATING, Status.SUSPENDED],
        target=Status.CLOSED,
        custom=step("撤销站点", cites=SITE_CITE, roles=KEEPERS, checks=(_after_last_state,)),
    )
    def close_site(self, ctx: StepContext) -> None:
        """撤销: no longer counted; the history stays."""


class SiteOperator(models.Model):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="operators", verbose_name="站点")
    position = models.PositiveSmallIntegerField("顺序")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="delivery_sites", verbose_name="运营主体"
    )

    class Meta:
        verbose_name = "站点运营主体"
        verbose_name_plural = "站点运营主体"
        ordering = ["site", "position"]
        constraints = [models.UniqueConstraint(fields=["site", "organisation"], name="site_operator_once")]

    def __str__(self) -> str:
        return str(self.organisation)


class SiteState(models.Model):
    """One entry of a site's history: its state from a date (the rules' SiteState)."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="states", verbose_name="站点")
    state = models.CharField("状态", max_length=10, choices=Site.Status.choices)
    since = models.DateField("起始日期")
    recorded_by = models.ForeignKey(
        "common.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="登记人",
    )
    recorded_at = models.DateTimeField("登记时间", default=clock.now)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "站点状态记录"
        verbose_name_plural = "站点状态记录"
        ordering = ["site", "since", "id"]
        constraints = [models.UniqueConstraint(fields=["site", "since"], name="site_state_once_a_day")]

    def __str__(self) -> str:
        return f"{self.site_id} {self.get_state_display()} {self.since}"


class DispersedVillage(models.Model):
    """A village designated as 村民居住分散、进出快件量较大 (三（一）3): may hold more than two service points."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="+", verbose_name="建制村"
    )
    since = models.DateField("认定日期")
    until = models.DateField("终止日期", null=True, blank=True)
    basis = models.CharField("认定依据", max_length=300)
    recorded_by = models.ForeignKey(
        "common.User", on_delete=models.PROTECT, related_name="+", verbose_name="登记人"
    )
    recorded_at = models.DateTimeField("登记时间", default=clock.now)

    class Meta:
        verbose_name = "居住分散的建制村"
        verbose_name_plural = "居住分散的建制村"
        ordering = ["jurisdiction", "since"]

    def __str__(self) -> str:
        return str(self.jurisdiction)

    def holds_on(self, day: Any) -> bool:
        return self.since <= day and (self.until is None or day <= self.until)
