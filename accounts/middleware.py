"""Sends a signed-in agent who still owes the second sign-in step to the code page first."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse

from accounts import two_factor

# Reachable before the second step: the two-factor pages themselves, signing out, the language
# picker and static files.
ALLOWED_PREFIXES = ("/agent/two-factor/", "/agent/logout/", "/customer/logout/", "/admin/logout/", "/i18n/")


class SecondFactorMiddleware:
    """Install after django_otp.middleware.OTPMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if two_factor.step_needed(request) and not self._allowed(request.path):
            return redirect_to_login(request.get_full_path(), reverse("two_factor:verify"))
        return self.get_response(request)

    @staticmethod
    def _allowed(path: str) -> bool:
        return path.startswith(ALLOWED_PREFIXES) or path.startswith(settings.STATIC_URL)
