"""Ingest speed: reference data read once per batch of mail, the sender found through the lower(email) index."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from mailgateway import ingest
from mailgateway.batch import batch
from mailgateway.models import PostmasterFilter
from mailgateway.parse import parse
from mailgateway.router import find_or_create_sender
from tests.factories import QueueFactory
from tests.mail.helpers import make_mail

pytestmark = pytest.mark.django_db


def tables_read(queries, table: str) -> int:
    return sum(1 for q in queries if q["sql"].startswith("SELECT") and f'FROM "{table}"' in q["sql"])


def test_filters_queues_states_and_priorities_are_read_once_per_batch(queue, customer, company):
    QueueFactory(name="Billing", email_addresses="billing@support.example.com")
    company.email_domains = "acme.example"
    company.save()
    PostmasterFilter.objects.create(name="urgent", field="subject", value="URGENT", add_tags="urgent")
    with CaptureQueriesContext(connection) as seen, batch():
        records = [
            ingest.receive(make_mail(subject=f"Request {n}", sender=f"new{n}@acme.example"), source="pipe")
            for n in range(5)
        ]
    assert [r.status for r in records] == ["imported"] * 5
    assert len({r.ticket_id for r in records}) == 5
    queries = seen.captured_queries
    assert tables_read(queries, "mailgateway_postmasterfilter") == 1
    assert tables_read(queries, "tickets_queue") in (1, 2)  # the queues listing addresses (and the active ones)
    assert tables_read(queries, "tickets_state") == 1
    assert tables_read(queries, "tickets_priority") == 1
    assert tables_read(queries, "accounts_company") == 1
    assert {r.ticket.customer.company for r in records} == {company}  # found by domain from the cached list


def test_outside_a_batch_each_message_sees_a_filter_added_since_the_last_one(queue, customer):
    first = ingest.receive(make_mail(subject="URGENT one"), source="pipe")
    PostmasterFilter.objects.create(name="urgent", field="subject", value="URGENT", add_tags="urgent")
    second = ingest.receive(make_mail(subject="URGENT two"), source="pipe")
    assert list(first.ticket.tags.values_list("name", flat=True)) == []
    assert list(second.ticket.tags.values_list("name", flat=True)) == ["urgent"]


def test_sender_is_found_whatever_the_case_of_the_stored_address(queue):
    stored = User.objects.create(username="bob", email="Bob.Smith@Acme.Example", kind=User.Kind.CUSTOMER)
    parsed = parse(make_mail(sender="bob.smith@acme.example"))
    assert find_or_create_sender(parsed) == stored
    assert User.objects.count() == 1


@pytest.mark.postgres
def test_sender_lookup_is_served_by_the_lower_email_index(queue):
    kinds = [User.Kind.CUSTOMER, User.Kind.AGENT]
    User.objects.bulk_create(
        User(username=f"u{n}", email=f"User{n}@Example{n % 50}.test", kind=kinds[n % 2]) for n in range(3000)
    )
    User.objects.create(username="bob", email="Bob.Smith@Acme.Example", kind=User.Kind.CUSTOMER)
    parsed = parse(make_mail(sender="bob.smith@acme.example"))
    with CaptureQueriesContext(connection) as seen:
        assert find_or_create_sender(parsed).username == "bob"
    sql = seen.captured_queries[0]["sql"]
    assert 'LOWER("accounts_user"."email")' in sql
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE accounts_user")
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "user_email_lower" in plan, plan
