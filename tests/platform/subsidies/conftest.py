"""Fixtures of the subsidies platform tests: the configuration the text leaves open entered as test values,
the dealer list, identifiers with valid check characters, and a helper that files a car trade-in."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ezhou_platform.common.models import ConfiguredValue
from ezhou_platform.subsidies.models import ApplicationDocument, ReferenceRow
from ezhou_platform.subsidies.services import apply
from ezhou_rules.core import ids
from ezhou_rules.subsidies.vin import vin_check_digit

D = dt.date


def _image(fmt: str) -> bytes:
    """A real 2×2 image: uploads are decoded (SECURITY.md C18), so a magic number alone is refused."""
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(buf, fmt)
    return buf.getvalue()


PDF = b"%PDF-1.4\n% test document\n"
PNG = _image("PNG")
SHANGMAO = "91420700MA49QM3K17"  # the demo 商贸 enterprise
HUOYUN = "91420700MA49HY7T23"  # the demo 物流 enterprise


def resident_id(serial: int, birth: str = "19880314") -> str:
    first17 = f"420704{birth}{serial % 1000:03d}"
    return first17 + ids.resident_id_check_char(first17)


def uscc(serial: int) -> str:
    first17 = f"91420700MA4{serial:06d}"[:17]
    return first17 + ids.uscc_check_char(first17)


def vin(seed: int) -> str:
    body = f"LSVAU2180N{seed:07d}"[:17]
    return body[:8] + vin_check_digit(body) + body[9:]


CONFIG = {
    "procedure.notice_workdays": 5,
    "procedure.direct_payment_days": 30,
    "m01.max_subsidised_days": 365,
    "m02.max_subsidised_days": 365,
    "m03.max_subsidised_days": 365,
}


def configure(**values: Any) -> None:
    for name, value in {**CONFIG, **values}.items():
        ConfiguredValue.objects.create(
            tree="subsidies", name=name, valid_from=D(2022, 10, 13), value=value, source="测试值（非官方）"
        )


def add_dealer(code: str = "D001", city: str = "鄂州市", listed: str = "是") -> ReferenceRow:
    return ReferenceRow.objects.create(
        kind="dealers",
        key=code,
        name=f"{code}汽车销售服务有限公司",
        data={
            "dealer_code": code,
            "name": f"{code}店",
            "dealer_id": uscc(900),
            "city": city,
            "listed": listed,
        },
    )


@pytest.fixture
def configured(demo_users: dict[str, Any]) -> dict[str, Any]:
    configure()
    add_dealer("D001")
    add_dealer("W009", city="武汉市")
    return demo_users


def car_facts(person: str, new_vin: str, **kw: Any) -> dict[str, Any]:
    facts = {
        "applicant_id": person,
        "old_owner_id": person,
        "old_plate": "鄂G12345",
        "old_vin": vin(999),
        "disposal": "scrap",
        "disposed_on": "2022-09-01",
        "new_vin": new_vin,
        "energy": "nev",
        "dealer_code": "D001",
        "purchased_on": "2022-09-10",
        "new_plate": "鄂GD12345",
    }
    facts.update(kw)
    return facts


CAR_UPLOADS = [
    apply.Upload(ApplicationDocument.Kind.ID_CARD, "身份证.png", PNG),
    apply.Upload(ApplicationDocument.Kind.OLD_CAR, "注销证明.pdf", PDF),
    apply.Upload(ApplicationDocument.Kind.INVOICE, "发票.pdf", PDF),
    apply.Upload(ApplicationDocument.Kind.NEW_LICENCE, "行驶证.png", PNG),
]
PAYEE = apply.Payee("李四", "中国工商银行鄂州分行", "6222020000000000001")


FILED_ON = D(2026, 6, 15)  # the frozen clock's day


def file_car(user: Any, person: str, new_vin: str, on: dt.date = FILED_ON, **kw: Any) -> Any:
    return apply.submit(
        "m12",
        car_facts(person, new_vin, **kw),
        actor=user,
        on=on,
        payee=PAYEE,
        subject_name="李四",
        uploads=CAR_UPLOADS,
    )


def search(client: Any, url: str, q: str, **filters: str) -> Any:
    """The clerk's search as the page's form sends it (POST, SECURITY.md C05), then the redirect followed:
    returns (the redirect's URL, the result page)."""
    posted = client.post(url, {"search": "1", "q": q, **filters})
    assert posted.status_code == 302, posted.status_code
    return posted["Location"], client.get(posted["Location"])
