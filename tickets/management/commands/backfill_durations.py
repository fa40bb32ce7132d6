"""manage.py backfill_durations: store the business-minute first response and solution times of tickets
answered or closed before the reports existed (tickets.services.durations.backfill). Safe to run again."""

from django.core.management.base import BaseCommand

from tickets.services.durations import backfill


class Command(BaseCommand):
    help = "Fill Ticket.first_response_minutes / solution_minutes where they are missing, in batches."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size, **options):
        done = backfill(batch_size=batch_size)
        self.stdout.write(f"{done} ticket(s) updated.")
