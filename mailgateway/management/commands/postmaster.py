"""Pipe delivery: `manage.py postmaster < message.eml`, exiting with sysexits codes an MTA understands."""

import sys

from django.core.management.base import BaseCommand

from mailgateway import ingest
from mailgateway.models import MailAccount

EX_OK = 0
EX_DATAERR = 65
EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Import one message from standard input (for MTAs that deliver by pipe)."

    def add_arguments(self, parser):
        parser.add_argument("--account", help="Name of the mail account to file it under (optional).")

    def handle(self, *args, **options):
        raw = sys.stdin.buffer.read()
        if not raw.strip():
            self.stderr.write("postmaster: empty message")
            sys.exit(EX_DATAERR)
        account = None
        try:
            if options.get("account"):
                account = MailAccount.objects.get(name=options["account"])
            record = ingest.store_raw(raw, account=account, source="pipe")
        except Exception as exc:  # database or storage down: let the MTA keep the mail and retry
            self.stderr.write(f"postmaster: temporary failure: {exc}")
            sys.exit(EX_TEMPFAIL)
        # Stored: from here on the message is ours and cannot be lost, even if processing fails.
        record = ingest.process(record)
        record.refresh_from_db()
        self.stdout.write(f"postmaster: message {record.pk} {record.status}")
        sys.exit(EX_OK)
