"""The demo's FAQ feedback for the FAQ deflection report: customers who opened a suggested article while
writing a new request (some filed a ticket anyway), and "Was this helpful?" votes, over the last weeks.

Runs after the demo's tickets and FAQ exist (load_demo). Deterministic; does nothing when the demo
feedback is already there.
"""

import random
from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from faq.feedback_models import Deflection, Vote
from faq.models import Article
from tickets.models import Ticket

SEED = "helpdesk-demo-faq-feedback-1"
DAYS = 60
MARK = "(demo)"  # ends the subject typed of every demo deflection


def load_faq_feedback() -> int:
    """Create the demo's deflections and votes; returns how many deflections were created."""
    if Deflection.objects.filter(subject__endswith=MARK).exists():
        return 0
    rng = random.Random(SEED)
    now = timezone.now()
    articles = list(Article.objects.filter(state=Article.State.PUBLIC).order_by("pk"))
    customers = list(User.objects.filter(kind=User.Kind.CUSTOMER, is_active=True).order_by("pk"))
    if not articles or not customers:
        return 0
    filed_on_the_web = list(
        Ticket.objects.filter(channel="web", customer__isnull=False, created__gte=now - timedelta(days=DAYS))
        .select_related("customer")
        .order_by("pk")
    )
    deflections, votes = [], []
    for _ in range(120):
        article = rng.choice(articles)
        if filed_on_the_web and rng.random() < 0.3:  # read a suggestion, then filed the request anyway
            filed = rng.choice(filed_on_the_web)
            customer, opened = filed.customer, filed.created - timedelta(minutes=rng.uniform(2, 20))
        else:
            filed, customer, opened = None, rng.choice(customers), now - timedelta(days=rng.uniform(0.1, DAYS))
        deflections.append(
            Deflection(
                customer=customer,
                article=article,
                subject=f"{article.title[:200]} {MARK}",
                opened_at=opened,
                ticket=filed,
            )
        )
        if rng.random() < 0.4 and (customer.pk, article.pk) not in {(v.user_id, v.article_id) for v in votes}:
            votes.append(Vote(article=article, user=customer, helpful=rng.random() < 0.75, created=opened))
    Deflection.objects.bulk_create(deflections)
    Vote.objects.bulk_create(votes, ignore_conflicts=True)
    return len(deflections)
