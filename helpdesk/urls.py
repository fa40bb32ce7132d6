from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from tickets.views.agent import two_factor

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
    path("agent/", include("tickets.urls_agent")),
    path("customer/", include("tickets.urls_customer")),
    path("", RedirectView.as_view(url="/customer/", permanent=False)),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
