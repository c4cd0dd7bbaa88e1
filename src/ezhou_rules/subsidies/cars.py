"""Measure 12 (支持汽车更新消费): the car trade-in subsidy, paid by the city.

A personal consumer who scraps or transfers out an old car with a Hubei plate registered in their own name
(本人名下湖北号牌旧车), and buys a new car at a dealer in Ezhou on Hubei's 2022 trade-in list of authorised
dealers and registers it in the province (省内上牌), gets 8,000 (scrap → new-energy), 3,000 (scrap → fuel),
5,000 (transfer → new-energy) or 2,000 yuan (transfer → fuel). The subsidy period is June to December 2022;
both the disposal and the purchase must fall in it (interpretation S10: "同时"). One car per applicant
(每位申请人仅享受1辆车): the ledger keys ``m12.person|<ID>`` and ``m12.vin|<VIN>``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

import numpy as np

from ezhou_rules.core.citations import rule
from ezhou_rules.core.money import format_yuan
from ezhou_rules.core.params import ParameterTree

from . import cite
from .decision import CITY, Check, Decision, finish, outside, window, window_text, years_of
from .fields import CHOICE, DATE, RESIDENT_ID, VIN, Field

DISPOSALS = {"scrap": "报废", "transfer": "转出"}
ENERGIES = {"nev": "新能源汽车", "fuel": "燃油汽车"}
CAR_FIELDS = [
    Field("applicant_id", "申请人公民身份号码", RESIDENT_ID),
    Field("old_owner_id", "旧车登记所有人公民身份号码", RESIDENT_ID),
    Field("old_plate", "旧车号牌号码"),
    Field("old_vin", "旧车车辆识别代号", VIN),
    Field("disposal", "旧车处置方式", CHOICE, choices=DISPOSALS),
    Field("disposed_on", "报废或转出日期", DATE),
    Field("new_vin", "新车车辆识别代号", VIN),
    Field("energy", "新车类型", CHOICE, choices=ENERGIES),
    Field("dealer_code", "经销店编码"),
    Field("purchased_on", "购车发票日期", DATE),
    Field("new_plate", "新车号牌号码"),
]


def plate_in(plates: np.ndarray, prefix: str) -> np.ndarray:
    return np.char.startswith(np.asarray(plates, dtype=object).astype(str), prefix)


def amounts_by_kind(
    params: ParameterTree, on: dt.date, disposal: np.ndarray, energy: np.ndarray
) -> np.ndarray:
    table = {(d, e): params.get(f"m12.amount.{d}_{e}", on) for d in DISPOSALS for e in ENERGIES}
    keys = np.char.add(
        np.char.add(np.asarray(disposal, dtype=object).astype(str), "_"),
        np.asarray(energy, dtype=object).astype(str),
    )
    out = np.zeros(len(keys), dtype=np.int64)
    for (d, e), value in table.items():
        out[keys == f"{d}_{e}"] = value
    return out


@rule(
    cites=cite(12),
    summary="汽车以旧换新：报废/转出本人名下湖北号牌旧车，在我市授权经销店购新车并省内上牌，每辆8000/3000/5000/2000元",
)
def trade_in_subsidy(
    c: dict[str, np.ndarray], params: ParameterTree, on: dt.date, dealers: Collection[str]
) -> Decision:
    """``dealers``: the codes of the dealers in Ezhou on Hubei's 2022 trade-in list (from the dealer list)."""
    start, end = window(params, 12, on)
    prefix = params.get("m12.plate_prefix", on)
    span = window_text(start, end)
    listed = np.isin(
        np.asarray(c["dealer_code"], dtype=object).astype(str), np.asarray(sorted(dealers), dtype=str)
    )
    checks = [
        Check(
            "old_car_not_own",
            c["applicant_id"] != c["old_owner_id"],
            cite(12),
            "旧车登记所有人不是申请人本人（须为本人名下旧车）。",
            "旧车登记在申请人本人名下。",
        ),
        Check(
            "old_plate_not_hubei",
            ~plate_in(c["old_plate"], prefix),
            cite(12),
            f"旧车号牌“{{old_plate}}”不是湖北号牌（{prefix}）。",
            "旧车为湖北号牌“{old_plate}”。",
        ),
        Check(
            "disposal_outside_window",
            outside(c["disposed_on"], start, end),
            cite(12),
            f"旧车{{disposal}}日期{{disposed_on}}不在补贴期限{span}内。",
            "旧车于{disposed_on}{disposal}，在补贴期限内。",
        ),
        Check(
            "purchase_outside_window",
            outside(c["purchased_on"], start, end),
            cite(12),
            f"购车日期{{purchased_on}}不在补贴期限{span}内。",
            "于{purchased_on}购车，在补贴期限内。",
        ),
        Check(
            "dealer_not_listed",
            ~listed,
            cite(12),
            "经销店“{dealer_code}”不在我市列入湖北省2022年汽车以旧换新专项行动授权经销商名单内。",
            "在我市授权经销店“{dealer_code}”购车。",
        ),
        Check(
            "new_car_not_registered_in_hubei",
            ~plate_in(c["new_plate"], prefix),
            cite(12),
            f"新车号牌“{{new_plate}}”不是省内号牌（{prefix}），未在省内上牌。",
            "新车在省内上牌“{new_plate}”。",
        ),
    ]
    amount = amounts_by_kind(params, on, c["disposal"], c["energy"])

    def steps(i: int) -> list[tuple[str, str, dict[str, object], object, str]]:
        d, e = DISPOSALS[str(c["disposal"][i])], ENERGIES[str(c["energy"][i])]
        return [
            (
                "amount",
                cite(12),
                {"disposal": d, "energy": e},
                int(amount[i]),
                f"{d}旧车并购买{e}，每辆补贴{format_yuan(int(amount[i]))}；每位申请人仅享受1辆车的补贴。",
            )
        ]

    n = len(amount)
    return finish(
        "m12",
        12,
        c,
        CAR_FIELDS,
        checks,
        amount,
        amount,
        payer=np.full(n, CITY, dtype=object),
        subject=c["applicant_id"],
        object_=c["new_vin"],
        year=years_of(c["purchased_on"]),
        steps=steps,
    )
