"""Pages past the middle of a list are read in the reversed order: the same rows, the same order."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import CustomerFactory, TicketFactory, state
from tickets import queries
from tickets.models import Ticket
from tickets.views.agent.paging import rows

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("sort", ["-updated", "customer", "-customer", "priority", "title"])
def test_every_window_read_from_either_end_matches_the_forward_read(queue, sort):
    now = timezone.now()
    for n in range(9):  # ties in `updated`, customers missing (NULL keys), repeated priorities
        t = TicketFactory(queue=queue, title=f"t{n % 4}", customer=CustomerFactory() if n % 3 else None)
        Ticket.objects.filter(pk=t.pk).update(updated=now - timedelta(hours=n // 2))
    qs = Ticket.objects.filter(queue=queue).order_by(*queries.ordering(sort)[1])
    forward = list(qs)
    for start in range(len(forward)):
        for stop in range(start + 1, len(forward) + 1):
            assert rows(qs, start, stop, len(forward)) == forward[start:stop], (start, stop)


def test_the_customer_panel_s_last_page_shows_the_oldest_requests(client, customer, queue):
    now = timezone.now()
    for n in range(45):
        t = TicketFactory(queue=queue, customer=customer, title=f"request {n:02d}", state=state("open"))
        Ticket.objects.filter(pk=t.pk).update(updated=now - timedelta(minutes=n))
    client.force_login(customer)

    last = client.get(reverse("customer:tickets"), {"status": "all", "page": 3})

    assert [t.title for t in last.context["page"].object_list] == ["request 40", "request 41", "request 42",
                                                                   "request 43", "request 44"]  # fmt: skip
    assert "Page 3 of 3" in last.content.decode()
