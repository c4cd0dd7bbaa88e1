"""一次性告知 and the applicant's commitment (第二部分 二（二）1、2), and the proof of what was notified.

``build_notification`` writes the five contents of 二（二）1 from the item and its 一事项一方案, with the periods
configured for it; a content that cannot be stated (a period the item has not configured) stops the notice
(``NotConfigured``), because the authority bears the loss when it fails to notify (三（五）). ``notification_proof``
gives the content as canonical JSON, its SHA-256 and the template version for the platform to store.

``check_commitment`` checks a signed commitment: the five confirmations of 二（二）2, the way it reached the
authority (当面递交、在线提交或邮寄, a letter with the day it was received), the template version and the hash
of the notice it answers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ezhou_rules.core.citations import rule

from . import CITE_COMMIT, CITE_LIABILITY, CITE_NOTIFY, CITE_OPERATE, CITE_SUPERVISION, parameters
from .catalogue import CatalogueItem
from .errors import LicensingError
from .periods import PeriodKind, PeriodNotConfigured, PeriodRule, PeriodTable
from .scheme import Scheme, Timing

PROOF_FORMAT = "ezhou-licensing-notification/1"


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class Section:
    number: int  # 1–5, as in 二（二）1
    heading: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Notification:
    item: str
    item_title: str
    on: dt.date  # the day whose rules and texts it states
    scheme_version: str
    template_version: str
    template_sha256: str
    sections: tuple[Section, ...]
    periods: tuple[PeriodRule, ...] = ()
    later_qualification_offered: bool = False  # a 领证后具备条件 period is configured

    def content(self) -> dict[str, Any]:
        """The notified content as plain data (what the hash covers)."""
        return {
            "format": PROOF_FORMAT,
            "item": self.item,
            "item_title": self.item_title,
            "on": self.on.isoformat(),
            "scheme_version": self.scheme_version,
            "template_version": self.template_version,
            "template_sha256": self.template_sha256,
            "sections": [
                {"number": s.number, "heading": s.heading, "lines": list(s.lines)} for s in self.sections
            ],
            "later_qualification_offered": self.later_qualification_offered,
        }

    def canonical_json(self) -> str:
        """Sorted keys, no spaces, UTF-8 characters as they are: the same content always gives the same text."""
        return json.dumps(self.content(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()

    def text(self) -> str:
        """The notice as Chinese text for the page or the PDF."""
        out = [
            f"{self.item_title} 一次性告知（方案版本 {self.scheme_version}，告知承诺书格式文本版本 {self.template_version}）"
        ]
        for s in self.sections:
            out.append(f"{s.number}. {s.heading}")
            out.extend(f"   {line}" for line in s.lines)
        return "\n".join(out)


@dataclass(frozen=True)
class NotificationProof:
    item: str
    scheme_version: str
    template_version: str
    template_sha256: str
    content_sha256: str
    notified_at: dt.datetime
    content_json: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": PROOF_FORMAT,
            "item": self.item,
            "scheme_version": self.scheme_version,
            "template_version": self.template_version,
            "template_sha256": self.template_sha256,
            "content_sha256": self.content_sha256,
            "notified_at": self.notified_at.isoformat(),
        }


def _period_line(rule_: PeriodRule | PeriodNotConfigured) -> str:
    if isinstance(rule_, PeriodNotConfigured):
        return rule_.message
    return rule_.describe()


@rule(
    cites=[CITE_NOTIFY, CITE_LIABILITY],
    summary="一次性告知五项内容：依据、条件、材料、承诺时限与后果、其他内容",
)
def build_notification(
    item: CatalogueItem, scheme: Scheme, periods: PeriodTable, *, on: dt.date
) -> Notification:
    """The one-time notice of the item on ``on``. Raises ``NotConfigured`` (``period_not_configured``) when the
    commitment period or a material's period has not been configured, and ``LicensingError`` when the scheme
    belongs to another item or is not yet in force."""
    if scheme.item != item.code:
        raise LicensingError(
            "scheme_mismatch", f"方案属于事项 {scheme.item}，不是{item.title}。", field="scheme"
        )
    if scheme.valid_from > on:
        raise LicensingError(
            "scheme_not_in_force",
            f"方案版本 {scheme.version} 自 {chinese_date(scheme.valid_from)}起施行。",
            field="scheme",
        )
    headings = parameters().get("notification.contents", on)
    basis = [f"{b.title}{b.articles}" for b in scheme.legal_basis]
    basis.append(f"设定依据（{item.citation}）：{'、'.join(item.basis)}")
    conditions = [f"（{n}）{c.describe()}" for n, c in enumerate(scheme.conditions, 1)]
    materials = []
    used: list[PeriodRule] = []
    for n, m in enumerate(scheme.materials, 1):
        if m.timing is Timing.AT_SUBMISSION:
            materials.append(f"（{n}）{m.describe()}；期限：递交告知承诺书时一并提交")
        else:
            r = periods.require(item.code, PeriodKind.MATERIALS, on, m.code)
            used.append(r)
            materials.append(f"（{n}）{m.describe()}；期限：{r.describe()}")
    commit = periods.require(item.code, PeriodKind.COMMITMENT, on)
    used.append(commit)
    qualify = periods.lookup(item.code, PeriodKind.QUALIFY, on)
    effect = [
        f"作出承诺的时限：{commit.describe()}。",
        f"承诺的法律效力：{scheme.legal_effect}",
        f"逾期不作出承诺的后果：{scheme.consequences.no_commitment}",
        f"作出不实承诺的后果：{scheme.consequences.untrue}",
        f"违反承诺的后果：{scheme.consequences.breach}",
        f"申请人因不实承诺或违反承诺造成的损失以及由此产生的法律责任由申请人承担（{CITE_LIABILITY}）。",
    ]
    if isinstance(qualify, PeriodRule):
        used.append(qualify)
        effect.append(
            f"申请人尚不具备条件但承诺领证后一定期限内具备的，期限为{qualify.describe()}，达到条件后方可开展经营活动"
            f"（{CITE_OPERATE}）。"
        )
    else:
        effect.append(
            f"本事项未配置领证后具备条件的期限，申请人只能承诺已具备经营许可条件（{CITE_OPERATE}）。"
        )
    topics = parameters().get("notification.route_differences", on)
    other = [f"告知承诺制与一般程序在{t}上的区别：{scheme.differences.get(t, '')}" for t in topics]
    other.append(
        f"监管规则：{scheme.supervision.rules}（监管方式：{'、'.join(scheme.supervision.methods)}；{CITE_SUPERVISION}）"
    )
    other.append("申请人可以自主选择是否采用告知承诺制；不愿承诺或无法承诺的，按照一般程序办理。")
    other.extend(scheme.other)
    contents = (basis, conditions, materials, effect, other)
    sections = tuple(
        Section(n, h, tuple(lines)) for n, (h, lines) in enumerate(zip(headings, contents, strict=True), 1)
    )
    return Notification(
        item.code,
        item.title,
        on,
        scheme.version,
        scheme.template.version,
        scheme.template.sha256,
        sections,
        tuple(used),
        isinstance(qualify, PeriodRule),
    )


def notification_proof(notification: Notification, notified_at: dt.datetime) -> NotificationProof:
    """What the platform stores as proof of notification: the content, its hash, the template and the time."""
    if not isinstance(notified_at, dt.datetime) or notified_at.tzinfo is None:
        raise LicensingError(
            "notified_at_invalid",
            "告知时间：应为带时区的时刻（如 2023-03-01T09:30:00+08:00）。",
            field="notified_at",
        )
    return NotificationProof(
        notification.item,
        notification.scheme_version,
        notification.template_version,
        notification.template_sha256,
        notification.sha256,
        notified_at,
        notification.canonical_json(),
    )


# -- the commitment ------------------------------------------------------------------------------------------


class Delivery(StrEnum):
    IN_PERSON = "in_person"  # 当面递交
    ONLINE = "online"  # 在线提交
    POST = "post"  # 邮寄 (counted from the day the authority receives it)


DELIVERY_INDEX = {Delivery.IN_PERSON: 0, Delivery.ONLINE: 1, Delivery.POST: 2}


def delivery_label(delivery: Delivery, on: dt.date) -> str:
    """当面递交 / 在线提交 / 邮寄, as the plan words them (parameter commitment.delivery_methods)."""
    return str(parameters().get("commitment.delivery_methods", on)[DELIVERY_INDEX[delivery]])


class Qualification(StrEnum):
    ALREADY = "already"  # 承诺已具备经营许可条件
    LATER = "later"  # 尚不具备，承诺领证后一定期限内具备


@dataclass(frozen=True)
class Commitment:
    item: str
    template_version: str
    notification_sha256: str  # the notice it answers
    confirmations: frozenset[int]  # 1–5, the confirmations of 二（二）2 ticked
    delivery: Delivery
    signed_on: dt.date
    qualification: Qualification
    conditions: frozenset[str]  # codes of the scheme's conditions the applicant commits to
    received_on: dt.date | None = None  # the day the authority received it (required by post)
    applicant_uscc: str = ""
    applicant_name: str = ""

    @property
    def receipt_day(self) -> dt.date:
        """The day the application counts as received: the postal receipt day, else the day it was handed in
        or submitted online (the signing day unless another is recorded)."""
        return self.received_on or self.signed_on


def confirmation_texts(on: dt.date) -> tuple[str, ...]:
    return tuple(parameters().get("commitment.confirmations", on))


@rule(
    cites=[CITE_COMMIT, CITE_NOTIFY],
    summary="告知承诺书须对五项内容作出确认和承诺，经签署后当面递交、在线提交或邮寄",
)
def check_commitment(commitment: Commitment, notification: Notification, scheme: Scheme) -> Commitment:
    """The commitment if it is complete; else ``LicensingError`` ``commitment_incomplete`` naming every missing
    confirmation (by its text) and every other problem, so nothing is recorded half-done."""
    texts = confirmation_texts(commitment.signed_on)
    problems: list[str] = []
    fields: list[str] = []
    unknown = sorted(n for n in commitment.confirmations if not 1 <= n <= len(texts))
    if unknown:
        problems.append(f"确认和承诺：没有第{'、'.join(map(str, unknown))}项（共{len(texts)}项）。")
        fields.append("confirmations")
    for n, text in enumerate(texts, 1):
        if n not in commitment.confirmations:
            problems.append(f"确认和承诺：缺少第{n}项“{text}”。")
            fields.append("confirmations")
    if commitment.item != notification.item or scheme.item != notification.item:
        problems.append(
            f"事项：告知承诺书（{commitment.item}）与一次性告知（{notification.item}）不是同一事项。"
        )
        fields.append("item")
    if commitment.template_version != notification.template_version:
        problems.append(
            f"格式文本版本：告知承诺书使用版本 {commitment.template_version}，告知的是版本 {notification.template_version}。"
        )
        fields.append("template_version")
    if commitment.notification_sha256 != notification.sha256:
        problems.append("告知内容：告知承诺书所对应的告知内容与留存的一次性告知不一致（哈希值不同）。")
        fields.append("notification_sha256")
    if commitment.delivery is Delivery.POST and commitment.received_on is None:
        problems.append("收件日期：邮寄的告知承诺书须登记行政机关收到的日期。")
        fields.append("received_on")
    if commitment.received_on is not None and commitment.received_on < commitment.signed_on:
        problems.append("收件日期：早于签署日期。")
        fields.append("received_on")
    if commitment.signed_on < notification.on:
        problems.append(f"签署日期：早于一次性告知的日期 {chinese_date(notification.on)}。")
        fields.append("signed_on")
    if commitment.qualification is Qualification.LATER and not notification.later_qualification_offered:
        problems.append(
            f"承诺类型：本事项未配置领证后具备条件的期限，只能承诺已具备经营许可条件（{CITE_OPERATE}）。"
        )
        fields.append("qualification")
    codes = {c.code for c in scheme.conditions}
    stray = sorted(commitment.conditions - codes)
    if stray:
        problems.append(f"承诺的条件：方案中没有“{'、'.join(stray)}”。")
        fields.append("conditions")
    if problems:
        raise LicensingError(
            "commitment_incomplete",
            "告知承诺书不完整（" + CITE_COMMIT + "）：\n" + "\n".join(problems),
            fields=tuple(dict.fromkeys(fields)),
        )
    return commitment


def confirmations_from_codes(codes: Iterable[int | str]) -> frozenset[int]:
    """Ticks from a form (1–5 as numbers or text)."""
    out = set()
    for c in codes:
        try:
            out.add(int(c))
        except (TypeError, ValueError):
            raise LicensingError(
                "confirmations_invalid", f"确认和承诺：“{c}”不是项次（1—5）。", field="confirmations"
            ) from None
    return frozenset(out)
