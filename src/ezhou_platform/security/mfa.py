"""The second factor for staff (SECURITY.md C04; MLPS 身份鉴别 04): a TOTP app (RFC 6238, 30-second step).

Library: django-otp with its TOTP plugin (the device, single-use codes through `last_t`, throttling of wrong
codes). Every staff role must verify a device after the password before any staff page or endpoint answers
(`SecurityGateMiddleware`); a user without a device enrols one first (QR code drawn here with segno, no
third-party service). A password reset leaves the device in place, so it never bypasses the factor; only the
security administrator removes a device (audited), after which the user enrols again at the next login.

In the demo (DEMO_MODE, refused in production) the factor is not asked, so the published demo accounts work
out of the box; docs/guide says so.
"""

from __future__ import annotations

import base64
from typing import Any

from django.conf import settings
from django.db import transaction

from ezhou_platform.common.roles import STAFF_ROLES


def mfa_required(user: Any) -> bool:
    """Must this user verify a second factor in this session?"""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if getattr(settings, "DEMO_MODE", False) or not getattr(settings, "MFA_REQUIRED", True):
        return False
    return user.role in STAFF_ROLES


def is_verified(user: Any) -> bool:
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


def confirmed_device(user: Any) -> Any:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def pending_device(user: Any) -> Any:
    """The unconfirmed device being enrolled (created on first visit)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="动态口令", confirmed=False)
    return device


def base32_key(device: Any) -> str:
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def qr_svg_data_uri(device: Any) -> str:
    """The otpauth:// URL as an SVG QR code in a data: URI (the CSP allows data: images; no request leaves)."""
    import segno

    return str(segno.make(device.config_url, error="m").svg_data_uri(scale=4))


def verify(request: Any, token: str, *, enrol: bool = False) -> bool:
    """Check `token` against the user's device (the pending one when enrolling); on success mark the session
    verified (django_otp.login) and audit. Each code works once (django-otp keeps the last time step)."""
    from django_otp import login as otp_login

    from ezhou_platform.common.audit.services import record

    user = request.user
    device = pending_device(user) if enrol else confirmed_device(user)
    if device is None:
        return False
    token = (token or "").strip().replace(" ", "")
    with transaction.atomic():
        ok = device.verify_is_allowed()[0] and device.verify_token(token)
        if ok and enrol:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
        record(
            "platform.user.mfa_enrol" if enrol and ok else "platform.user.mfa_verify",
            actor=user,
            obj=user,
            result="success" if ok else "failed",
            request=request,
        )
    if ok:
        otp_login(request, device)
    return bool(ok)


def reset_device(target: Any, *, actor: Any, request: Any = None) -> int:
    """The security administrator removes a user's devices (lost phone); the user enrols at next login."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ezhou_platform.common.audit.services import record

    from .accounts import check_may_manage

    check_may_manage(actor, target, what="解绑动态口令设备")
    with transaction.atomic():
        count, _ = TOTPDevice.objects.filter(user=target).delete()
        record(
            "platform.user.mfa_reset",
            actor=actor,
            obj=target,
            after={"devices_removed": count},
            label="解绑动态口令设备",
            request=request,
        )
    return count
