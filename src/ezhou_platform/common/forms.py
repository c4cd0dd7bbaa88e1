from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    """Login with one message for an unknown user and a wrong password, so accounts cannot be enumerated.

    When the throttle asks for it (`challenge=True`: too many failures for this name or from this address,
    ezhou_platform.security.throttle) the CAPTCHA is checked *before* the password, so a wrong or missing
    answer never reaches the password check and cannot be used to guess.
    """

    error_messages = {
        "invalid_login": "用户名或密码错误。",
        "inactive": "用户名或密码错误。",
    }

    username = forms.CharField(
        label="用户名", max_length=150, widget=forms.TextInput(attrs={"autofocus": True})
    )
    password = forms.CharField(label="密码", strip=False, widget=forms.PasswordInput)
    captcha = forms.CharField(label="验证码", max_length=8, required=False)

    def __init__(self, request: Any = None, *args: Any, challenge: bool = False, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.challenge = challenge

    def clean(self) -> dict[str, Any]:
        if self.challenge:
            from ezhou_platform.security import captcha

            if self.request is None or not captcha.check(self.request, self.data.get("captcha", "")):
                self._record_captcha_failure()
                raise forms.ValidationError("请正确填写图片中的验证码。", code="captcha")
        return super().clean()

    def _record_captcha_failure(self) -> None:
        from django.db import transaction

        from ezhou_platform.common.audit.services import record

        with transaction.atomic():
            record(
                "auth.captcha_failed",
                actor=str(self.data.get("username", ""))[:150],
                result="failed",
                request=self.request,
            )
