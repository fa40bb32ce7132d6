"""Asking for a password reset link: rate-limited, and the same work whether the account exists or not.

The request only counts and queues; accounts.tasks.send_password_reset looks the address up and
sends the mail, so neither the answer nor its timing tells an outsider which addresses have accounts.
"""

from django.conf import settings
from django.utils import translation

from accounts import throttle
from accounts.tasks import send_password_reset


def request_reset(*, email: str, ip: str, panel: str) -> bool:
    """Queue the reset mail unless the address or the client is over its hourly limit; True if queued."""
    email = email.strip().lower()
    if throttle.over_limit("password-reset-ip", ip, settings.HELPDESK_PASSWORD_RESETS_PER_HOUR_PER_ADDRESS, 3600):
        return False
    if throttle.over_limit("password-reset", email, settings.HELPDESK_PASSWORD_RESETS_PER_HOUR, 3600):
        return False
    send_password_reset.delay_on_commit(email, panel, translation.get_language() or "")
    return True
