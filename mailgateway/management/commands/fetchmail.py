"""Poll mail accounts now: `manage.py fetchmail [--account NAME]`."""

from django.core.management.base import BaseCommand

from mailgateway.models import MailAccount
from mailgateway.tasks import poll_account_now


class Command(BaseCommand):
    help = "Fetch mail from the configured accounts once."

    def add_arguments(self, parser):
        parser.add_argument("--account", help="Only this account (by name).")

    def handle(self, *args, **options):
        accounts = MailAccount.objects.filter(is_active=True)
        if options.get("account"):
            accounts = accounts.filter(name=options["account"])
        for account in accounts:
            stats = poll_account_now(account)
            self.stdout.write(f"{account.name}: {stats if stats is not None else 'failed, see last error'}")
