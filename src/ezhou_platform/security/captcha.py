"""A CAPTCHA served by the platform itself (no third-party service: data stays on this server, C24).

An arithmetic question (two numbers below 20, plus or minus) drawn as a PNG with noise, so a script that
reads the page's text does not see it. The answer lives only in the server-side session, hashed, for five
minutes and one try: a wrong or reused answer asks a new question.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import secrets
import time

from django.conf import settings
from django.http import HttpRequest

SESSION_KEY = "ezhou_captcha"
LIFETIME_SECONDS = 300


def _digest(answer: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), answer.strip().encode(), hashlib.sha256).hexdigest()


def new_challenge(request: HttpRequest) -> str:
    """Store a new question in the session and return its text (drawn by `image()`, never shown as text)."""
    a, b = secrets.randbelow(19) + 1, secrets.randbelow(19) + 1
    if secrets.randbelow(2) and a >= b:
        question, answer = f"{a} - {b} = ?", a - b
    else:
        question, answer = f"{a} + {b} = ?", a + b
    request.session[SESSION_KEY] = {"q": question, "h": _digest(str(answer)), "t": time.time()}
    return question


def check(request: HttpRequest, answer: str) -> bool:
    """True when `answer` solves the current question; the question is used up either way."""
    stored = request.session.pop(SESSION_KEY, None)
    if not stored or time.time() - float(stored.get("t", 0)) > LIFETIME_SECONDS:
        return False
    return bool(answer) and hmac.compare_digest(stored["h"], _digest(answer))


def current_question(request: HttpRequest) -> str | None:
    stored = request.session.get(SESSION_KEY)
    return stored.get("q") if stored else None


def image(question: str) -> bytes:
    """The question as a PNG (Pillow): jittered characters over noise lines and dots."""
    from PIL import Image, ImageDraw, ImageFont

    width, height = 180, 56
    img = Image.new("RGB", (width, height), (246, 247, 249))
    draw = ImageDraw.Draw(img)
    rand = secrets.SystemRandom()
    for _ in range(6):
        draw.line(
            [
                (rand.randint(0, width), rand.randint(0, height)),
                (rand.randint(0, width), rand.randint(0, height)),
            ],
            fill=(rand.randint(120, 200), rand.randint(120, 200), rand.randint(120, 200)),
            width=1,
        )
    try:
        font = ImageFont.load_default(size=30)
    except TypeError:  # pragma: no cover - Pillow without FreeType
        font = ImageFont.load_default()
    x = 10
    for ch in question:
        draw.text(
            (x, rand.randint(4, 14)), ch, font=font, fill=(rand.randint(0, 80), 40, rand.randint(60, 120))
        )
        x += 15 if ch != " " else 8
    for _ in range(120):
        draw.point((rand.randint(0, width - 1), rand.randint(0, height - 1)), fill=(90, 90, 90))
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()
