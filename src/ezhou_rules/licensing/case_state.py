"""The state of a commitment-route case from its events: what is due and when, what is overdue, what the
authority must do next, and whether the holder may operate (第二部分 三（一）至（四）).

Events are facts with their day (submission, decision, materials received, rectification order, rectified,
revocation proposal, hearing, revocation decision …). ``case_state`` replays them in order, refuses an event
that the procedure does not allow at that point (``event_out_of_order``), and computes the due items on the
date asked. Periods come from the item's configuration (periods.PeriodTable); a period not configured is shown
as such and opens no deadline. Revocation is never automatic: an overdue rectification only makes a revocation
proposal due; revocation needs the proposal, the applicant heard, and a clerk's decision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ezhou_rules.core.citations import rule
from ezhou_rules.core.workdays import WorkdayCalendar

from . import CITE_APPLY, CITE_DECIDE, CITE_OPERATE, CITE_OVERSIGHT
from .decision import Operation, operation_permitted
from .errors import LicensingError, parse_day
from .notification import Qualification, chinese_date
from .periods import CountingEvent, PeriodKind, PeriodNotConfigured, PeriodTable


class EventKind(StrEnum):
    NOTIFIED = "notified"  # 一次性告知
    SUBMITTED = "submitted"  # 递交申请书、告知承诺书（收到之日）
    DECIDED = "decided"  # 准予许可决定
    REFUSED = "refused"  # 不予许可决定
    WITHDRAWN = "withdrawn"  # 申请人撤回申请
    DELIVERED = "delivered"  # 许可证件送达
    MATERIAL_RECEIVED = "material_received"  # 决定后提交的材料（conforming: 是否符合要求）
    QUALIFIED = "qualified"  # 证明达到所承诺的经营许可条件
    VERIFIED = "verified"  # 承诺内容核查（conforming: 属实/不实）
    RECTIFICATION_ORDERED = "rectification_ordered"  # 责令限期整改
    RECTIFIED = "rectified"  # 整改结果（conforming: 是否符合要求）
    REVOCATION_PROPOSED = "revocation_proposed"  # 提出撤销建议
    HEARD = "heard"  # 听取申请人陈述、申辩（听证）
    REVOKED = "revoked"  # 撤销许可决定
    REVOCATION_DROPPED = "revocation_dropped"  # 听取意见后决定不予撤销

    @property
    def label(self) -> str:
        return EVENT_LABELS[self]


EVENT_LABELS = {
    EventKind.NOTIFIED: "一次性告知",
    EventKind.SUBMITTED: "递交告知承诺书",
    EventKind.DECIDED: "作出准予许可决定",
    EventKind.REFUSED: "作出不予许可决定",
    EventKind.WITHDRAWN: "撤回申请",
    EventKind.DELIVERED: "送达许可证件",
    EventKind.MATERIAL_RECEIVED: "收到材料",
    EventKind.QUALIFIED: "证明达到承诺条件",
    EventKind.VERIFIED: "核查承诺内容",
    EventKind.RECTIFICATION_ORDERED: "责令限期整改",
    EventKind.RECTIFIED: "整改结果",
    EventKind.REVOCATION_PROPOSED: "提出撤销建议",
    EventKind.HEARD: "听取陈述申辩",
    EventKind.REVOKED: "撤销许可",
    EventKind.REVOCATION_DROPPED: "决定不予撤销",
}
STATUS_LABELS = {
    "notified": "已告知，待递交承诺",
    "submitted": "已受理，待决定",
    "licensed": "已许可",
    "rectifying": "限期整改中",
    "rectification_failed": "整改未通过，待提出撤销建议",
    "revocation_proposed": "拟撤销，待听取陈述申辩",
    "heard": "已听取意见，待作出撤销决定",
    "revoked": "许可已撤销",
    "refused": "不予许可",
    "withdrawn": "已撤回",
}


class Route(StrEnum):
    COMMITMENT = "commitment"  # 告知承诺制
    GENERAL = "general"  # 一般程序


@dataclass(frozen=True)
class Event:
    kind: EventKind
    on: dt.date
    material: str | None = None
    conforming: bool | None = None
    number: str | None = None  # 决定书、整改通知书编号
    reason: str | None = None  # for an order: materials | conditions | commitment_untrue


@dataclass(frozen=True)
class CaseFile:
    item: str
    route: Route
    qualification: Qualification | None  # the commitment's type; None on the general route
    materials_after_decision: tuple[str, ...]  # codes of the scheme's materials due after the decision
    events: tuple[Event, ...]


@dataclass(frozen=True)
class DueItem:
    code: str
    label: str
    due: dt.date | None
    basis: str  # 自许可决定作出之日起20个工作日内 / the not-configured message
    configured: bool
    overdue: bool
    citation: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "label": self.label,
            "due": self.due.isoformat() if self.due else None,
            "basis": self.basis,
            "configured": self.configured,
            "overdue": self.overdue,
            "citation": self.citation,
        }


@dataclass(frozen=True)
class Action:
    code: str
    label: str
    citation: str

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "label": self.label, "citation": self.citation}


@dataclass(frozen=True)
class CaseState:
    item: str
    on: dt.date
    status: str
    due: tuple[DueItem, ...]
    actions: tuple[Action, ...]
    operation: Operation
    on_the_spot: bool | None  # decided on the day of receipt (None before a decision)
    history: tuple[str, ...] = field(default_factory=tuple)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def overdue(self) -> bool:
        return any(d.overdue for d in self.due)

    def to_dict(self) -> dict[str, Any]:
        """The body of POST …/licensing/case-state."""
        return {
            "item": self.item,
            "on": self.on.isoformat(),
            "status": self.status,
            "status_label": self.status_label,
            "overdue": self.overdue,
            "due": [d.to_dict() for d in self.due],
            "actions": [a.to_dict() for a in self.actions],
            "operation": self.operation.to_dict(),
            "on_the_spot": self.on_the_spot,
            "history": list(self.history),
        }


@dataclass
class _Replay:
    status: str | None = None
    days: dict[EventKind, dt.date] = field(default_factory=dict)  # first day of each kind
    materials: dict[str, Event] = field(default_factory=dict)  # latest receipt per material
    order: Event | None = None  # the open rectification order
    order_result: Event | None = None
    untrue: Event | None = None  # a verification that found the commitment untrue
    verified: Event | None = None
    history: list[str] = field(default_factory=list)


# the statuses each event may follow (None: no event yet)
_ALLOWED: Mapping[EventKind, frozenset[str | None]] = {
    EventKind.NOTIFIED: frozenset({None}),
    EventKind.SUBMITTED: frozenset({None, "notified"}),
    EventKind.DECIDED: frozenset({"submitted"}),
    EventKind.REFUSED: frozenset({"submitted"}),
    EventKind.WITHDRAWN: frozenset({"submitted", "notified"}),
    EventKind.DELIVERED: frozenset({"licensed", "rectifying", "rectification_failed"}),
    EventKind.MATERIAL_RECEIVED: frozenset(
        {"licensed", "rectifying", "rectification_failed", "revocation_proposed", "heard"}
    ),
    EventKind.QUALIFIED: frozenset(
        {"licensed", "rectifying", "rectification_failed", "revocation_proposed", "heard"}
    ),
    EventKind.VERIFIED: frozenset({"submitted", "licensed", "rectifying", "rectification_failed"}),
    EventKind.RECTIFICATION_ORDERED: frozenset({"licensed"}),
    EventKind.RECTIFIED: frozenset({"rectifying"}),
    EventKind.REVOCATION_PROPOSED: frozenset({"licensed", "rectifying", "rectification_failed"}),
    EventKind.HEARD: frozenset({"revocation_proposed"}),
    EventKind.REVOKED: frozenset({"heard"}),
    EventKind.REVOCATION_DROPPED: frozenset({"heard"}),
}
_NEXT = {
    EventKind.NOTIFIED: "notified",
    EventKind.SUBMITTED: "submitted",
    EventKind.DECIDED: "licensed",
    EventKind.REFUSED: "refused",
    EventKind.WITHDRAWN: "withdrawn",
    EventKind.RECTIFICATION_ORDERED: "rectifying",
    EventKind.REVOCATION_PROPOSED: "revocation_proposed",
    EventKind.HEARD: "heard",
    EventKind.REVOKED: "revoked",
    EventKind.REVOCATION_DROPPED: "licensed",
}


def _out_of_order(n: int, e: Event, why: str) -> LicensingError:
    return LicensingError(
        "event_out_of_order", f"事件第{n}项（{chinese_date(e.on)} {e.kind.label}）：{why}", field="events"
    )


def _replay(case: CaseFile, on: dt.date, periods: PeriodTable, cal: WorkdayCalendar) -> _Replay:
    r = _Replay()
    ordered = sorted(enumerate(case.events, 1), key=lambda x: x[1].on)
    for n, e in ordered:
        if e.on > on:
            continue  # the state as known on ``on``
        if r.status not in _ALLOWED[e.kind]:
            now = STATUS_LABELS.get(r.status or "", "尚无任何事件")
            raise _out_of_order(n, e, f"案件当时的状态为“{now}”，此时不能{e.kind.label}。")
        if e.kind in (EventKind.DELIVERED, EventKind.SUBMITTED, EventKind.QUALIFIED) and e.kind in r.days:
            raise _out_of_order(n, e, "该事件只能发生一次。")
        if e.kind is EventKind.MATERIAL_RECEIVED:
            if e.material not in case.materials_after_decision:
                raise _out_of_order(n, e, f"材料“{e.material}”不是约定在决定作出后提交的材料。")
            if e.conforming is None:
                raise LicensingError(
                    "event_invalid", f"事件第{n}项：收到材料须注明是否符合要求。", field="events"
                )
            r.materials[e.material] = e
        if e.kind is EventKind.QUALIFIED and case.qualification is not Qualification.LATER:
            raise _out_of_order(n, e, "申请人承诺的是已具备经营许可条件，没有需要证明的后续条件。")
        if e.kind in (EventKind.VERIFIED, EventKind.RECTIFIED) and e.conforming is None:
            raise LicensingError(
                "event_invalid",
                f"事件第{n}项：{e.kind.label}须注明结果（是否属实/符合要求）。",
                field="events",
            )
        if e.kind is EventKind.VERIFIED:
            r.verified = e
            if e.conforming is False:
                r.untrue = e
        if e.kind is EventKind.RECTIFICATION_ORDERED:
            r.order, r.order_result = e, None
        if e.kind is EventKind.RECTIFIED:
            r.order_result = e
            r.status = "licensed" if e.conforming else "rectification_failed"
            if e.conforming:  # the matter the order was about is put right
                r.order, r.untrue = None, None
        if e.kind is EventKind.REVOCATION_PROPOSED:
            grounds = (
                r.untrue is not None
                or r.status == "rectification_failed"
                or (
                    r.status == "rectifying"
                    and r.order is not None
                    and _rectification_overdue(case, r.order, e.on, periods, cal)
                )
            )
            if not grounds:
                raise _out_of_order(
                    n,
                    e,
                    "撤销须以逾期不整改、整改后仍不符合要求或核查发现承诺不实为前提（"
                    + CITE_OVERSIGHT
                    + "）。",
                )
        if e.kind in _NEXT:
            r.status = _NEXT[e.kind]
        if e.kind is EventKind.REVOCATION_DROPPED:  # the clerk closes the matter; the licence stands
            r.order, r.order_result, r.untrue = None, None, None
        r.days.setdefault(e.kind, e.on)
        r.history.append(f"{chinese_date(e.on)} {e.kind.label}" + (f"（{e.number}）" if e.number else ""))
    if case.route is Route.GENERAL and r.days.get(EventKind.NOTIFIED):
        raise LicensingError("event_invalid", "一般程序的案件没有一次性告知承诺事件。", field="events")
    return r


def _rectification_overdue(
    case: CaseFile, order: Event, day: dt.date, periods: PeriodTable, cal: WorkdayCalendar
) -> bool:
    found = periods.lookup(case.item, PeriodKind.RECTIFICATION, order.on)
    return not isinstance(found, PeriodNotConfigured) and found.due(order.on, cal) < day


def _period_item(
    code: str,
    label: str,
    case: CaseFile,
    kind: PeriodKind,
    lookup_day: dt.date,
    start: dt.date | None,
    on: dt.date,
    periods: PeriodTable,
    cal: WorkdayCalendar,
    material: str | None = None,
) -> DueItem:
    found = periods.lookup(case.item, kind, lookup_day, material)
    if isinstance(found, PeriodNotConfigured):
        return DueItem(code, label, None, found.message, False, False, kind.citation)
    if start is None:
        return DueItem(
            code,
            label,
            None,
            f"{found.describe()}（{found.counts_from.label}尚未发生，期限尚未起算）",
            True,
            False,
            kind.citation,
        )
    due = found.due(start, cal)
    return DueItem(code, label, due, found.describe(), True, on > due, kind.citation)


@rule(
    cites=[CITE_APPLY, CITE_DECIDE, CITE_OPERATE, CITE_OVERSIGHT],
    summary="按案件事件计算状态、到期事项、逾期与是否可以开展经营",
)
def case_state(case: CaseFile, *, periods: PeriodTable, cal: WorkdayCalendar, on: dt.date) -> CaseState:
    """The case on ``on`` (events dated after ``on`` are not taken into account)."""
    r = _replay(case, on, periods, cal)
    due: list[DueItem] = []
    actions: list[Action] = []
    days = r.days
    submitted, decided = days.get(EventKind.SUBMITTED), days.get(EventKind.DECIDED)
    # on-the-spot decisions hand the licence over at once; otherwise the delivery day must be recorded
    delivered = days.get(EventKind.DELIVERED) or (
        decided if decided is not None and decided == submitted else None
    )
    starts = {
        CountingEvent.DECIDED: decided,
        CountingEvent.DELIVERED: delivered,
        CountingEvent.SUBMITTED: submitted,
    }
    commitment = case.route is Route.COMMITMENT
    if r.status is None:
        raise LicensingError(
            "events_missing", "事件：案件至少应有一次性告知或递交告知承诺书。", field="events"
        )
    if r.status == "notified":
        notified = days[EventKind.NOTIFIED]
        due.append(
            _period_item(
                "commitment", "作出承诺", case, PeriodKind.COMMITMENT, notified, notified, on, periods, cal
            )
        )
    if r.status == "submitted" and commitment and submitted is not None:
        late = on > submitted
        due.append(
            DueItem(
                "decision",
                "当场作出许可决定",
                submitted,
                "符合条件并提交约定材料的，应当当场作出决定",
                True,
                late,
                CITE_DECIDE,
            )
        )
    licensed_states = {"licensed", "rectifying", "rectification_failed", "revocation_proposed", "heard"}
    if r.status in licensed_states and commitment and submitted is not None:
        for code in case.materials_after_decision:
            got = r.materials.get(code)
            if got is not None and got.conforming:
                continue
            item = _period_item(
                f"material:{code}",
                f"提交材料“{code}”",
                case,
                PeriodKind.MATERIALS,
                submitted,
                _start(case, PeriodKind.MATERIALS, submitted, periods, starts, code),
                on,
                periods,
                cal,
                code,
            )
            due.append(item)
            if got is not None and not got.conforming and r.status == "licensed":
                actions.append(
                    Action(f"order:{code}", f"材料“{code}”不符合要求，应责令限期整改", CITE_OVERSIGHT)
                )
            elif item.overdue and r.status == "licensed":
                actions.append(
                    Action(f"order:{code}", f"材料“{code}”逾期未提交，应责令限期整改", CITE_OVERSIGHT)
                )
                actions.append(
                    Action(f"credit:{code}", "将未在规定期限内提交材料的情况纳入信用记录", CITE_OVERSIGHT)
                )
        if case.qualification is Qualification.LATER and EventKind.QUALIFIED not in days:
            item = _period_item(
                "qualify",
                "证明达到所承诺的经营许可条件",
                case,
                PeriodKind.QUALIFY,
                submitted,
                _start(case, PeriodKind.QUALIFY, submitted, periods, starts),
                on,
                periods,
                cal,
            )
            due.append(item)
            if item.overdue and r.status == "licensed":
                actions.append(
                    Action("order:qualify", "逾期未达到所承诺的条件，应责令限期整改", CITE_OVERSIGHT)
                )
        if r.verified is None:
            vstart = _start(case, PeriodKind.VERIFICATION, submitted, periods, starts)
            due.append(
                _period_item(
                    "verification",
                    "核查承诺内容",
                    case,
                    PeriodKind.VERIFICATION,
                    vstart or submitted,
                    vstart,
                    on,
                    periods,
                    cal,
                )
            )
        if r.untrue is not None and r.status in ("licensed", "rectifying", "rectification_failed"):
            actions.append(Action("untrue", "核查发现承诺不实：应责令限期整改或提出撤销建议", CITE_OVERSIGHT))
            actions.append(
                Action(
                    "credit:untrue",
                    "将承诺不实纳入信用记录并公示（信用修复前不适用告知承诺制）",
                    CITE_OVERSIGHT,
                )
            )
    if r.status == "rectifying" and r.order is not None:
        item = _period_item(
            "rectification",
            "限期整改",
            case,
            PeriodKind.RECTIFICATION,
            r.order.on,
            r.order.on,
            on,
            periods,
            cal,
        )
        due.append(item)
        if item.overdue:
            actions.append(
                Action(
                    "propose_revocation",
                    "逾期不整改，应提出撤销建议（撤销前须听取申请人意见）",
                    CITE_OVERSIGHT,
                )
            )
    if r.status == "rectification_failed":
        actions.append(
            Action(
                "propose_revocation",
                "整改后仍不符合要求，应提出撤销建议（撤销前须听取申请人意见）",
                CITE_OVERSIGHT,
            )
        )
    if r.status == "revocation_proposed":
        actions.append(Action("hear", "听取申请人的陈述和申辩", CITE_OVERSIGHT))
    if r.status == "heard":
        actions.append(Action("decide_revocation", "由经办人员作出撤销或不予撤销的决定", CITE_OVERSIGHT))
    if case.route is Route.GENERAL or case.qualification is None:
        qualification = Qualification.ALREADY
    else:
        qualification = case.qualification
    if decided is None:
        operation = Operation(False, None, "尚未作出准予许可决定，不得开展经营活动。")
    else:
        operation = operation_permitted(
            qualification,
            on=on,
            delivered_on=delivered,
            qualified_on=days.get(EventKind.QUALIFIED),
            revoked_on=days.get(EventKind.REVOKED),
        )
    spot = None if decided is None or not commitment else decided == submitted
    return CaseState(case.item, on, r.status, tuple(due), tuple(actions), operation, spot, tuple(r.history))


def _start(
    case: CaseFile,
    kind: PeriodKind,
    lookup_day: dt.date,
    periods: PeriodTable,
    starts: Mapping[CountingEvent, dt.date | None],
    material: str | None = None,
) -> dt.date | None:
    found = periods.lookup(case.item, kind, lookup_day, material)
    return None if isinstance(found, PeriodNotConfigured) else starts.get(found.counts_from)


# -- from request data ---------------------------------------------------------------------------------------


def _day(value: Any, field: str, label: str) -> dt.date:
    return parse_day(value, field=field, label=label, code="case_invalid")


def case_from_dict(data: Mapping[str, Any]) -> CaseFile:
    """A case file from request data (POST …/licensing/case-state); errors name the field in Chinese."""
    if not str(data.get("item") or "").strip():
        raise LicensingError("case_invalid", "事项：不能为空。", field="item")
    try:
        route = Route(data.get("route", "commitment"))
    except ValueError:
        raise LicensingError(
            "case_invalid", "办理方式：应为 commitment（告知承诺制）或 general（一般程序）。", field="route"
        ) from None
    raw_q = data.get("qualification")
    try:
        qualification = Qualification(raw_q) if raw_q else None
    except ValueError:
        raise LicensingError(
            "case_invalid",
            "承诺类型：应为 already（已具备条件）或 later（领证后一定期限内具备）。",
            field="qualification",
        ) from None
    if route is Route.COMMITMENT and qualification is None:
        raise LicensingError(
            "case_invalid", "承诺类型：告知承诺制案件须注明承诺类型。", field="qualification"
        )
    events: list[Event] = []
    raw_events: Sequence[Any] = data.get("events") or ()
    for n, ev in enumerate(raw_events, 1):
        if not isinstance(ev, Mapping):
            raise LicensingError("case_invalid", f"事件第{n}项：应为对象。", field="events")
        try:
            kind = EventKind(str(ev.get("kind")))
        except ValueError:
            allowed = "、".join(f"{k.value}（{k.label}）" for k in EventKind)
            raise LicensingError(
                "case_invalid",
                f"事件第{n}项：类型“{ev.get('kind')}”无法识别（可选：{allowed}）。",
                field="events",
            ) from None
        conforming = ev.get("conforming")
        if conforming is not None and not isinstance(conforming, bool):
            raise LicensingError(
                "case_invalid", f"事件第{n}项：结果 conforming 应为 true 或 false。", field="events"
            )
        events.append(
            Event(
                kind,
                _day(ev.get("on"), "events", f"事件第{n}项的日期"),
                ev.get("material") or None,
                conforming,
                ev.get("number") or None,
                ev.get("reason") or None,
            )
        )
    materials = tuple(str(m) for m in data.get("materials_after_decision") or ())
    return CaseFile(str(data["item"]).strip(), route, qualification, materials, tuple(events))
