"""双随机、一公开 (第一部分 三（三）): the draw is committed before it runs (snapshots, specification, the seed's
hash), published with its seed, and re-run by anyone — from the page, `ezhou licensing draw --verify ID` or the
downloaded package — giving the same result; tampering is found."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ezhou_platform.common.models import Department
from ezhou_platform.licensing.models import Draw, DrawSelection, Licence, RiskClassification
from ezhou_platform.licensing.services import applications, config, draws
from ezhou_rules.licensing.draw import Population

from .conftest import CONFIRM_ALL

pytestmark = pytest.mark.django_db
D = dt.date


def _pharmacies(users: dict[str, Any], n: int) -> None:
    from stdnum.cn import uscc

    clerk = users["shijian_clerk"]
    for i in range(n):
        base = f"91420704MA4D{i:05d}"
        code = base + uscc.calc_check_digit(base)
        app = applications.file(
            code="b1-22",
            facets={"business_mode": ["零售"]},
            route="commitment",
            uscc=code,
            name=f"鄂州测试药房{i}",
            actor=clerk,
            on=D(2026, 5, 4),
        )
        data = {
            "confirmations": CONFIRM_ALL,
            "delivery": "in_person",
            "signed_on": D(2026, 5, 4),
            "qualification": "already",
            "conditions": ["pharmacist", "business_area", "quality_system"],
        }
        applications.sign(
            app,
            actor=clerk,
            data=data,
            on=D(2026, 5, 4),
            files={
                "application_form": ("a.pdf", b"%PDF-1.4 1"),
                "pharmacist_certificate": ("b.pdf", b"%PDF-1.4 2"),
            },
        )
        applications.decide(app, actor=clerk, on=D(2026, 5, 4))
        if i < 4:
            config.add_risk_class(
                uscc=code,
                name=f"鄂州测试药房{i}",
                risk_class="D",
                valid_from=D(2026, 1, 1),
                source="测试",
                actor=users["admin"],
            )


@pytest.fixture
def draw(configured: dict[str, Any]) -> Draw:
    _pharmacies(configured, 10)
    dept = Department.objects.get(code="market_regulation")
    return draws.plan(
        department=dept,
        title="测试抽查",
        quotas={"D": "50%", "未分类": "1/3"},
        team_size=2,
        actor=configured["shijian_clerk"],
        on=D(2026, 6, 15),
    )


def test_commitment_before_the_draw(draw: Draw, client: Any) -> None:
    # 4 holders in class D, 6 unclassified; the seed is kept secret until the draw
    assert draw.population_size == 10 and draw.status == "committed"
    assert draw.population_sha256 == hashlib.sha256(draw.population_snapshot.encode()).hexdigest()
    assert draw.seed_sha256 == hashlib.sha256(bytes.fromhex(draw.seed_hex)).hexdigest()
    assert client.get(f"/licensing/draws/{draw.pk}/").status_code == 404  # not public before the draw
    assert client.get(f"/licensing/draws/{draw.pk}/package/").status_code == 404


def test_run_publish_and_verify(draw: Draw, configured: dict[str, Any], client: Any, tmp_path: Path) -> None:
    result = draws.run(draw, actor=configured["shijian_head"], on=D(2026, 6, 15))
    draw.refresh_from_db()
    # D: 4 × 50% = 2; 未分类: 6 × 1/3 = 2 (half up); teams of 2 from the 5 inspectors
    assert draw.counts == {"D": {"size": 4, "drawn": 2}, "未分类": {"size": 6, "drawn": 2}}
    assert draw.selections.count() == 4 and all(len(s.inspectors) == 2 for s in draw.selections.all())
    assert draw.result_sha256 == result.sha256
    page = client.get(f"/licensing/draws/{draw.pk}/?verify=1").content.decode()
    assert draw.seed_hex in page and "核验通过" in page and "鄂州测试药房" in page
    # the CLI, from the database and offline from the published package
    call_command("licensing", "draw", "--verify", str(draw.pk))
    package = client.get(f"/licensing/draws/{draw.pk}/package/").json()
    path = tmp_path / "package.json"
    path.write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    call_command("licensing", "draw", "--verify-file", str(path))
    # tampering: a holder removed from the published snapshot, or another seed
    lines = package["population"].split("\n")
    path.write_text(
        json.dumps({**package, "population": "\n".join([lines[0], *lines[2:]])}, ensure_ascii=False),
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="核验未通过"):
        call_command("licensing", "draw", "--verify-file", str(path))
    Draw.objects.filter(pk=draw.pk).update(seed_hex="00" * 32)
    draw.refresh_from_db()
    verification = draws.verify(draw)
    assert not verification.ok and "种子哈希值不一致" in verification.explain()


def test_results_entered_and_published(draw: Draw, configured: dict[str, Any], login_client: Any) -> None:
    draws.run(draw, actor=configured["shijian_clerk"], on=D(2026, 6, 15))
    clerk = login_client("shijian_clerk")
    sel = draw.selections.first()
    response = clerk.post(
        f"/licensing/staff/draws/{draw.pk}/act/", {"action": "result", "selection": sel.pk, "result": "found"}
    )
    assert "检查情况：发现问题的，应写明问题和处理" in clerk.get(response.url).content.decode()
    clerk.post(f"/licensing/staff/draws/{draw.pk}/act/", {"action": "complete"})
    assert Draw.objects.get(pk=draw.pk).status == "published"  # not all inspected
    for s in draw.selections.all():
        clerk.post(
            f"/licensing/staff/draws/{draw.pk}/act/",
            {"action": "result", "selection": s.pk, "result": "clear"},
        )
    clerk.post(f"/licensing/staff/draws/{draw.pk}/act/", {"action": "complete"})
    assert Draw.objects.get(pk=draw.pk).status == "completed"
    assert set(DrawSelection.objects.values_list("result", flat=True)) == {"clear"}
    # another department's clerk takes no action on it
    other = login_client("shenpi_clerk")
    assert other.post(f"/licensing/staff/draws/{draw.pk}/act/", {"action": "complete"}).status_code == 403


def test_cli_plans_and_runs(configured: dict[str, Any], capsys: Any) -> None:
    _pharmacies(configured, 3)
    call_command(
        "licensing",
        "draw",
        "--department",
        "market_regulation",
        "--title",
        "命令行抽查",
        "--quotas",
        "D=1,未分类=0",
        "--team-size",
        "1",
        "--run",
        "--on",
        "2026-06-15",
        "--user",
        "shijian_clerk",
    )
    out = capsys.readouterr().out
    assert "已登记 SSJ-market_regulation-2026-001" in out and "已抽取并公布" in out
    with pytest.raises(CommandError, match="抽查比例"):
        call_command(
            "licensing",
            "draw",
            "--department",
            "market_regulation",
            "--quotas",
            "D",
            "--user",
            "shijian_clerk",
        )
    with pytest.raises(CommandError, match="信用风险分类“D”没有设定抽查比例或户数"):
        call_command(
            "licensing",
            "draw",
            "--department",
            "market_regulation",
            "--quotas",
            "未分类=1",
            "--run",
            "--user",
            "shijian_clerk",
        )
    assert Draw.objects.count() == 1  # the refused one recorded nothing
    with pytest.raises(CommandError, match="--user"):
        call_command("licensing", "draw", "--department", "market_regulation", "--quotas", "D=1")


# ---- the draw read in columns (one query per table, the population kept between plan and run) ----------------

SEED = bytes(range(32))


def _varied_holders(users: dict[str, Any]) -> list[str]:
    """12 pharmacies: 0–3 in class D; 4 classed C, corrected to B (a later row wins) and reclassed A only after the
    draw day; 5's licence revoked before the draw day (not drawn from), 6's after it (still a holder); 7 holds the
    food item, whose example scheme marks a special industry (drawn in full); the rest unclassified."""
    from stdnum.cn import uscc

    _pharmacies(users, 12)
    codes = [f"91420704MA4D{i:05d}" + uscc.calc_check_digit(f"91420704MA4D{i:05d}") for i in range(12)]
    for klass, valid_from in (("C", D(2026, 1, 1)), ("B", D(2026, 3, 1)), ("A", D(2026, 7, 1))):
        config.add_risk_class(
            uscc=codes[4],
            name="鄂州测试药房4",
            risk_class=klass,
            valid_from=valid_from,
            source="测试",
            actor=users["admin"],
        )
    Licence.objects.filter(holder_uscc=codes[5]).update(revoked_on=D(2026, 6, 1))
    Licence.objects.filter(holder_uscc=codes[6]).update(revoked_on=D(2026, 7, 1))
    Licence.objects.filter(holder_uscc=codes[7]).update(item_code="b1-20")
    return codes


def _row_by_row_population(dept: Department, on: dt.date) -> str:
    """The reference: the population as first written, licence by licence through model instances."""
    classes: dict[str, str] = {}
    for rc in RiskClassification.objects.filter(valid_from__lte=on).order_by(
        "valid_from", "entered_at", "id"
    ):
        classes[rc.uscc] = rc.risk_class
    special = draws.special_items(on)
    names: dict[str, str] = {}
    flag: dict[str, bool] = {}
    for lic in Licence.objects.filter(department=dept, issued_on__lte=on).order_by("id"):
        if lic.revoked_on is not None and lic.revoked_on <= on:
            continue
        names[lic.holder_uscc] = lic.holder_name
        flag[lic.holder_uscc] = flag.get(lic.holder_uscc, False) or lic.item_code in special
    ids = sorted(names)
    pop = Population.from_columns(
        ids, [classes.get(u, draws.UNCLASSIFIED) for u in ids], [flag[u] for u in ids]
    )
    return pop.snapshot()


def _selections(draw: Draw) -> list[tuple[Any, ...]]:
    return list(
        DrawSelection.objects.filter(draw=draw)
        .order_by("position")
        .values_list("position", "holder_uscc", "holder_name", "risk_class", "special", "inspectors")
    )


def test_selections_are_written_with_every_column() -> None:
    # the selections are inserted in one prepared statement: it names every column of the model
    fields = {f.name for f in DrawSelection._meta.concrete_fields if not f.primary_key}
    assert set(draws.SELECTION_COLUMNS) == fields and len(draws.SELECTION_COLUMNS) == len(fields)


def test_columns_read_as_the_row_by_row_reference(configured: dict[str, Any]) -> None:
    codes = _varied_holders(configured)
    dept = Department.objects.get(code="market_regulation")
    on = D(2026, 6, 15)
    pop = draws.population(dept, on)
    assert pop.snapshot() == _row_by_row_population(dept, on)
    # 11 holders (5 revoked before the day); 4 is B (the correction; A only from 2026-07-01); 7 special
    rows = dict(
        zip(
            pop.holder_ids.tolist(),
            zip(pop.risk_class.tolist(), pop.special.tolist(), strict=True),
            strict=True,
        )
    )
    assert len(pop) == 11 and codes[5] not in rows and codes[6] in rows
    assert rows[codes[4]] == ("B", False) and rows[codes[7]] == ("未分类", True)
    assert [rows[c][0] for c in codes[:4]] == ["D"] * 4


def test_draw_through_the_services_is_pinned(configured: dict[str, Any], monkeypatch: Any) -> None:
    # The selections of a fixed seed, recorded with the row-by-row implementation before the columns were read
    # in one query and the population kept between plan and run: the faster path draws the same.
    codes = _varied_holders(configured)
    monkeypatch.setattr(draws, "new_seed", lambda: SEED)
    dept = Department.objects.get(code="market_regulation")
    draw = draws.plan(
        department=dept,
        title="固定种子抽查",
        quotas={"D": "50%", "B": 1, "未分类": "1/3"},
        team_size=2,
        actor=configured["shijian_clerk"],
        on=D(2026, 6, 15),
    )
    result = draws.run(draw, actor=configured["shijian_head"], on=D(2026, 6, 15))
    draw.refresh_from_db()
    assert draw.population_sha256 == "2d65c9a3a9badf3b539b9a01741e0858eeef281b7c1300cdb42b650e093f75e7"
    assert result.sha256 == draw.result_sha256
    assert result.sha256 == "a78fc5892c21f57e6b5134540c8a90d428029616c037e9f54be2c3e57025892e"
    # special first (7), then class by class in code point order (B, D, 未分类) by key; 1 × B, 4 × 50% = 2 × D,
    # 5 unclassified (6, 8, 9, 10, 11) × 1/3 = 1.67 → 2
    expected = [
        (1, codes[7], "鄂州测试药房7", "未分类", True, ["420700SJ004", "420700SJ002"]),
        (2, codes[4], "鄂州测试药房4", "B", False, ["420700SJ001", "420700SJ005"]),
        (3, codes[1], "鄂州测试药房1", "D", False, ["420700SJ003", "420700SJ004"]),
        (4, codes[3], "鄂州测试药房3", "D", False, ["420700SJ002", "420700SJ001"]),
        (5, codes[11], "鄂州测试药房11", "未分类", False, ["420700SJ005", "420700SJ003"]),
        (6, codes[9], "鄂州测试药房9", "未分类", False, ["420700SJ004", "420700SJ002"]),
    ]
    assert _selections(draw) == expected
    assert draws.verify(draw).ok
    # the same draw run from a fresh copy (another request: the snapshot on record is parsed) stores the same
    Draw.objects.filter(pk=draw.pk).update(status="committed")
    DrawSelection.objects.filter(draw=draw).delete()
    again = Draw.objects.get(pk=draw.pk)
    assert draws.run(again, actor=configured["shijian_head"], on=D(2026, 6, 15)).sha256 == result.sha256
    assert _selections(again) == expected
