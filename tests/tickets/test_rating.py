"""Rating a ticket is a ticket service: once, after closing, with history and an event; the rows moved apps intact."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import state
from tickets import events, services
from tickets.errors import InvalidChange, PermissionDenied
from tickets.models import SatisfactionRating

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(ticket, customer):
    services.change_state(ticket=ticket, actor=customer, state=state("closed successful"))
    return ticket


def test_a_rating_writes_history_and_an_event(closed, customer, captured_events, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        rating = services.rate_ticket(ticket=closed, actor=customer, score=4, comment=" Quick help ", email="a@b.c")
    assert (rating.score, rating.comment, closed.rating) == (4, "Quick help", rating)
    entry = closed.history.get(event="rated")
    assert (entry.actor, entry.new_value) == (customer, "4/5")
    rated = [e for e in captured_events if e.name == events.TICKET_RATED]
    assert [(e.ticket_id, e.actor_id, e.data["score"]) for e in rated] == [(closed.pk, customer.pk, 4)]


def test_a_ticket_is_rated_once_only_when_closed_and_only_by_its_customer(ticket, customer, agent, other_customer):
    with pytest.raises(InvalidChange, match="once it is closed"):
        services.rate_ticket(ticket=ticket, actor=customer, score=5)
    services.change_state(ticket=ticket, actor=customer, state=state("closed successful"))
    with pytest.raises(PermissionDenied):
        services.rate_ticket(ticket=ticket, actor=agent, score=5)
    with pytest.raises(PermissionDenied):
        services.rate_ticket(ticket=ticket, actor=other_customer, score=5)
    with pytest.raises(InvalidChange, match="1 to 5"):
        services.rate_ticket(ticket=ticket, actor=customer, score=6)
    services.rate_ticket(ticket=ticket, actor=None, score=3)  # the signed link of the rating mail
    with pytest.raises(InvalidChange, match="already been rated"):
        services.rate_ticket(ticket=ticket, actor=customer, score=1)
    assert list(SatisfactionRating.objects.values_list("score", flat=True)) == [3]
    assert ticket.history.filter(event="rated").count() == 1


@pytest.mark.django_db(transaction=True)
def test_ratings_given_before_the_move_to_the_ticket_app_are_kept(ticket, customer):
    before = [("tickets", "0006_article_delivery_state_moved_to_the_outbox"), ("reports", "0001_initial")]
    after = [("tickets", "0007_satisfaction_rating_moved_from_reports")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps.get_model("reports", "SatisfactionRating")
        old.objects.create(ticket_id=ticket.pk, score=2, comment="Slow answer", rated_by_email=customer.email)
        executor = MigrationExecutor(connection)
        executor.migrate(after)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    rating = SatisfactionRating.objects.get(ticket=ticket)
    assert (rating.score, rating.comment, rating.rated_by_email) == (2, "Slow answer", customer.email)
