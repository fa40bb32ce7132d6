"""States and priorities are read once per process (tickets.reference) and read again after an edit."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import TicketFactory, priority
from tickets import reference
from tickets.models import Priority

pytestmark = pytest.mark.django_db


def tables_read(client, url) -> str:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return " ".join(q["sql"] for q in ctx.captured_queries)


def test_a_list_page_reads_no_state_or_priority_once_they_are_cached(agent_client, queue):
    TicketFactory(queue=queue)
    url = reverse("agent:queues") + "?status=all"
    tables_read(agent_client, url)  # the first request loads them
    sql = tables_read(agent_client, url)
    assert 'FROM "tickets_state"' not in sql and 'FROM "tickets_priority"' not in sql
    page = agent_client.get(url).content.decode()
    assert f'<option value="{priority(5).pk}">{priority(5).name}</option>' in page  # the filter still offers them


def admin_post(client, model: str, obj, **changes):
    """Save `obj` through its admin change form with `changes`, as an administrator would."""
    url = reverse(f"admin:tickets_{model}_change", args=[obj.pk])
    form = client.get(url).context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None and key in form.fields}
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def test_an_admin_edit_of_a_priority_shows_on_the_next_page(agent_client, admin_user, queue):
    TicketFactory(queue=queue)
    url = reverse("agent:queues")
    top = priority(5)
    assert f">{top.name}</option>" in agent_client.get(url).content.decode()  # cached now

    admin_user.is_staff = True
    admin_user.save()
    admin = Client()
    admin.force_login(admin_user)
    admin_post(admin, "priority", top, name="Drop everything")

    page = agent_client.get(url).content.decode()
    assert ">Drop everything</option>" in page
    assert f">{top.name}</option>" not in page


def test_another_process_s_edit_is_seen_after_the_check_interval(agent_client, queue, monkeypatch):
    TicketFactory(queue=queue)
    url = reverse("agent:queues")
    top = priority(5)
    agent_client.get(url)  # cached in this process
    Priority.objects.filter(pk=top.pk).update(name="Renamed elsewhere")  # no signal here: another process did it

    monkeypatch.setattr(reference, "CHECK_SECONDS", 0.0)
    assert f">{top.name}</option>" in agent_client.get(url).content.decode()  # still this process's copy

    cache.incr(reference.VERSION_KEY)  # what the other process's save did when it committed
    assert ">Renamed elsewhere</option>" in agent_client.get(url).content.decode()


def test_a_copy_is_dropped_when_old_whatever_the_version(agent_client, queue, monkeypatch):
    TicketFactory(queue=queue)
    url = reverse("agent:queues")
    agent_client.get(url)
    Priority.objects.filter(pk=priority(5).pk).update(name="Changed behind the ORM")
    monkeypatch.setattr(reference, "CHECK_SECONDS", 0.0)
    monkeypatch.setattr(reference, "MAX_AGE_SECONDS", 0.0)
    assert ">Changed behind the ORM</option>" in agent_client.get(url).content.decode()
