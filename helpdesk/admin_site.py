"""The admin site: only active staff *agents* get in, whatever else a user has ticked.

Installed as the default site (`admin.site`) through helpdesk.apps.HelpdeskAdminConfig in
INSTALLED_APPS, so every `admin.register` and `admin.site.urls` uses it.
"""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def is_admin_user(user) -> bool:
    """The one rule for reaching /admin/: an active staff member who is an agent."""
    return bool(user.is_authenticated and user.is_active and user.is_staff and getattr(user, "is_agent", False))


class AgentAdminAuthenticationForm(AdminAuthenticationForm):
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
        return is_admin_user(request.user)
