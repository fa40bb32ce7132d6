from django.core.management.base import BaseCommand

from faq.search import reindex_all


class Command(BaseCommand):
    help = "Rebuild the search index of the knowledge base (after a restore or a bulk import without save())."

    def handle(self, *args, **options):
        self.stdout.write(f"{reindex_all()} articles indexed.")
