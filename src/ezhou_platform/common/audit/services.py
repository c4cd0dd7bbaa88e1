"""Writing the audit trail: `record()` for every state change, `record_pii_view()` for every full-ID view.

    from django.db import transaction
    from ezhou_platform.common.audit.services import record

    with transaction.atomic():
        before = snapshot(claim, ["status", "amount_fen"])
        claim.settle(...)
        record("medical_assistance.claim.settle", actor=request.user, obj=claim,
               before=before, after=snapshot(claim, ["status", "amount_fen"]),
               label="医疗救助结算", citation="鄂州政办发〔2022〕34号 第十一条")

`record()` writes in the caller's transaction: if the audit write fails, the exception propagates and the
business change rolls back with it (fail closed, SECURITY.md C13). Calling it outside `atomic()` is refused.

No request waits on the chain head (ADR 0005, sealer.py): record() takes the one-row head only if it is free
(`SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL; on SQLite BEGIN IMMEDIATE already gave the writer the
database's write lock, so it is always free) and then chains the record at once; otherwise it appends the
record pending (no seq yet, a content MAC over id and content) and the sealer chains it right after commit.
Only the holder of the head assigns seqs, so two writers never take the same seq or fork the chain; the
unique constraints on seq and prev_hash are the database's backstop if they ever did.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from functools import wraps
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.http import HttpRequest

from ezhou_platform.common import clock
from ezhou_platform.common.middleware import client_address, current_request_context

from . import anchor, chain, sealer
from .masking import mask_personal_data, scrub_text
from .models import AuditRecord, Result

logger = logging.getLogger(__name__)


class AuditError(RuntimeError):
    """The audit trail cannot be written; the caller's transaction must not commit."""


ACTION_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")

# Chinese labels of actions, used when a caller does not pass `label`. Domains add theirs with
# register_action() (e.g. in their AppConfig.ready()).
ACTION_LABELS: dict[str, str] = {
    "auth.login": "登录成功",
    "auth.login_failed": "登录失败",
    "auth.lockout": "账户锁定",
    "auth.logout": "退出登录",
    "auth.access_denied": "越权访问被拒绝",
    "pii.reveal": "查看完整个人信息",
    "audit.chain.verify": "审计链校验",
    "audit.log.export": "导出审计日志",
    "audit.anchor.reset": "重置外部锚点",
}


def register_action(code: str, label: str) -> None:
    if not ACTION_RE.match(code):
        raise ValueError(
            f"audit action must be a dotted lower-case code like 'domain.object.verb', got {code!r}"
        )
    ACTION_LABELS[code] = label


def action_label(code: str) -> str:
    return ACTION_LABELS.get(code, "")


def _clean(value: Any, max_length: int) -> str:
    """One line of printable text: control characters (CR/LF included) escaped, so nothing read from a
    request can forge a second log line or smuggle a NUL past PostgreSQL; then cut to the column size."""
    text = "" if value is None else str(value)
    out = []
    for ch in text:
        if ch in "\r\n\t" or unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co"):
            out.append(ch.encode("unicode_escape").decode("ascii") if ord(ch) < 0x10000 else "?")
        else:
            out.append(ch)
    return "".join(out)[:max_length]


def _dump(data: Any, extra_keys: Mapping[str, str] | None) -> str:
    if data is None:
        return ""
    masked = mask_personal_data(data, extra_keys=extra_keys)
    return json.dumps(
        masked, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).replace("\x00", "\\u0000")


def _actor_fields(actor: Any) -> dict[str, Any]:
    """Snapshot of who acted. `actor` is a user, None/anonymous (the system or nobody), or a string: the user
    name someone tried to log in with (never trusted as an identity, so actor_id stays empty)."""
    out: dict[str, Any] = {
        "actor_id": None,
        "actor_username": "",
        "actor_name": "",
        "actor_role": "",
        "actor_department_code": "",
        "actor_department": "",
    }
    if actor is None:
        return out
    if isinstance(actor, str):
        out["actor_username"] = _clean(scrub_text(actor), 150)
        return out
    if not getattr(actor, "is_authenticated", False):
        return out
    out["actor_id"] = actor.pk
    out["actor_username"] = _clean(scrub_text(actor.get_username()), 150)
    out["actor_name"] = _clean(scrub_text(getattr(actor, "display_name", "") or ""), 50)
    out["actor_role"] = _clean(getattr(actor, "role", ""), 20)
    department = getattr(actor, "department", None)
    if department is not None:
        out["actor_department_code"] = _clean(department.code, 40)
        out["actor_department"] = _clean(department.name, 50)
    return out


def _origin_fields(request: HttpRequest | None) -> dict[str, str]:
    if request is not None:
        addr = client_address(request)
        agent = request.META.get("HTTP_USER_AGENT", "")
        path = request.path
        request_id = getattr(request, "request_id", "") or ""
    else:
        ctx = current_request_context()
        addr = ctx.remote_addr if ctx else ""
        agent = ctx.user_agent if ctx else ""
        path = ctx.path if ctx else ""
        request_id = (getattr(ctx, "request_id", "") or "") if ctx else ""
    return {
        "remote_addr": _clean(addr, 45),
        "user_agent": _clean(agent, 200),
        "path": _clean(scrub_text(path), 200),
        "request_id": _clean(request_id, 64),
    }


def _object_fields(
    obj: Any, object_type: str | None, object_id: Any, object_repr: str | None
) -> dict[str, str]:
    otype, oid, orepr = "", "", ""
    if obj is not None:
        meta = getattr(obj, "_meta", None)
        otype = meta.label_lower if meta is not None else type(obj).__name__.lower()
        oid = "" if getattr(obj, "pk", None) is None else str(obj.pk)
        orepr = str(obj)
    if object_type is not None:
        otype = object_type
    if object_id is not None:
        oid = str(object_id)
    if object_repr is not None:
        orepr = object_repr
    return {
        "object_type": _clean(otype, 100),
        "object_id": _clean(scrub_text(oid), 64),
        "object_repr": _clean(scrub_text(orepr), 200),
    }


def record(
    action: str,
    *,
    actor: Any,
    obj: Any = None,
    before: Any = None,
    after: Any = None,
    result: str = Result.SUCCESS,
    label: str = "",
    citation: Any = None,
    object_type: str | None = None,
    object_id: Any = None,
    object_repr: str | None = None,
    request: HttpRequest | None = None,
    mask_keys: Mapping[str, str] | None = None,
    using: str | None = None,
) -> AuditRecord:
    """Append one audit record inside the caller's transaction and return it.

    action: dotted code, e.g. "medical_assistance.claim.settle"; label: its Chinese name (defaults to the
    registered label). actor: the user (or None for the system, or the attempted user name of a failed
    login). obj: the model instance acted on (type, id and a masked display string are stored);
    object_type/object_id/object_repr override or replace it. before/after: JSON-like snapshots, masked here
    (see masking.mask_personal_data; mask_keys adds domain keys). result: "success", "denied" or "failed".
    citation: the article applied, if any (a Citation or text). request: where the IP comes from when the
    request context middleware has not run (signals); otherwise the context is used.
    """
    if not ACTION_RE.match(action or ""):
        raise ValueError(
            f"audit action must be a dotted lower-case code like 'domain.object.verb', got {action!r}"
        )
    if result not in Result.values:
        raise ValueError(f"audit result must be one of {Result.values}, got {result!r}")
    using = using or router.db_for_write(AuditRecord) or DEFAULT_DB_ALIAS
    if not connections[using].in_atomic_block:
        raise AuditError("record() must be called inside the caller's transaction.atomic() block")

    key = chain.hmac_key()
    fields: dict[str, Any] = {
        **_actor_fields(actor),
        **_origin_fields(request),
        **_object_fields(obj, object_type, object_id, object_repr),
        "action": action,
        "label": _clean(label or action_label(action), 100),
        "before_json": _dump(before, mask_keys),
        "after_json": _dump(after, mask_keys),
        "result": str(result),
        "citation": "" if citation is None else _clean(citation, 1000),
    }

    # Everything above may fail without side effects. The row is written in the caller's transaction either
    # way (fail closed); only whether it is chained now or by the sealer after commit depends on the head.
    with transaction.atomic(using=using):
        fields["created_at"] = clock.now()
        record_id = sealer.allocate_id(using)
        fields["content_mac"] = chain.content_mac(record_id, fields, key)
        try:
            head = sealer.take_head(using, wait=False) if sealer.inline_enabled() else None
        except sealer.HeadError as exc:
            raise AuditError(str(exc)) from exc
        if head is None:
            # Pending: another transaction holds the head; do not wait for it (ADR 0005).
            fields["seq"] = fields["prev_hash"] = fields["hash"] = None
            entry = AuditRecord(pk=record_id, **fields)
            entry.save(using=using, force_insert=True)
            anchor.schedule_append(record_id, fields["content_mac"], using=using)
        else:
            # Rows committed pending before ours go first, so the chain keeps their commit order.
            sealer.seal_locked(head, using, key)
            seq, digest = (
                head.seq + 1,
                chain.record_hash({**fields, "seq": head.seq + 1, "prev_hash": head.hash}, key),
            )
            fields.update(seq=seq, prev_hash=head.hash, hash=digest)
            entry = AuditRecord(pk=record_id, **fields)
            entry.save(using=using, force_insert=True)
            head.seq, head.hash = seq, digest
            head.mac = chain.head_mac(head.seq, head.hash, key)
            head.save(using=using, update_fields=["seq", "hash", "mac"])
            # The head outside the database, written when (and only if) the caller's transaction commits.
            anchor.schedule(head.seq, head.hash, using=using)
        if connections[using].vendor != "sqlite" or head is None:
            # A row appended pending by someone else while we held the head is sealed after our commit. On
            # SQLite nobody else can append while we write, so only a pending append needs it there.
            sealer.schedule_after_commit(using)
    return entry


def record_pii_view(
    request: HttpRequest,
    obj: Any,
    field: str,
    *,
    reason: str = "",
    action: str = "pii.reveal",
    label: str = "",
) -> AuditRecord:
    """Record that request.user is being shown the full value of `obj.<field>` (e.g. a whole ID number).

    Call it before rendering the value; it commits its own (nested) transaction, and if it fails the
    exception stops the view, so no full ID is ever shown unaudited.
    """
    verbose = field
    meta = getattr(obj, "_meta", None)
    if meta is not None:
        try:
            verbose = str(meta.get_field(field).verbose_name)
        except Exception:  # a property or annotation: keep the attribute name
            verbose = field
    detail: dict[str, Any] = {"field": field}
    if reason:
        detail["reason"] = reason
    with transaction.atomic():
        entry = record(
            action,
            actor=request.user,
            obj=obj,
            after=detail,
            label=label or f"查看完整{verbose}",
            request=request,
        )
    for hook in PII_VIEW_HOOKS:  # e.g. the mass-view alert (security.alerts, C17)
        hook(request.user)
    return entry


# Called with the user after every audited view of personal data; the security app adds its alert here.
PII_VIEW_HOOKS: list[Callable[[Any], Any]] = []


def audits_pii_view(
    field: str, get_object: Callable[..., Any]
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """View decorator: `get_object(request, *args, **kwargs)` returns the object whose `field` the view shows
    in full; the view runs only after the audit record is written."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            obj = get_object(request, *args, **kwargs)
            record_pii_view(request, obj, field, reason=request.GET.get("reason", "")[:200])
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def record_access_denied(request: HttpRequest) -> None:
    """Log a refused request (403) of a logged-in user: who tried what, from where (SECURITY.md C11).

    Anonymous refusals are redirects to the login page and are not logged here; failed logins are.
    A failure to log must not turn a 403 into a 500, so it is reported to the server log instead.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return
    try:
        with transaction.atomic():
            record(
                "auth.access_denied",
                actor=user,
                result=Result.DENIED,
                object_type="url",
                object_id=request.path[:200],
                object_repr=f"{request.method} {request.path}"[:200],
                request=request,
            )
    except Exception:  # the refusal itself stands; only its record failed
        logger.exception("could not record an access denial")


def fields_snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    """The named fields of a record for an audit `before`/`after`, dates as ISO text (JSON-safe)."""
    out: dict[str, Any] = {}
    for f in fields:
        v = getattr(obj, f)
        out[f] = v.isoformat() if isinstance(v, dt.date) else v
    return out
