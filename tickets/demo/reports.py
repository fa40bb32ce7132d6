"""The demo's numbers for the reports: business-time durations of the backdated tickets, ratings of the
closed ones, time entries for the agents' replies, and the reports right for the managers role.

Runs after the demo tickets are built (load_demo). Deterministic (seeded per demo ticket) and idempotent:
rated tickets are not rated again, tickets with time entries get none added.
"""

import random
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from accounts.models import AccessGroup, GroupGrant, Permission, Role
from tickets import services
from tickets.models import Article, SatisfactionRating, StateType, Ticket, TimeEntry
from tickets.services.durations import backfill

SEED = "helpdesk-demo-reports-1"
SCORES, SCORE_WEIGHTS = [1, 2, 3, 4, 5], [1, 1, 3, 8, 9]
COMMENTS = {
    5: ["Quick and friendly, thank you!", "Solved in minutes.", "Спасибо, всё работает!", "Dziękuję, działa."],
    4: ["Good, but it took a day.", "Fine.", "Děkuji, funguje to."],
    3: ["OK in the end.", "I had to ask twice."],
    2: ["Slow answer.", "Долго ждали ответа."],
    1: ["Nobody called back.", "Still broken."],
}


def load_report_data() -> None:
    grant_reports()
    backfill(recompute=True)  # the demo moved the tickets' times into the past after the services ran
    rate_closed_tickets()
    account_work()


def _demo_articles():
    return Article.objects.filter(message_id__startswith="<demo-")


def grant_reports() -> None:
    managers = Role.objects.filter(name="managers").first()
    if managers is None:
        return
    for group in AccessGroup.objects.all():
        GroupGrant.objects.get_or_create(role=managers, group=group, permission=Permission.REPORTS)


def rate_closed_tickets() -> None:
    """About 60 % of the closed demo tickets get their customer's rating, a few hours to two days later."""
    now = timezone.now()
    closed = _demo_articles().filter(ticket__state__type=StateType.CLOSED, ticket__rating__isnull=True)
    first_demo_id = {}  # a merge moves a demo ticket's article into another: one rating per ticket
    for demo_id, ticket_id in closed.order_by("message_id").values_list("message_id", "ticket_id"):
        first_demo_id.setdefault(ticket_id, demo_id)
    for ticket_id, demo_id in sorted(first_demo_id.items(), key=lambda item: item[1]):
        rng = random.Random(f"{SEED}-rating-{demo_id}")
        if rng.random() > 0.6:
            continue
        ticket = Ticket.objects.get(pk=ticket_id)
        score = rng.choices(SCORES, SCORE_WEIGHTS)[0]
        comment = rng.choice(COMMENTS[score]) if rng.random() < 0.4 else ""
        rating = services.rate_ticket(ticket=ticket, actor=None, score=score, comment=comment)
        when = min(ticket.closed_at + timedelta(hours=rng.uniform(1, 48)), now)
        SatisfactionRating.objects.filter(pk=rating.pk).update(created=when)


def account_work() -> None:
    """A time entry for each customer-visible agent reply of a demo ticket that has none yet."""
    demo_tickets = _demo_articles().values("ticket_id")
    replies = (
        Article.objects.filter(
            ticket__in=demo_tickets, sender_type=Article.Sender.AGENT, is_visible_to_customer=True, author__isnull=False
        )
        .exclude(ticket__time_entries__isnull=False)
        .values_list("pk", "ticket_id", "author_id", "created")
    )
    entries, totals = [], defaultdict(Decimal)
    for pk, ticket_id, author_id, created in replies:
        rng = random.Random(f"{SEED}-time-{pk}")
        minutes = Decimal(rng.choice([5, 10, 15, 20, 30, 45, 60]))
        entries.append(
            TimeEntry(
                ticket_id=ticket_id,
                article_id=pk,
                author_id=author_id,
                worked_on=timezone.localdate(created),
                minutes=minutes,
                billable=rng.random() < 0.7,
            )
        )
        totals[ticket_id] += minutes
    TimeEntry.objects.bulk_create(entries)
    for ticket_id, minutes in totals.items():
        Ticket.objects.filter(pk=ticket_id).update(time_accounted=F("time_accounted") + minutes)
