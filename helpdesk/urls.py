"""The URL tree. Media files (attachments, raw mail) have no URL of their own, not even in
DEBUG: they are served only by views that check who may see the ticket they belong to."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from accounts.views import two_factor

# The second sign-in step for agents and administrators (accounts/two_factor.py); the prefix is the
# one accounts.middleware.SecondFactorMiddleware lets through while a code is owed.
two_factor_urls = (
    [
        path("", two_factor.verify, name="verify"),
        path("setup/", two_factor.setup, name="setup"),
        path("off/", two_factor.disable, name="disable"),
    ],
    "two_factor",
)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("agent/two-factor/", include(two_factor_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("faq/", include("faq.urls_public")),
    path("customer/faq/", include("faq.urls_customer")),
    path("agent/faq/", include("faq.urls_agent")),
    path("agent/reports/", include("reports.urls")),
    path("agent/", include("tickets.urls_agent")),
    path("customer/", include("tickets.urls_customer")),
    path("", RedirectView.as_view(url="/customer/", permanent=False)),
]
