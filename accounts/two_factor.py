"""Two-factor sign-in for agents and administrators: a TOTP app plus one-time recovery codes.

django-otp keeps the devices (otp_totp: the authenticator app; otp_static: the recovery codes),
throttles wrong codes on each device and marks a session verified (OTPMiddleware then answers
`request.user.is_verified()`). This module decides who must pass the second step and drives
setting it up. Customers are never asked.

A signed-in agent's session owes the second step while it is not verified and the agent has a
confirmed app, or HELPDESK_AGENT_2FA_REQUIRED is on (then an agent without an app is sent to set
one up first). Whether an agent has an app is kept in the cache (no query per request) and
forgotten whenever a device is saved or deleted, so turning it on in one session reaches the
agent's other sessions at their next request. accounts.middleware.SecondFactorMiddleware sends
such sessions to the code page before anything else; the admin site checks `step_needed` too.
"""

import io
from base64 import b32encode
from enum import Enum

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

APP_ON_CACHE_SECONDS = 3600
RECOVERY_CODES = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


class Result(Enum):
    OK = "ok"
    WRONG = "wrong"
    THROTTLED = "throttled"


def has_app(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def _app_on_key(user_id) -> str:
    return f"helpdesk:2fa-app-on:{user_id}"


def app_on(user) -> bool:
    """has_app, answered from the cache; see forget_app_state."""
    key = _app_on_key(user.pk)
    value = cache.get(key)
    if value is None:
        value = has_app(user)
        cache.set(key, value, APP_ON_CACHE_SECONDS)
    return value


def forget_app_state(user_id) -> None:
    """Called whenever a device is saved or deleted (accounts.apps connects it)."""
    cache.delete(_app_on_key(user_id))


def step_needed(request) -> bool:
    """True while this signed-in agent's session still owes the second step (verify or set up)."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated and getattr(user, "is_agent", False)):
        return False
    if user.is_verified():
        return False
    return settings.HELPDESK_AGENT_2FA_REQUIRED or app_on(user)


def _is_app_code(code: str) -> bool:
    return code.isdigit() and len(code) == 6


def verify(request, code: str) -> Result:
    """Check a code from the app or a recovery code; on success the session is verified.

    A recovery code works once (django-otp deletes it). Each device throttles its own wrong codes:
    after a failure the next try must wait 1, 2, 4 ... seconds, and tries before then are refused.
    """
    code = "".join(code.split()).lower()
    model = TOTPDevice if _is_app_code(code) else StaticDevice
    device = model.objects.filter(user=request.user, confirmed=True).first()
    if device is None or not code:
        return Result.WRONG
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        return Result.THROTTLED
    verified = django_otp.verify_token(request.user, device.persistent_id, code)
    if verified is None:
        return Result.WRONG
    django_otp.login(request, verified)
    return Result.OK


def unconfirmed_app(user) -> TOTPDevice:
    """The app being set up: one unconfirmed device per agent, kept until confirmed or replaced."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def secret(device: TOTPDevice) -> str:
    return b32encode(device.bin_key).decode()


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// link as an inline SVG QR code (no image file, no script, nothing fetched)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=12, border=4)
    out = io.BytesIO()
    image.save(out)
    svg = out.getvalue().decode()
    return svg[svg.index("<svg") :]


def confirm_app(request, device: TOTPDevice, code: str) -> list[str] | None:
    """Turn the app on if `code` is right: returns fresh recovery codes (shown once), or None."""
    code = "".join(code.split())
    if device.user_id != request.user.pk or device.confirmed or not device.verify_token(code):
        return None
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
        codes = _new_recovery_codes(request.user)
    django_otp.login(request, device)
    return codes


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def reset(user) -> None:
    """Remove the app and the recovery codes (an administrator's reset, or the agent turning it off)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
