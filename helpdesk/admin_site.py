"""The admin site: only active staff *agents* get in, whatever else a user has ticked.

Its login is throttled like the panels' (a lockout answers 429), and a user who owes the second
sign-in step (accounts/two_factor.py) is not let in until the code is given on the agent panel's
code page.

Installed as the default site (`admin.site`) through helpdesk.apps.HelpdeskAdminConfig in
INSTALLED_APPS, so every `admin.register` and `admin.site.urls` uses it.
"""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import two_factor
from accounts.forms import LoginThrottleMixin


def is_admin_user(user) -> bool:
    """The one rule for reaching /admin/: an active staff member who is an agent."""
    return bool(user.is_authenticated and user.is_active and user.is_staff and getattr(user, "is_agent", False))


class AgentAdminAuthenticationForm(LoginThrottleMixin, AdminAuthenticationForm):
    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not is_admin_user(user):
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class HelpdeskAdminSite(admin.AdminSite):
    site_header = _("Helpdesk administration")
    site_title = _("Helpdesk admin")
    index_title = _("Administration")
    login_form = AgentAdminAuthenticationForm

    def has_permission(self, request):
        return is_admin_user(request.user) and not two_factor.step_needed(request)

    def login(self, request, extra_context=None):
        if is_admin_user(request.user) and two_factor.step_needed(request):
            target = request.GET.get("next") or reverse("admin:index", current_app=self.name)
            return redirect_to_login(target, reverse("two_factor:verify"))
        response = super().login(request, extra_context)
        form = (getattr(response, "context_data", None) or {}).get("form")
        if form is not None and form.is_bound and form.is_throttled():
            response.status_code = 429
        return response
