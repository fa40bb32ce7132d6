from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Tickets")

    def ready(self):
        # Models are importable only once the app registry is ready.
        from tickets import reference
        from tickets.services import sort_keys

        reference.connect()
        sort_keys.connect()
