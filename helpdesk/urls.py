"""The URL tree. Media files (attachments, raw mail) have no URL of their own, not even in
DEBUG: they are served only by views that check who may see the ticket they belong to."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("faq/", include("faq.urls_public")),
    path("customer/faq/", include("faq.urls_customer")),
    path("agent/faq/", include("faq.urls_agent")),
    path("agent/", include("tickets.urls_agent")),
    path("customer/", include("tickets.urls_customer")),
    path("", RedirectView.as_view(url="/customer/", permanent=False)),
]
