"""Login, password reset, invitation and registration forms of the customer panel."""

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from accounts import throttle
from accounts.models import User


class ThrottledLoginForm(AuthenticationForm):
    """Locks a username + IP pair out for a while after repeated failures; same answer for every user."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _("Too many failed attempts. Please wait %(minutes)d minutes and try again."),
        "slow_down": _("Too many failed attempts. Please wait a moment and try again."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Email address or username")

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


class RateLimitedPasswordResetForm(PasswordResetForm):
    """At most a few reset mails per address per hour; the page says the same either way.

    Invited customers who have not yet chosen a password (no usable password) get the link too.
    """

    def get_users(self, email):
        yield from super().get_users(email)
        pending = User.customers.filter(
            email__iexact=email, is_active=True, invitations__accepted_at__isnull=True
        ).distinct()
        for user in pending:
            if not user.has_usable_password():
                yield user

    def save(self, *args, **kwargs):
        email = self.cleaned_data["email"].strip().lower()
        if throttle.over_limit("password-reset", email, 3, 3600):
            return
        return super().save(*args, **kwargs)


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
