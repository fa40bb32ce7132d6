from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # Models are importable only once the app registry is ready.
        from django.contrib.auth.signals import user_logged_in

        from accounts import two_factor

        def note_sign_in(sender, request, user, **kwargs):
            if request is not None:
                two_factor.note_sign_in(request, user)

        user_logged_in.connect(note_sign_in, weak=False, dispatch_uid="accounts.two_factor.note_sign_in")
