"""一次性告知 (five contents), its proof hash, and the commitment with its five confirmations."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import replace

import pytest

from ezhou_rules.licensing.errors import LicensingError, NotConfigured
from ezhou_rules.licensing.notification import (
    Commitment,
    Delivery,
    Qualification,
    build_notification,
    check_commitment,
    delivery_label,
    notification_proof,
)
from ezhou_rules.licensing.periods import PeriodKind, PeriodTable

ON = dt.date(2023, 3, 1)
CST = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def notice(catalogue, scheme, periods):
    return build_notification(catalogue.item("b1-20"), scheme, periods, on=ON)


def test_five_contents(notice):
    assert [s.heading for s in notice.sections] == [
        "事项所依据的主要法律、法规、规章的名称和相关条款",
        "准予行政许可应当具备的条件、标准和技术要求",
        "申请材料的名称、提交方式和期限",
        "申请人作出承诺的时限和法律效力，以及逾期不作出承诺、作出不实承诺和违反承诺的法律后果",
        "行政机关应当告知的其他内容",
    ]
    basis, conditions, materials, effect, other = (s.lines for s in notice.sections)
    assert basis[0] == "《中华人民共和国食品安全法》第三十五条"
    assert "附件1 （二十）" in basis[1]
    assert conditions[0].startswith("（1）经营场所使用面积不低于20平方米")
    # the layout plan has its own period (10 days), the health certificates the item's (5 working days)
    assert materials[2].endswith("期限：自许可决定作出之日起10日内")
    assert materials[3].endswith("期限：自许可决定作出之日起5个工作日内")
    assert materials[0].endswith("递交告知承诺书时一并提交")
    assert effect[0] == "作出承诺的时限：自一次性告知之日起5个工作日内。"
    assert any("领证后一定期限内具备" in line for line in effect) and notice.later_qualification_offered
    assert any(line.startswith("告知承诺制与一般程序在办理时限上的区别") for line in other)
    assert "一次性告知" in notice.text()


def test_a_period_not_configured_stops_the_notice(catalogue, scheme, periods):
    item = catalogue.item("b1-20")
    without_commit = PeriodTable([p for p in periods.rules() if p.kind is not PeriodKind.COMMITMENT])
    with pytest.raises(NotConfigured) as e:
        build_notification(item, scheme, without_commit, on=ON)
    assert e.value.code == "period_not_configured" and "作出承诺的时限" in e.value.message
    only_layout = PeriodTable(
        [p for p in periods.rules() if p.kind is not PeriodKind.MATERIALS or p.material]
    )
    with pytest.raises(NotConfigured) as e:
        build_notification(item, scheme, only_layout, on=ON)
    assert "health_certificates" in e.value.message
    no_qualify = PeriodTable([p for p in periods.rules() if p.kind is not PeriodKind.QUALIFY])
    n = build_notification(item, scheme, no_qualify, on=ON)
    assert not n.later_qualification_offered
    assert any("只能承诺已具备经营许可条件" in line for line in n.sections[3].lines)
    with pytest.raises(LicensingError) as e:
        build_notification(catalogue.item("b1-21"), scheme, periods, on=ON)
    assert e.value.code == "scheme_mismatch"


def test_proof_is_the_hash_of_the_canonical_content(notice, scheme):
    at = dt.datetime(2023, 3, 1, 9, 30, tzinfo=CST)
    proof = notification_proof(notice, at)
    # recompute by hand: SHA-256 of the JSON with sorted keys and no spaces
    text = json.dumps(notice.content(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert proof.content_sha256 == hashlib.sha256(text.encode("utf-8")).hexdigest() == notice.sha256
    assert proof.content_json == text
    assert proof.to_dict()["notified_at"] == "2023-03-01T09:30:00+08:00"
    assert proof.template_version == "TPL-2023-01"
    assert proof.template_sha256 == hashlib.sha256(scheme.template.text.encode("utf-8")).hexdigest()
    # the same content gives the same hash; a changed template changes it
    other = replace(notice, template_sha256="0" * 64)
    assert other.sha256 != notice.sha256
    with pytest.raises(LicensingError) as e:
        notification_proof(notice, dt.datetime(2023, 3, 1, 9, 30))
    assert e.value.code == "notified_at_invalid"


def _commitment(notice, **kw):
    base = dict(
        item="b1-20",
        template_version="TPL-2023-01",
        notification_sha256=notice.sha256,
        confirmations=frozenset({1, 2, 3, 4, 5}),
        delivery=Delivery.ONLINE,
        signed_on=ON,
        qualification=Qualification.ALREADY,
        conditions=frozenset({"premises_area", "staff_health", "storage"}),
    )
    base.update(kw)
    return Commitment(**base)


def test_complete_commitment(notice, scheme):
    c = _commitment(notice)
    assert check_commitment(c, notice, scheme) is c
    assert c.receipt_day == ON
    assert delivery_label(Delivery.POST, ON) == "邮寄"


def test_incomplete_commitment_names_every_problem(notice, scheme):
    c = _commitment(
        notice,
        confirmations=frozenset({1, 2, 4}),
        delivery=Delivery.POST,
        template_version="TPL-2022",
        conditions=frozenset({"premises_area", "x"}),
    )
    with pytest.raises(LicensingError) as e:
        check_commitment(c, notice, scheme)
    msg = e.value.message
    assert e.value.code == "commitment_incomplete"
    assert "缺少第3项“能够在约定期限内提交行政机关告知的相关材料”" in msg
    assert "缺少第5项“愿意承担承诺不实、违反承诺的法律责任”" in msg
    assert "邮寄的告知承诺书须登记行政机关收到的日期" in msg
    assert "TPL-2022" in msg and "“x”" in msg
    assert set(e.value.fields) == {"confirmations", "template_version", "received_on", "conditions"}


def test_post_counts_from_receipt_and_later_qualification(notice, scheme, catalogue, periods):
    c = _commitment(notice, delivery=Delivery.POST, signed_on=ON, received_on=dt.date(2023, 3, 6))
    assert check_commitment(c, notice, scheme).receipt_day == dt.date(2023, 3, 6)
    with pytest.raises(LicensingError):
        check_commitment(_commitment(notice, received_on=dt.date(2023, 2, 27)), notice, scheme)
    with pytest.raises(LicensingError):
        check_commitment(_commitment(notice, notification_sha256="0" * 64), notice, scheme)
    no_qualify = PeriodTable([p for p in periods.rules() if p.kind is not PeriodKind.QUALIFY])
    n2 = build_notification(catalogue.item("b1-20"), scheme, no_qualify, on=ON)
    later = _commitment(n2, notification_sha256=n2.sha256, qualification=Qualification.LATER)
    with pytest.raises(LicensingError) as e:
        check_commitment(later, n2, scheme)
    assert e.value.fields == ("qualification",)


def test_ticks_from_a_form():
    from ezhou_rules.licensing.notification import confirmations_from_codes

    assert confirmations_from_codes(["1", 2, "5"]) == frozenset({1, 2, 5})
    with pytest.raises(LicensingError) as e:
        confirmations_from_codes(["一"])
    assert e.value.field == "confirmations"
