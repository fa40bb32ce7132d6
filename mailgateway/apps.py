from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailgatewayConfig(AppConfig):
    name = "mailgateway"
    verbose_name = _("Mail gateway")

    def ready(self):
        from mailgateway import handlers  # noqa: F401  (subscribes to ticket events)
