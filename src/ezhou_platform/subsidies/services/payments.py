"""Payment by the payer (市级财政, or a district's or zone's finance office for 五 and 九): the budget of each payer
and measure, entered with its source and drawn down by payments under a row lock; a payment batch with its
numbered list and the payment file for the finance office (国库集中支付).

Drawing down follows the rules' ``vouchers.draw_down``: each award in the order chosen is paid whole if it fits
in what remains of its budget, else it stays decided and unpaid (named in the answer); nothing is paid in
part. A budget nobody entered pays nothing (never assumed).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from ezhou_platform.common.audit.services import record
from ezhou_platform.common.models import Department
from ezhou_platform.procedures import documents, engine
from ezhou_rules.core.dates import cn_date
from ezhou_rules.core.money import fen_to_decimal, format_yuan
from ezhou_rules.subsidies import cite, measure_name
from ezhou_rules.subsidies.components import COMPONENTS
from ezhou_rules.subsidies.errors import SubsidyError
from ezhou_rules.subsidies.vouchers import draw_down

from ..models import Application, BudgetAccount, BudgetEntry, PaymentBatch
from .payers import FINANCE, payer_of_user

PAYMENT_FILE_HEADER = (
    "序号",
    "支付批次",
    "申请编号",
    "政策依据",
    "奖补事项",
    "收款户名",
    "开户银行",
    "收款账号",
    "金额（元）",
    "兑现单位",
)


def _payer_or_refuse(actor: Any) -> str:
    payer = payer_of_user(actor)
    if payer is None:
        raise SubsidyError(
            "not_a_payer", "只有财政部门（市级或区级）经办人员可以办理预算和支付。", field="payer"
        )
    return payer


def enter_budget(
    *, measure: int, amount_fen: int, source: str, actor: Any, on: dt.date, payer: str | None = None
) -> BudgetAccount:
    """Allot (or, with a negative amount, reduce) the budget of the actor's payer for ``measure``."""
    mine = _payer_or_refuse(actor)
    if payer is not None and payer != mine:
        raise SubsidyError("not_your_payer", f"您只能录入{mine}的预算。", field="payer", label="兑现单位")
    if measure not in {c.measure for c in COMPONENTS.values()}:
        raise SubsidyError(
            "unknown_measure", f"{measure_name(measure)}没有奖补资金。", field="measure", label="措施"
        )
    if not source.strip():
        raise SubsidyError(
            "source_required", "请填写预算依据（如预算批复文号）。", field="source", label="预算依据"
        )
    if amount_fen == 0:
        raise SubsidyError("amount_zero", "预算金额不能为零。", field="amount", label="预算金额（元）")
    with transaction.atomic():
        account = _account(mine, measure, create=True)
        assert account is not None
        if account.allotted_fen + amount_fen < account.drawn_fen:
            raise SubsidyError(
                "budget_below_drawn",
                f"调减后预算{format_yuan(account.allotted_fen + amount_fen)}低于已支付的"
                f"{format_yuan(account.drawn_fen)}。",
                field="amount",
                label="预算金额（元）",
            )
        account.allotted_fen += amount_fen
        account.save(update_fields=["allotted_fen"])
        BudgetEntry.objects.create(
            account=account,
            amount_fen=amount_fen,
            source=source.strip()[:200],
            entered_on=on,
            entered_by=actor,
        )
        record(
            "subsidies.budget.enter",
            actor=actor,
            obj=account,
            after={"payer": mine, "measure": measure, "amount_fen": amount_fen, "source": source.strip()},
            label="录入奖补预算",
            citation=cite(measure),
        )
    return account


def _account(payer: str, measure: int, *, create: bool = False) -> BudgetAccount | None:
    """The budget row, locked for the rest of the transaction."""
    for _ in range(3):
        row = BudgetAccount.objects.select_for_update().filter(payer=payer, measure=measure).first()
        if row is not None or not create:
            return row
        try:
            with transaction.atomic():
                BudgetAccount.objects.create(payer=payer, measure=measure)
        except IntegrityError:
            pass
    raise SubsidyError("ledger_busy", "预算台账正在更新，请稍后重试。")


@dataclass
class PaymentResult:
    batch: PaymentBatch | None
    paid: list[Application] = field(default_factory=list)
    unpaid: list[tuple[Application, str]] = field(default_factory=list)


def pay(apps: Sequence[Application], *, actor: Any, on: dt.date) -> PaymentResult:
    """Pay the decided ``apps`` of the actor's payer, drawing each measure's budget down in the given order."""
    payer = _payer_or_refuse(actor)
    if not apps:
        raise SubsidyError("nothing_selected", "请选择要支付的奖补。", field="applications")
    foreign = [a for a in apps if a.payer != payer]
    if foreign:
        raise SubsidyError(
            "not_your_payer",
            f"{foreign[0].number}由{foreign[0].payer}兑现，不能列入{payer}的支付批次。",
            field="applications",
        )
    result = PaymentResult(None)
    with transaction.atomic():
        batch = PaymentBatch.objects.create(
            department=Department.objects.get(code=FINANCE), created_by=actor, payer=payer, paid_on=on
        )
        by_measure: dict[int, list[Application]] = defaultdict(list)
        for a in apps:
            by_measure[a.measure].append(a)
        for measure, group in sorted(by_measure.items()):
            account = _account(payer, measure)
            if account is None:
                result.unpaid += [(a, f"{payer}尚未录入{measure_name(measure)}的预算") for a in group]
                continue
            amounts = [int(a.payable_fen or 0) for a in group]
            fits, _rest = draw_down(amounts, account.remaining_fen)
            for a, ok in zip(group, fits.tolist(), strict=True):
                if not ok:
                    result.unpaid.append((a, f"{payer}{measure_name(measure)}预算余额不足"))
                    continue
                try:
                    engine.take(a, "pay", actor=actor, on=on, data={"payment": batch})
                except engine.ProcedureError as exc:
                    raise SubsidyError(exc.code, f"{a.number}：{exc.message}", field="applications") from exc
                account.drawn_fen += int(a.payable_fen or 0)
                result.paid.append(a)
            account.save(update_fields=["drawn_fen"])
        if not result.paid:
            why = "；".join(f"{a.number}：{r}" for a, r in result.unpaid[:5])
            raise SubsidyError("nothing_paid", f"没有可支付的奖补：{why}。", field="applications")
        batch.count = len(result.paid)
        batch.total_fen = sum(int(a.payable_fen or 0) for a in result.paid)
        batch.document = documents.issue(
            "subsidies.payment",
            template="subsidies/documents/payment.html",
            title=f"{payer}惠企政策奖补资金支付清单（{cn_date(on)}）",
            on=on,
            actor=actor,
            recipient=f"{payer}国库支付机构",
            citation="鄂州政办发〔2022〕32号",
            context={"batch": batch, "applications": result.paid},
        )
        batch.save(update_fields=["count", "total_fen", "document"])
        result.batch = batch
    return result


def payment_rows(batch: PaymentBatch) -> list[list[Any]]:
    """The payment file's rows: account numbers and IDs as text, amounts in yuan."""
    rows: list[list[Any]] = []
    for i, a in enumerate(batch.applications.order_by("id"), start=1):
        comp = COMPONENTS.get(a.component)
        amount: Decimal = fen_to_decimal(int(a.payable_fen or 0))
        rows.append(
            [
                i,
                batch.number,
                a.number,
                cite(a.measure),
                comp.title if comp else a.component,
                a.payee_name,
                a.payee_bank,
                a.payee_account,
                amount,
                batch.payer,
            ]
        )
    return rows
