"""Every article of 鄂州政办发〔2022〕14号 is on the policy library's coverage page as implemented (a rule, a
check, a parameter or a procedure step cites it) or declaratory with its reason."""

from __future__ import annotations

from ezhou_platform.gazette.coverage import implementations
from ezhou_rules.unconventional_water.declaratory import DECLARATORY

DOC = "鄂州政办发〔2022〕14号"


def test_every_article_is_implemented_or_declaratory() -> None:
    mine = [i for i in implementations() if i.citation.document == DOC]
    anchors = {i.citation.anchor().split("-")[0] for i in mine}
    assert anchors >= {f"art{n}" for n in range(1, 28)}, sorted(
        {f"art{n}" for n in range(1, 28)} - anchors, key=lambda a: int(a[3:])
    )
    declaratory = {i.citation.anchor() for i in mine if i.kind == "declaratory"}
    assert len(declaratory) == len(DECLARATORY) == 9
    # an article declared declaratory is not also implemented elsewhere (the reason would contradict the code)
    implemented = {i.citation.anchor().split("-")[0] for i in mine if i.kind != "declaratory"}
    assert not declaratory & implemented, declaratory & implemented
