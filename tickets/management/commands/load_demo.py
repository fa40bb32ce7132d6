"""manage.py load_demo: a populated helpdesk to try out, created through the service layer.

Idempotent: what exists is left alone, so running it again changes nothing.
"""

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from faq.demo import load_faq
from reports.demo import load_faq_feedback
from tickets.demo.reports import load_report_data
from tickets.demo.setup import PASSWORD, ensure_reference_data
from tickets.demo.tickets import TICKETS, load_tickets, quiet_events
from tickets.models import Article, Ticket

LOGINS = [
    ("admin", "administrator: /admin/ and the agent panel"),
    ("agent", "agent with rights on most queues: /agent/"),
    ("customer", "customer who sees their company's tickets: /customer/"),
]


class Command(BaseCommand):
    help = "Load demo queues, users, companies and a few hundred tickets (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--tickets", type=int, default=TICKETS, help="How many demo tickets (default %(default)s).")

    def handle(self, *args, tickets, **options):
        began = time.monotonic()
        self.stdout.write(
            self.style.WARNING(
                f"WARNING: the demo users all have the password “{PASSWORD}”. These are demo credentials: "
                "never load the demo into a system reachable by others."
            )
        )
        with quiet_events(), transaction.atomic():
            cast = ensure_reference_data()
            created = load_tickets(cast, tickets)
            load_report_data()
            faq_created = load_faq()
            load_faq_feedback()
        self.stdout.write(
            f"{created} demo ticket(s) created; {Ticket.objects.count()} tickets, {Article.objects.count()} articles "
            f"in the database ({time.monotonic() - began:.1f} s)."
        )
        self.stdout.write(f"{faq_created} FAQ article(s) created; the public FAQ is at /faq/.")
        self.stdout.write("Demo logins:")
        for username, what in LOGINS:
            self.stdout.write(f"  {username:<9} password {PASSWORD}   {what}")
