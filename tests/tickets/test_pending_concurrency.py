"""Two workers run the auto-close job at the same moment (PostgreSQL): the ticket is closed once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import state
from tests.tickets.test_concurrency import run_together
from tickets import services
from tickets.models import Ticket
from tickets.tasks import close_due_pending

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_workers_closing_the_same_due_ticket_close_it_once(ticket, agent):
    due = timezone.now() - timedelta(minutes=1)
    services.change_state(ticket=ticket, actor=agent, state=state("waiting for customer"), pending_until=due)
    closed = []
    assert run_together(4, lambda n: closed.append(close_due_pending())) == []
    assert sorted(closed) == [0, 0, 0, 1]
    fresh = Ticket.objects.select_related("state").get(pk=ticket.pk)
    assert fresh.state.name == "closed successful"
    assert fresh.history.filter(event="state_changed", new_value="closed successful").count() == 1
