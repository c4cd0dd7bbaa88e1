import time
from typing import Any
import pytest
from django_otp.oath import TOTP
pytestmark = pytest.mark.django_db

def test_dbg(client: Any, demo_users: Any, demo_password: str, settings: Any) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice
    settings.DEMO_MODE = False
    auditor = demo_users["auditor"]
    device = TOTPDevice.objects.create(user=auditor, name="手机", confirmed=True)
    r = client.post("/accounts/login/", {"username": "auditor", "password": demo_password})
    print("login", r.status_code, r.get("Location"))
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    code = f"{totp.token():06d}"
    r = client.post("/accounts/mfa/", {"token": code})
    print("mfa", r.status_code, r.get("Location"), r.content.decode()[-800:] if r.status_code==200 else "")
    device.refresh_from_db(); print("last_t", device.last_t, device.throttling_failure_count)
