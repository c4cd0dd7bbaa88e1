"""C08 in the subsidies (issue 14): an imported table — its list, its search and its Excel export — is read by the
clerks and heads of the department that imports it and reviews the measures checked against it
(``jobs.IMPORT_DEPARTMENT``: 财政局 the bank loan reports, 商务局 the 限上 and dealer lists, 交通运输局 the freight
list) and by auditors; any other department's clerk gets a 403 page naming the table and its holder, and the
imports page links a table only for those who may open it."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ezhou_platform.common.audit.models import AuditRecord
from ezhou_platform.common.pii_search import LOOKUPS
from ezhou_platform.subsidies.models import ReferenceRow

from .conftest import resident_id

pytestmark = pytest.mark.django_db

BORROWER = resident_id(41)
BANK_TITLE = "银行贷款报送表（首贷户、货币政策工具、纾困基金）"


def _loan() -> None:
    ReferenceRow.objects.create(
        kind="bank_loans",
        key="B01|K1",
        subject=BORROWER,
        name="某个体户",
        data={"bank_code": "B01", "contract_no": "K1", "borrower_id": BORROWER, "borrower_name": "某个体户",
              "payee_account": "6222024200001234567"},
    )  # fmt: skip


def _cells(response: Any) -> dict[str, str]:
    """The export's header row against its first data row."""
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    return {str(h): str(v or "") for h, v in zip(rows[0], rows[1], strict=True)}


def test_the_bank_loan_rows_are_read_by_the_finance_bureau_and_the_auditor_only(
    configured: dict[str, Any], login_client: Any
) -> None:
    _loan()
    url = reverse("subsidies:reference", args=["bank_loans"])
    # 财政局 imports the reports and reviews 一至三 against them; the auditor reads everything (read only).
    for user in ("caizheng_clerk", "caizheng_head", "auditor"):
        page = login_client(user).get(url)
        assert page.status_code == 200, user
        assert "<td>K1</td>" in page.content.decode(), user
    finance = login_client("caizheng_clerk").get(url, {"format": "xlsx"})
    audit = login_client("auditor").get(url, {"format": "xlsx"})
    assert finance.status_code == 200 and audit.status_code == 200
    # 财政局 pays the interest subsidy into the account: it gets the 19 digits whole; the auditor only the last
    # four (15 stars + "4567"), under a header saying so, like the borrower's ID.
    assert _cells(finance)["收款账号"] == "6222024200001234567"
    assert _cells(audit)["收款账号（账号脱敏）"] == "*" * 15 + "4567"
    assert _cells(audit)["借款人证件号码（个人证件号码脱敏）"] == BORROWER[:3] + "*" * 11 + BORROWER[-4:]

    # 水利和湖泊局 has no business with the table; 商务局 reviews measures of its own, not 一至三.
    for user in ("shuiwu_clerk", "shangwu_clerk", "jiaotong_head"):
        c = login_client(user)
        for response in (c.get(url), c.get(url, {"format": "xlsx"})):
            assert response.status_code == 403, user
            text = response.content.decode()
            # the platform's 403 page (not a bare response), naming the table and the department holding it
            assert "<h1>无权访问</h1>" in text
            assert f"“{BANK_TITLE}”由财政局导入并用于审核" in text
            assert "仅财政局的经办人员、部门负责人和审计人员可以查看、导出" in text
            assert "K1" not in text and "某个体户" not in text
        # the search form's post is refused too, before the term is kept in the session (pii_search)
        posted = c.post(url, {"search": "1", "q": BORROWER})
        assert posted.status_code == 403 and not c.session.get(LOOKUPS)
    # only the two allowed exports were taken (and audited); the refused ones left no export behind
    exports = AuditRecord.objects.filter(action="subsidies.reference.export").order_by("id")
    assert [a.actor_username for a in exports] == ["caizheng_clerk", "auditor"]


def test_each_table_belongs_to_its_importing_department(
    configured: dict[str, Any], login_client: Any
) -> None:
    def status(user: str, kind: str) -> int:
        return int(login_client(user).get(reverse("subsidies:reference", args=[kind])).status_code)

    got = {
        (user, kind): status(user, kind)
        for user in ("caizheng_clerk", "shangwu_clerk", "jiaotong_clerk", "auditor")
        for kind in ("bank_loans", "above_limit", "freight", "dealers")
    }
    assert got == {
        ("caizheng_clerk", "bank_loans"): 200,
        ("caizheng_clerk", "above_limit"): 403,
        ("caizheng_clerk", "freight"): 403,
        ("caizheng_clerk", "dealers"): 403,
        ("shangwu_clerk", "bank_loans"): 403,
        ("shangwu_clerk", "above_limit"): 200,  # 九's 限上 list, checked by the 商务局's review
        ("shangwu_clerk", "freight"): 403,
        ("shangwu_clerk", "dealers"): 200,  # 十二's dealer list
        ("jiaotong_clerk", "bank_loans"): 403,
        ("jiaotong_clerk", "above_limit"): 403,
        ("jiaotong_clerk", "freight"): 200,  # 八's freight list
        ("jiaotong_clerk", "dealers"): 403,
        ("auditor", "bank_loans"): 200,
        ("auditor", "above_limit"): 200,
        ("auditor", "freight"): 200,
        ("auditor", "dealers"): 200,
    }
    # an unknown table is still "not found" for anyone, not a refusal naming nothing
    assert status("shuiwu_clerk", "nothing") == 404


def _table_links(html: str) -> list[str]:
    return sorted(re.findall(r'href="/subsidies/data/(\w+)/">查看数据</a>', html))


def test_the_imports_page_links_a_table_only_for_those_who_may_open_it(
    configured: dict[str, Any], login_client: Any
) -> None:
    url = reverse("subsidies:imports")
    assert (
        reverse("subsidies:reference", args=["dealers"]) == "/subsidies/data/dealers/"
    )  # what the regex reads
    links = {u: _table_links(login_client(u).get(url).content.decode()) for u in
             ("caizheng_clerk", "shangwu_clerk", "jiaotong_clerk", "shuiwu_clerk", "auditor")}  # fmt: skip
    assert links == {
        "caizheng_clerk": ["bank_loans"],
        "shangwu_clerk": ["above_limit", "dealers"],
        "jiaotong_clerk": ["freight"],
        "shuiwu_clerk": [],
        "auditor": ["above_limit", "bank_loans", "dealers", "freight"],
    }
    # where the link is left out the page says who reads the table (the department's name, not its code)
    page = login_client("shuiwu_clerk").get(url).content.decode()
    assert "数据仅财政局和审计人员可以查看" in page and "数据仅交通运输局和审计人员可以查看" in page
    assert (
        "由finance" not in page and "由财政局办理。" in page
    )  # the interest run's card names its department
