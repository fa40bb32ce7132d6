"""The time accounted before time entries existed becomes entries, so every ticket's total is unchanged:
one entry per article with time (its author, the day it was written), and a ticket's remainder not on any
article (time accounted on the ticket alone) as one entry without article or author, on the day of the last
time accounting in its history (else the ticket's creation). Days are cut in the site's time zone.
Tickets that already have entries are left alone, so running it twice adds nothing."""

from decimal import Decimal

from django.db import migrations
from django.db.models import OuterRef, Subquery, Sum
from django.utils import timezone

BATCH = 1000


def _day(moment):
    return timezone.localtime(moment).date()


def entries_from_accounted_time(apps, schema_editor):
    Ticket = apps.get_model("tickets", "Ticket")
    Article = apps.get_model("tickets", "Article")
    TimeEntry = apps.get_model("tickets", "TimeEntry")
    TicketHistory = apps.get_model("tickets", "TicketHistory")
    # Read before writing: the cursors below stream while entries are written.
    done = set(TimeEntry.objects.values_list("ticket_id", flat=True).distinct())
    with_remainder_entry = set(TimeEntry.objects.filter(article__isnull=True).values_list("ticket_id", flat=True))

    batch = []
    articles = (
        Article.objects.filter(time_accounted__gt=0)
        .values_list("pk", "ticket_id", "author_id", "created", "time_accounted")
        .order_by("pk")
    )
    for pk, ticket_id, author_id, created, minutes in articles.iterator(chunk_size=BATCH):
        if ticket_id in done:
            continue
        batch.append(
            TimeEntry(
                ticket_id=ticket_id, article_id=pk, author_id=author_id, worked_on=_day(created), minutes=minutes
            )
        )
        if len(batch) >= BATCH:
            TimeEntry.objects.bulk_create(batch)
            batch = []
    TimeEntry.objects.bulk_create(batch)

    batch = []
    on_articles = dict(
        Article.objects.filter(time_accounted__gt=0)
        .values("ticket_id")
        .annotate(total=Sum("time_accounted"))
        .values_list("ticket_id", "total")
    )
    last_accounted = (
        TicketHistory.objects.filter(ticket_id=OuterRef("pk"), event="time_accounted")
        .order_by("-created")
        .values("created")[:1]
    )
    tickets = (
        Ticket.objects.filter(time_accounted__gt=0)
        .annotate(last=Subquery(last_accounted))
        .values_list("pk", "time_accounted", "created", "last")
        .order_by("pk")
    )
    for pk, total, created, last in tickets.iterator(chunk_size=BATCH):
        remainder = total - (on_articles.get(pk) or Decimal(0))
        if remainder <= 0 or pk in with_remainder_entry:
            continue
        batch.append(TimeEntry(ticket_id=pk, author_id=None, worked_on=_day(last or created), minutes=remainder))
        if len(batch) >= BATCH:
            TimeEntry.objects.bulk_create(batch)
            batch = []
    TimeEntry.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0011_time_entries_and_report_fields"),
    ]

    operations = [
        # Going back leaves the entries: the tables stay, and the totals never depended on them.
        migrations.RunPython(entries_from_accounted_time, migrations.RunPython.noop),
    ]
