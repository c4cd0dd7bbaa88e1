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
from ezhou_platform.licensing.models import Draw, DrawSelection
from ezhou_platform.licensing.services import applications, config, draws

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
            files={"application_form": ("a.pdf", b"1"), "pharmacist_certificate": ("b.pdf", b"2")},
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
