"""Issue 14 failure 8 in the subsidies (SECURITY.md C05, C22): the clerks' lists searched by a whole resident ID
post the search and carry a session token in every URL, an ID typed into the address bar is refused, and the
imported rows' Excel export masks a person's ID unless the role works the rows — audited either way (the rows
themselves are read by their importing department and auditors only: test_reference_access)."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.common.pii_search import ID_IN_URL
from ezhou_platform.subsidies.models import ReferenceRow
from ezhou_rules.core import ids

from .conftest import file_car, resident_id, search, uscc, vin

pytestmark = pytest.mark.django_db

PERSON = resident_id(21)
BORROWER = resident_id(22)


def _leaks(text: str, number: str) -> list[str]:
    """Where ``number`` (whole, or its first 14 characters: birth date and serial) shows in ``text``."""
    return [part for part in (number, number.lower(), number[:14]) if part in text]


def _urls(html: str) -> list[str]:
    return re.findall(r'(?:href|action|src)="([^"]*)"', html)


def _loans() -> None:
    ReferenceRow.objects.create(
        kind="bank_loans",
        key="B01|K1",
        subject=BORROWER,
        name="某个体户",
        data={"bank_code": "B01", "contract_no": "K1", "borrower_id": BORROWER, "principal": "100000"},
    )
    ReferenceRow.objects.create(
        kind="bank_loans",
        key="B01|K2",
        subject=uscc(5),
        name="某公司",
        data={"bank_code": "B01", "contract_no": "K2", "borrower_id": uscc(5), "principal": "200000"},
    )


def test_the_list_searches_leave_no_whole_id_in_a_url(configured: dict[str, Any], login_client: Any) -> None:
    app = file_car(configured["car_buyer"], PERSON, vin(21))
    other = file_car(configured["car_buyer"], resident_id(23), vin(22))
    _loans()
    pages = [
        ("shangwu_clerk", reverse("subsidies:applications"), PERSON, app.number),
        ("shangwu_clerk", reverse("subsidies:ledger"), PERSON, app.number),
        ("caizheng_clerk", reverse("subsidies:reference", args=["bank_loans"]), BORROWER, "<td>K1</td>"),
    ]
    leaks = 0
    for user, url, number, found in pages:
        c = login_client(user)
        form = c.get(url).content.decode()
        assert 'method="post"' in form and 'name="search"' in form  # the form posts its terms
        location, page = search(c, url, number)
        text = page.content.decode()
        assert "lookup=" in location and found in text, url
        assert f"当前查询：{ids.mask_resident_id(number)}" in text  # the box shows it masked
        leaks += bool(_leaks(location, number)) + bool(_leaks(text, number))
        leaks += sum(bool(_leaks(u, number)) for u in _urls(text))
    print(f"\nC05 subsidies search: whole IDs in a URL or page = {leaks} on {len(pages)} searched pages")
    assert leaks == 0

    # the applications list: the other filters stay in the URL, the export link carries the token
    c = login_client("shangwu_clerk")
    location, page = search(c, reverse("subsidies:applications"), PERSON, status="submitted")
    text = page.content.decode()
    assert "status=submitted" in location and app.number in text and other.number not in text
    (export,) = [u for u in _urls(text) if "/applications/export/" in u]
    assert "lookup=" in export and not _leaks(export, PERSON)
    sheet = load_workbook(io.BytesIO(c.get(export.replace("&amp;", "&")).content)).active
    numbers = [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert numbers == [app.number]  # the export filtered by the token's term
    audit = AuditRecord.objects.filter(action="subsidies.application.export").latest("id")
    assert not _leaks(str(audit.after), PERSON) and ids.mask_resident_id(PERSON) in str(audit.after)


def test_an_id_typed_into_the_address_bar_is_not_searched(
    configured: dict[str, Any], login_client: Any
) -> None:
    app = file_car(configured["car_buyer"], PERSON, vin(21))
    other = file_car(configured["car_buyer"], resident_id(23), vin(22))
    c = login_client("shangwu_clerk")
    text = c.get(reverse("subsidies:applications"), {"q": PERSON}).content.decode()
    # before: searched, and the number landed in the URL, the history and the access log
    assert ID_IN_URL in text and app.number in text and other.number in text  # the unfiltered list
    assert not _leaks(text, PERSON)
    text = c.get(reverse("subsidies:ledger"), {"q": PERSON.lower()}).content.decode()
    assert ID_IN_URL in text and app.number not in text
    # a token of another session (or forgotten) is not a search either
    text = c.get(reverse("subsidies:applications"), {"lookup": "nope"}).content.decode()
    assert "该查询已过期" in text and other.number in text
    # a term that is no ID (an application number) still searches by GET, as a bookmark would
    text = c.get(reverse("subsidies:applications"), {"q": app.number}).content.decode()
    assert app.number in text and other.number not in text and ID_IN_URL not in text
    # a search is a read of the staff's list: an applicant may not post it
    posted = login_client("car_buyer").post(
        reverse("subsidies:reference", args=["bank_loans"]), {"search": "1", "q": PERSON}
    )
    assert posted.status_code == 403


def _sheet(response: Any) -> list[tuple[Any, ...]]:
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def test_the_imported_rows_export_masks_ids_unless_the_role_works_them(
    configured: dict[str, Any], login_client: Any
) -> None:
    _loans()
    url = reverse("subsidies:reference", args=["bank_loans"])
    masked = ids.mask_resident_id(BORROWER)
    exports: dict[str, list[tuple[Any, ...]]] = {}
    for user in ("auditor", "caizheng_clerk"):
        c = login_client(user)
        exports[user] = _sheet(c.get(url, {"format": "xlsx"}))
    # another department does not export the table at all (C08: test_reference_access)
    assert login_client("shangwu_clerk").get(url, {"format": "xlsx"}).status_code == 403
    # the auditor: the person's ID masked, the enterprise's USCC whole (public)
    header, *rows = exports["auditor"]
    col = header.index("借款人证件号码（个人证件号码脱敏）")
    assert sorted(r[col] for r in rows) == sorted([masked, uscc(5)])
    assert not any(_leaks(str(v), BORROWER) for r in rows for v in r)
    # the 财政局 imports the bank reports and checks them with the banks: whole
    header, *rows = exports["caizheng_clerk"]
    assert sorted(r[header.index("借款人证件号码")] for r in rows) == sorted([BORROWER, uscc(5)])

    audits = list(AuditRecord.objects.filter(action="subsidies.reference.export").order_by("id"))
    assert [(a.actor_username, a.after["whole_ids"]) for a in audits] == [
        ("auditor", False),
        ("caizheng_clerk", True),
    ]
    # only the whole-ID export is a view of personal data (the mass-view alert counts it)
    views = AuditRecord.objects.filter(action="pii.export")
    assert [v.actor_username for v in views] == ["caizheng_clerk"]
    masked_exports = sum(not a.after["whole_ids"] for a in audits)
    print(
        f"\nC22 subsidies imported rows export: masked for {masked_exports} of {len(audits)} roles, all audited"
    )

    # the export of a search: by the token, its term masked in the audit
    c = login_client("auditor")
    _location, page = search(c, url, BORROWER)
    (link,) = [u for u in _urls(page.content.decode()) if "format=xlsx" in u]
    assert "lookup=" in link and not _leaks(link, BORROWER)
    header, *rows = _sheet(c.get(url + link.replace("&amp;", "&")))  # the link is relative: ?lookup=…
    assert [r[header.index("贷款合同编号")] for r in rows] == ["K1"]
    last = AuditRecord.objects.filter(action="subsidies.reference.export").latest("id")
    assert last.after["q"] == masked
