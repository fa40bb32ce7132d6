"""The user's saved language (User.language) in both panels: activated for a request, remembered in the cookie."""

from django.conf import settings
from django.utils import translation

AVAILABLE = {code for code, _name in settings.LANGUAGES}


def activate_for(request, user) -> None:
    """Serve this request in the user's saved language (the agent panel does it on every request)."""
    if user.language in AVAILABLE:
        translation.activate(user.language)
        request.LANGUAGE_CODE = user.language


def remember(response, language: str) -> None:
    """Set Django's language cookie, which LocaleMiddleware reads on the next requests."""
    if language not in AVAILABLE:
        return
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE or "Lax",
    )


def after_login(request, response, user):
    """At sign-in: the rest of this request and every next page come up in the user's language."""
    activate_for(request, user)
    remember(response, user.language)
    return response


def save_choice(user, language: str) -> None:
    """A signed-in user picked a language: keep it on their account."""
    if user.is_authenticated and language in AVAILABLE and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
