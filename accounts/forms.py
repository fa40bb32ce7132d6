"""Login (all three sign-in pages), password reset, registration, two-factor and the agent's preferences forms."""

import zoneinfo

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _

from accounts import throttle
from accounts.models import User

LOCKOUT_CODES = ("locked", "slow_down")


class LoginThrottleMixin:
    """For any AuthenticationForm: refuses while accounts.throttle says so and counts failures.

    Used by the customer, agent and admin logins, so a lockout earned on one holds on all three.
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _("Too many failed attempts. Please wait %(minutes)d minutes and try again."),
        "slow_down": _("Too many failed attempts. Please wait a moment and try again."),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        ip = throttle.client_ip(self.request) if self.request else ""
        if throttle.login_locked(username, ip):
            raise forms.ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": settings.HELPDESK_LOGIN_LOCKOUT_MINUTES},
            )
        wait = throttle.login_wait_seconds(username, ip)
        if wait:
            raise forms.ValidationError(self.error_messages["slow_down"], code="slow_down")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            throttle.login_failed(username, ip)
            raise
        throttle.login_succeeded(username, ip)
        return cleaned

    def is_throttled(self) -> bool:
        return any(self.has_error(NON_FIELD_ERRORS, code) for code in LOCKOUT_CODES)


class ThrottledLoginForm(LoginThrottleMixin, AuthenticationForm):
    """The customer panel's login (the agent login builds on it): throttled, same answer for every user."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Email address or username")


class RateLimitedPasswordResetForm(PasswordResetForm):
    """The customer panel's reset: who gets a link (the rate limit is in accounts.password_reset).

    Invited customers who have not yet chosen a password (no usable password) get the link too.
    """

    def get_users(self, email):
        yield from (user for user in super().get_users(email) if user.is_customer)
        pending = User.customers.filter(
            email__iexact=email, is_active=True, invitations__accepted_at__isnull=True
        ).distinct()
        for user in pending:
            if not user.has_usable_password():
                yield user


class AgentPasswordResetForm(PasswordResetForm):
    """Only agents get a reset link from the agent panel; the answer is the same for everyone."""

    def get_users(self, email):
        return (user for user in super().get_users(email) if user.is_agent)


class RegistrationForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email address"))
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("This request looks automated and was not sent."))
        return ""

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}),
    )


class PreferencesForm(forms.ModelForm):
    timezone = forms.ChoiceField(label=_("Time zone"), choices=[])

    class Meta:
        model = User
        fields = [
            "language",
            "timezone",
            *User.AGENT_PREFERENCES,
            "signature",
        ]
        widgets = {"signature": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = [(z, z) for z in sorted(zoneinfo.available_timezones())]
