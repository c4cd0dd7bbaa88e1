"""Notice and consent before a citizen submits personal data (C26; PIPL 第十四条、第十七条、第二十九条).

A submission that collects PI names its notice (`ConsentNotice.key`). The submitter must have seen the current
version of that notice — the page shows it, the API client sends `notice_version` — and tick "我已阅读并知悉"; a
notice that covers sensitive PI also needs the separate "我同意处理敏感个人信息". The `ConsentRecord` is written in
the same transaction as the submission, so there is never one without the other.

Domain code uses it in one call:

    ack = consent.from_form(form)            # or from_post(request, KEY) / from_payload(payload, KEY)
    with consent.submission(ack, request) as c:
        app = services.submit_application(...)
        c.subject = app

`from_*` raise `ApiError` (400, code/message/field) when the acknowledgement is missing or outdated; nothing is
written then. Notices are published as new versions (`publish`), never edited.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db import models, transaction
from ninja import Field, Schema

from ezhou_platform.common import clock
from ezhou_platform.common.api_errors import ApiError

from .models import ConsentNotice, ConsentRecord

# The notices the platform's submissions use (seeded by migration 0003_consent_notices).
RENTAL_APPLICATION = "rental-housing-application"
CAR_TRADE_IN = "subsidies-car-trade-in"
# Subsidy components a natural person applies for online, and their notice (enterprises' need none).
SUBSIDY_NOTICES = {"m12": CAR_TRADE_IN}

READ_LABEL = "我已阅读并知悉《{title}》"
SENSITIVE_LABEL = "我同意处理敏感个人信息"


@dataclass
class Acknowledgement:
    notice: ConsentNotice
    sensitive_acknowledged: bool


@dataclass
class _Submission:
    subject: models.Model | None = field(default=None)


def current(key: str) -> ConsentNotice:
    """The version in force today: the highest version whose `valid_from` has come."""
    notice = ConsentNotice.objects.filter(key=key, valid_from__lte=clock.today()).order_by("-version").first()
    if notice is None:  # a deployment error, not the citizen's: the migration seeds every key used
        raise ApiError(
            "notice_missing",
            "个人信息处理告知尚未发布，暂不能提交，请联系管理部门。",
            field="notice_version",
            status=503,
        )
    return notice


def check(key: str, version: Any, read: bool, sensitive: bool) -> Acknowledgement:
    """The one rule of C26: the current version, read, and for a sensitive notice the separate consent."""
    notice = current(key)
    if version in (None, ""):
        raise ApiError(
            "notice_required", f"请先阅读《{notice.title}》并勾选确认后再提交。", field="notice_version"
        )
    try:
        number = int(version)
    except (TypeError, ValueError):
        raise ApiError("notice_required", "“告知版本”应为整数。", field="notice_version") from None
    if number != notice.version:
        raise ApiError(
            "notice_outdated",
            f"《{notice.title}》已更新为第{notice.version}版，请重新阅读后再提交。",
            field="notice_version",
        )
    if not read:
        raise ApiError(
            "notice_required", f"请勾选“{READ_LABEL.format(title=notice.title)}”。", field="notice_read"
        )
    if notice.sensitive and not sensitive:
        raise ApiError(
            "sensitive_consent_required",
            f"本事项需要处理敏感个人信息，请勾选“{SENSITIVE_LABEL}”。",
            field="sensitive_acknowledged",
        )
    return Acknowledgement(notice, bool(sensitive))


def from_post(request: Any, key: str) -> Acknowledgement:
    """For pages without a Django form: the fields of `security/_notice.html`."""
    post = request.POST
    return check(
        key,
        post.get("notice_version"),
        bool(post.get("notice_read")),
        bool(post.get("sensitive_acknowledged")),
    )


class ConsentIn(Schema):
    """The API's acknowledgement: the version of the notice the client showed (GET /api/v1/notices/{key})."""

    notice_version: int | None = Field(
        None,
        ge=1,
        le=10_000,
        title="告知版本",
        description="已向申请人展示并经其确认的个人信息处理告知的版本号",
    )
    sensitive_acknowledged: bool = Field(
        False,
        title="同意处理敏感个人信息",
        description="申请人已单独同意处理敏感个人信息（告知涉及敏感信息时必填 true）",
    )


CONSENT_FIELDS = {"notice_version", "sensitive_acknowledged"}


def from_payload(payload: ConsentIn, key: str) -> Acknowledgement:
    """Sending the current version is the client's statement that the person read the notice."""
    return check(
        key, payload.notice_version, payload.notice_version is not None, payload.sensitive_acknowledged
    )


class NoticeFormMixin(forms.Form):
    """The field pair for Django forms: set `notice_key` on the form class; `clean` checks the version."""

    notice_key = ""
    notice_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    notice_read = forms.BooleanField(label="我已阅读并知悉", required=False)
    sensitive_acknowledged = forms.BooleanField(label=SENSITIVE_LABEL, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.notice = current(self.notice_key)
        self.fields["notice_version"].initial = self.notice.version
        self.fields["notice_read"].label = READ_LABEL.format(title=self.notice.title)
        if not self.notice.sensitive:
            del self.fields["sensitive_acknowledged"]
        # the acknowledgement comes last, after what it acknowledges
        own: list[str] = [
            f for f in ("notice_version", "notice_read", "sensitive_acknowledged") if f in self.fields
        ]
        self.order_fields([f for f in self.fields if f not in own] + own)
        self.acknowledgement: Acknowledgement | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            self.acknowledgement = check(
                self.notice_key,
                data.get("notice_version"),
                bool(data.get("notice_read")),
                bool(data.get("sensitive_acknowledged")),
            )
        except ApiError as exc:
            target = "notice_read" if exc.field == "notice_version" else exc.field
            self.add_error(target if target in self.fields else None, exc.message)
        return data


def from_form(form: NoticeFormMixin) -> Acknowledgement:
    assert form.acknowledgement is not None, "from_form after a valid form only"
    return form.acknowledgement


def page_context(key: str) -> dict[str, Any]:
    """What `security/_notice.html` shows on a page without a Django form."""
    return {"notice": current(key)}


@contextmanager
def submission(ack: Acknowledgement | None, request: Any) -> Iterator[_Submission]:
    """One transaction around the submission and its ConsentRecord; the block must set `.subject`.

    `ack` None: a submission that collects no natural person's data (an enterprise's), no record."""
    holder = _Submission()
    with transaction.atomic():
        yield holder
        if ack is None:
            return
        if holder.subject is None:
            raise RuntimeError("consent.submission: the block did not set .subject")
        store(ack, holder.subject, request)


def store(ack: Acknowledgement, subject: models.Model, request: Any) -> ConsentRecord:
    from ezhou_platform.common.audit.services import record

    user = getattr(request, "user", None)
    consent = ConsentRecord.objects.create(
        notice=ack.notice,
        user=user if user is not None and user.is_authenticated else None,
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        sensitive_acknowledged=ack.sensitive_acknowledged,
        request_id=(getattr(request, "request_id", "") or "")[:64],
    )
    record(
        "security.consent.record",
        actor=consent.user,
        obj=consent,
        after={
            "notice": ack.notice.key,
            "version": ack.notice.version,
            "sensitive": ack.sensitive_acknowledged,
        },
        request=request,
    )
    return consent


def records_for(subject: models.Model) -> models.QuerySet[ConsentRecord]:
    return ConsentRecord.objects.filter(subject_type=subject._meta.label_lower, subject_id=str(subject.pk))


def publish(
    key: str,
    *,
    title: str,
    text: str,
    legal_basis: str,
    sensitive_text: str = "",
    valid_from: Any = None,
    actor: Any = None,
) -> ConsentNotice:
    """A new version of a notice (the old ones stay: records point at the version the person saw); audited."""
    from ezhou_platform.common.audit.services import record

    with transaction.atomic():
        last = ConsentNotice.objects.select_for_update().filter(key=key).order_by("-version").first()
        notice = ConsentNotice.objects.create(
            key=key,
            version=(last.version + 1) if last else 1,
            title=title,
            text=text,
            sensitive=bool(sensitive_text),
            sensitive_text=sensitive_text,
            legal_basis=legal_basis,
            valid_from=valid_from or clock.today(),
        )
        record(
            "security.notice.publish",
            actor=actor,
            obj=notice,
            label="发布个人信息处理告知",
            after={"key": key, "version": notice.version},
        )
    return notice
