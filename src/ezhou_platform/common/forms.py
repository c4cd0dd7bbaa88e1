from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    """Login with one message for an unknown user and a wrong password, so accounts cannot be enumerated."""

    error_messages = {
        "invalid_login": "用户名或密码错误。",
        "inactive": "用户名或密码错误。",
    }

    username = forms.CharField(
        label="用户名", max_length=150, widget=forms.TextInput(attrs={"autofocus": True})
    )
    password = forms.CharField(label="密码", strip=False, widget=forms.PasswordInput)
