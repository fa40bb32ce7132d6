from django.contrib.admin.apps import AdminConfig


class HelpdeskAdminConfig(AdminConfig):
    """django.contrib.admin with our site as `admin.site` (see helpdesk/admin_site.py)."""

    default_site = "helpdesk.admin_site.HelpdeskAdminSite"
