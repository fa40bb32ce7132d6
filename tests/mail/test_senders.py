"""A new sender becomes one customer, whoever else holds the name and however many workers take mail at once."""

import threading

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from mailgateway import ingest
from mailgateway.parse import parse
from mailgateway.router import find_or_create_sender
from tests.mail.helpers import make_mail
from tests.tickets.test_concurrency import run_together

ADDRESS = "carol@newcustomer.example"


@pytest.mark.django_db
def test_a_new_sender_whose_address_is_taken_as_a_username_gets_a_user_of_their_own(queue):
    User.objects.create(username=ADDRESS, email=ADDRESS, kind=User.Kind.CUSTOMER, is_active=False)
    User.objects.create(username=f"{ADDRESS}-{User.objects.count() + 1}", email="someone@else.example")

    with CaptureQueriesContext(connection) as seen:
        record = ingest.receive(make_mail(sender=f"Carol Jones <{ADDRESS}>", subject="Hello"), source="pipe")

    assert record.status == "imported", record.error
    carol = record.ticket.customer
    assert (carol.email, carol.first_name, carol.last_name, carol.is_active) == (ADDRESS, "Carol", "Jones", True)
    assert carol.username.startswith(f"{ADDRESS}-") and User.objects.filter(username=carol.username).count() == 1
    assert not [q["sql"] for q in seen.captured_queries if "COUNT(" in q["sql"].upper()]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_creating_the_same_new_sender_at_once_make_one_user(queue, monkeypatch):
    both_looked = threading.Barrier(2, timeout=20)
    real = User.set_unusable_password

    def after_both_lookups(user):  # both workers found no user before either creates one
        both_looked.wait()
        real(user)

    monkeypatch.setattr(User, "set_unusable_password", after_both_lookups)
    parsed = parse(make_mail(sender=f"Carol Jones <{ADDRESS}>"))
    found = []

    def take(n):
        with transaction.atomic():  # as ingest.process does: the sender is created inside the import
            found.append(find_or_create_sender(parsed).pk)

    assert run_together(2, take) == []
    assert len(found) == 2 and len(set(found)) == 1
    assert list(User.objects.filter(email=ADDRESS).values_list("pk", flat=True)) == found[:1]
