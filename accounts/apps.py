from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # Models are importable only once the app registry is ready.
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from accounts import two_factor

        def device_changed(sender, instance, **kwargs):
            two_factor.forget_app_state(instance.user_id)

        for signal in (post_save, post_delete):
            signal.connect(device_changed, sender=TOTPDevice, weak=False, dispatch_uid=f"accounts.2fa.{signal}")
