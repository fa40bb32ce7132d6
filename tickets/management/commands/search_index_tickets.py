"""manage.py search_index_tickets: put every existing article into the ticket search index.

Run it once after upgrading to a version with ticket search (new articles are indexed as they are
written). Safe to stop and run again: documents are replaced, not duplicated.
"""

import time

from django.core.management.base import BaseCommand

from tickets.search_backfill import BATCH, backfill


class Command(BaseCommand):
    help = "Index every existing ticket article for the search (in batches; safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=BATCH, help="Articles per transaction (default %(default)s).")

    def handle(self, *args, batch, verbosity=1, **options):
        began = time.monotonic()

        def progress(done):
            if verbosity > 1:
                self.stdout.write(f"  {done} articles ...")

        count = backfill(batch=batch, progress=progress)
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} articles in {time.monotonic() - began:.1f} s."))
