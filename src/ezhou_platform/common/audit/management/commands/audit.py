"""`python manage.py audit verify` (also `ezhou audit verify`): check the audit trail's HMAC chain.

Prints a report in Chinese naming every altered, inserted and deleted record, a wipe or truncated tail
(against the anchor file outside the database) and every money row whose MAC fails, and exits with status 1
when anything is wrong (0 when the trail is intact), so a daily cron job or monitoring can alert on it. The
result of each run is itself appended to the trail (action audit.chain.verify) unless --no-record is given.

`audit seal` chains the records left pending (ADR 0005: appended while the chain head was busy, and a crash
came between append and seal); `audit grants` prints the PostgreSQL grants that keep the application's role from TRUNCATE, UPDATE, DELETE,
ALTER and DROP on the audit tables (run by the owner role); `audit anchor` shows the newest anchor, and
`audit anchor --reset` starts the comparison again from the current head (after a deliberate new database).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from ezhou_platform.common.audit import anchor as anchor_file
from ezhou_platform.common.audit.models import ChainHead
from ezhou_platform.common.audit.services import record
from ezhou_platform.common.audit.verify import VerifyReport, verify

ROLE_RE = r"^[a-z_][a-z0-9_]{0,62}$"


def grants_sql(app_role: str, owner_role: str) -> str:
    """The SQL an owner runs once: the owner owns the audit tables (only an owner can ALTER, DROP or disable
    their triggers), the application's role may only read and append (and move the head forward)."""
    import re

    for role in (app_role, owner_role):
        if not re.match(ROLE_RE, role):
            raise CommandError(f"角色名 {role!r} 无效：只能由小写字母、数字和下划线组成。")
    if app_role == owner_role:
        raise CommandError("应用角色与属主角色必须不同：属主可以清空、修改或删除审计表。")
    return "\n".join(
        [
            "-- 审计表的权限（SECURITY.md C12）：以数据库超级用户或属主角色执行一次；迁移以属主角色运行。",
            f"ALTER TABLE audit_record OWNER TO {owner_role};",
            f"ALTER TABLE audit_chain_head OWNER TO {owner_role};",
            "REVOKE ALL ON audit_record, audit_chain_head FROM PUBLIC;",
            f"REVOKE TRUNCATE, UPDATE, DELETE, REFERENCES, TRIGGER ON audit_record FROM {app_role};",
            f"GRANT SELECT, INSERT ON audit_record TO {app_role};",
            "-- 封存（ADR 0005）：只能填写待封存记录的三个链字段，触发器拒绝其他任何修改；记录编号在插入前取得。",
            f"GRANT UPDATE (seq, prev_hash, hash) ON audit_record TO {app_role};",
            f"GRANT USAGE ON SEQUENCE audit_record_id_seq TO {app_role};",
            "-- 链头每次追加都要前移（UPDATE），但不能删除或清空；其校验码只有持有密钥者能算出。",
            f"REVOKE TRUNCATE, DELETE, REFERENCES, TRIGGER ON audit_chain_head FROM {app_role};",
            f"GRANT SELECT, INSERT, UPDATE ON audit_chain_head TO {app_role};",
            f"-- 之后应用角色 {app_role} 不能 TRUNCATE / UPDATE / DELETE / ALTER / DROP 审计表，",
            "-- 也不能停用其触发器（需要属主身份）；BEFORE TRUNCATE 触发器（迁移 0003）另外拒绝任何角色的 TRUNCATE。",
        ]
    )


def _anchor(text: str) -> tuple[int, str]:
    seq, sep, digest = text.partition(":")
    if not sep or not seq.strip().isdigit() or len(digest.strip()) != 64:
        raise CommandError("--anchor 的格式应为 序号:64位哈希，例如 1024:3f5a…")
    return int(seq), digest.strip().lower()


class Command(BaseCommand):
    help = "审计日志运维：verify 校验审计链（HMAC 链）是否完整，发现篡改、插入、删除时以非零状态退出。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, title="子命令")
        v = sub.add_parser("verify", help="逐条校验审计链并报告被篡改、插入、删除的记录")
        v.add_argument("--json", action="store_true", help="以 JSON 输出报告（供监控系统读取）")
        v.add_argument("--anchor", help="外部保存的链头锚点 序号:哈希，校验该记录仍然存在且未变")
        v.add_argument("--no-record", action="store_true", help="不把本次校验结果写入审计日志")
        v.add_argument("--no-money", action="store_true", help="不校验金额校验码（结算、加价水费通知单）")
        v.add_argument("--no-anchor-file", action="store_true", help="不与外部锚点文件比对")
        v.add_argument("--database", default=DEFAULT_DB_ALIAS, help="数据库别名（默认 default）")
        s = sub.add_parser("seal", help="封存（链接）尚未封存的审计记录：追加与封存之间进程中断后补封")
        s.add_argument("--database", default=DEFAULT_DB_ALIAS, help="数据库别名（默认 default）")
        g = sub.add_parser("grants", help="打印 PostgreSQL 审计表的授权语句（应用角色只能读取和追加）")
        g.add_argument("--app-role", help="应用连接数据库所用的角色（默认取 DATABASES 的 USER）")
        g.add_argument("--owner-role", default="ezhou_owner", help="审计表的属主角色（默认 ezhou_owner）")
        a = sub.add_parser("anchor", help="显示外部锚点文件中最新的锚点；--reset 从当前链头重新开始比对")
        a.add_argument(
            "--reset", action="store_true", help="写入重置行（新建数据库或有意重建后使用，并记入审计日志）"
        )
        a.add_argument("--database", default=DEFAULT_DB_ALIAS, help="数据库别名（默认 default）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "grants":
            app_role = (
                options.get("app_role") or connections[DEFAULT_DB_ALIAS].settings_dict.get("USER") or ""
            )
            self.stdout.write(grants_sql(app_role or "ezhou_app", options["owner_role"]))
            return
        if options["subcommand"] == "anchor":
            self._anchor_command(options["database"], reset=options["reset"])
            return
        if options["subcommand"] == "seal":
            self._seal(options["database"])
            return
        using = options["database"]
        anchor = _anchor(options["anchor"]) if options.get("anchor") else None
        report = verify(
            using=using,
            anchor=anchor,
            anchors=not options["no_anchor_file"],
            money_rows=not options["no_money"],
        )
        if options["json"]:
            self.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        else:
            self._print(report)
        if not options["no_record"]:
            self._record(report, using)
        if not report.ok:
            raise CommandError(f"审计链校验未通过：发现 {len(report.problems)} 处问题。", returncode=1)

    def _print(self, report: VerifyReport) -> None:
        w = self.stdout.write
        span = f"（#{report.first_seq}–#{report.last_seq}）" if report.checked else ""
        w(f"审计链校验：共检查 {report.checked} 条记录{span}。")
        if report.head_seq is not None:
            w(f"链头：序号 {report.head_seq}，哈希 {report.head_hash}")
        if report.anchor_seq is not None:
            w(f"外部锚点：序号 {report.anchor_seq}（{report.anchor_at}，{report.anchor_path}）")
        elif report.anchor_path:
            w(f"外部锚点文件 {report.anchor_path} 中尚无锚点。")
        w(f"金额校验：共检查 {report.money_checked} 条结算与通知单。")
        if report.pending:
            w(f"待封存记录：{report.pending} 条（追加后由封存程序链接，verify 只报告、不封存）。")
        if report.ok:
            w(self.style.SUCCESS("结果：通过。审计链完整，未发现篡改、插入或删除。"))
            return
        w(self.style.ERROR(f"结果：未通过，发现 {len(report.problems)} 处问题："))
        for p in report.problems:
            w(f"  [{p.kind_label}] {p.message}")
        altered, inserted, deleted = report.altered_seqs(), report.inserted_seqs(), report.deleted_seqs()
        if altered:
            w(f"被篡改的记录：{', '.join(f'#{s}' for s in altered)}")
        if inserted:
            w(f"伪造插入的记录：{', '.join(f'#{s}' for s in inserted)}")
        if deleted:
            w(
                f"被删除的记录：{', '.join(f'#{s}' for s in deleted[:200])}{' …' if len(deleted) > 200 else ''}"
            )

    def _seal(self, using: str) -> None:
        from ezhou_platform.common.audit.sealer import HeadError, pending_exists, seal_all

        try:
            count = seal_all(using)
        except HeadError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已封存 {count} 条审计记录。")
        if pending_exists(using):
            self.stdout.write(
                self.style.WARNING(
                    "仍有待封存记录无法封存（内容校验码不符）：运行 `ezhou audit verify` 查看。"
                )
            )

    def _anchor_command(self, using: str, *, reset: bool) -> None:
        found = anchor_file.read()
        if found.path is None:
            raise CommandError("未配置外部锚点文件（AUDIT_ANCHOR_FILE / EZHOU_AUDIT_ANCHOR_FILE）。")
        top = found.highest
        if top is None:
            self.stdout.write(f"外部锚点文件 {found.path} 中尚无锚点。")
        else:
            self.stdout.write(
                f"外部锚点文件 {found.path}：最高序号 #{top.seq}（第 {top.line_no} 行，{top.at}）。"
            )
        if not reset:
            return
        head = ChainHead.objects.using(using).filter(pk=1).first()
        if head is not None and head.seq > 0:
            # The reset itself is audited first, so the reset line names the head that includes it.
            with transaction.atomic(using=using):
                record(
                    "audit.anchor.reset",
                    actor=None,
                    object_type="audit.chain",
                    object_repr="外部锚点重置",
                    before={"anchor_seq": top.seq if top else None},
                    after={"head_seq": head.seq + 1},
                    using=using,
                )
            head = ChainHead.objects.using(using).get(pk=1)
        seq, digest = (head.seq, head.hash) if head is not None else (0, "0" * 64)
        anchor_file.write_reset(seq, digest)
        self.stdout.write(f"已写入重置行：此后以链头 #{seq} 为起点比对。")

    def _record(self, report: VerifyReport, using: str) -> None:
        try:
            with transaction.atomic(using=using):
                record(
                    "audit.chain.verify",
                    actor=None,
                    result="success" if report.ok else "failed",
                    object_type="audit.chain",
                    object_repr=f"审计链（{report.checked} 条记录）",
                    after={
                        "checked": report.checked,
                        "problems": len(report.problems),
                        "altered": report.altered_seqs()[:100],
                        "inserted": report.inserted_seqs()[:100],
                        "deleted": report.deleted_seqs()[:100],
                    },
                    using=using,
                )
        except Exception as exc:  # the report is already printed; say why it was not recorded
            self.stderr.write(f"警告：校验结果未能写入审计日志：{exc}")
