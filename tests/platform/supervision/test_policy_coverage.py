"""The policy library's coverage page links the two plans' sections to the code that implements them (the
rules' citations, the procedures' step citations, the parameters): every section of 15号 and 28号 is listed,
implemented or declaratory with its reason (一、指导思想 of each)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db

DOCUMENTS = ("鄂州政发〔2022〕15号", "鄂州政办发〔2022〕28号")


def test_every_section_of_both_plans_is_linked_to_code(client: Any) -> None:
    from django.core.management import call_command

    from ezhou_platform.gazette import coverage as cov
    from ezhou_platform.gazette.models import Document, Unit

    call_command("load_gazette", verbosity=0)
    impls = cov.implementations()
    for number in DOCUMENTS:
        doc = Document.objects.get(number=number)
        units = list(Unit.objects.filter(document=doc))
        row = cov.document_coverage(doc, units, impls)
        missing = [f"{a.label} {a.title}" for a in row.articles if not a.implemented]
        assert row.total > 0
        assert not missing, (number, missing)
        for a in row.articles:
            for i in a.implementations:
                assert i.kind != "declaratory" or i.summary.startswith("说明性内容"), i
    for number in DOCUMENTS:
        declared = [i for i in impls if i.kind == "declaratory" and i.citation.document == number]
        assert [i.citation.anchor() for i in declared] == ["sec1"], number
    page = client.get("/policies/coverage/")
    assert page.status_code == 200
    text = page.content.decode()
    for number in DOCUMENTS:
        assert number in text
