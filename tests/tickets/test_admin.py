"""The Django admin: every page opens, lists run constant queries, ticket edits go through the services."""

import re

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.models import Permission
from tests.factories import AgentFactory, QueueFactory, grant, state
from tickets import services
from tickets.message import Message
from tickets.models import Article, Attachment, Ticket, TicketHistory, TicketLink
from tickets.storage import FileInput

pytestmark = pytest.mark.django_db


def admin_url(model, page, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}", args=args)


@pytest.fixture
def admin_client(client, admin_user):
    admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    return client


@pytest.fixture
def filled(ticket, agent, customer, other_queue, admin_user):
    """One of everything: an attachment, a link, a merge, a custom value, history."""
    services.add_article(
        ticket=ticket,
        actor=agent,
        message=Message(
            channel="note",
            body_text="See the log.",
            is_visible_to_customer=False,
            attachments=[FileInput("log.txt", b"error 42", "text/plain")],
            time_minutes=5,
        ),
    )
    other = services.create_ticket(
        actor=None,
        queue=other_queue,
        title="Toner",
        customer=customer,
        message=Message(body_text="x"),
    )
    services.link(source=ticket, target=other, kind="related", actor=admin_user)
    third = services.create_ticket(
        actor=None,
        queue=ticket.queue,
        title="Dup",
        customer=customer,
        message=Message(body_text="y"),
    )
    services.merge(source=third, target=ticket, actor=admin_user)
    return ticket


@pytest.mark.smoke
def test_every_registered_model_has_a_working_changelist_and_change_page(admin_client, filled):
    for model, model_admin in admin.site._registry.items():
        response = admin_client.get(admin_url(model, "changelist"))
        assert response.status_code == 200, model
        obj = model_admin.get_queryset(response.wsgi_request).first()
        if obj is not None:
            response = admin_client.get(admin_url(model, "change", obj.pk))
            assert response.status_code == 200, model


def test_the_ticket_list_shows_tickets_and_offers_the_agent_panel_for_new_ones(admin_client, ticket):
    response = admin_client.get(admin_url(Ticket, "changelist"))
    assert ticket.number in response.content.decode()
    assert "New ticket (in the agent panel)" in response.content.decode()
    assert admin_client.get(admin_url(Ticket, "add")).status_code == 403


def _make_tickets(queue, customer, n):
    for i in range(n):
        services.create_ticket(
            actor=None,
            queue=queue,
            title=f"T{i}",
            customer=customer,
            message=Message(body_text="body"),
        )


@pytest.mark.parametrize("model", [Ticket, Article, Attachment, TicketHistory, "user"])
def test_changelists_run_the_same_number_of_queries_for_5_and_50_rows(
    admin_client, queue, customer, model, django_assert_max_num_queries
):
    from accounts.models import User
    from tests.factories import CustomerFactory

    model = User if model == "user" else model
    url = admin_url(model, "changelist")

    def add_rows(n):
        _make_tickets(queue, customer, n)
        for t in Ticket.objects.filter(articles__attachments__isnull=True).distinct()[:n]:
            services.add_article(
                ticket=t,
                actor=None,
                message=Message(channel="note", body_text="n", attachments=[FileInput(f"{t.pk}.txt", b"x")]),
            )
        for i in range(n):
            CustomerFactory(username=f"c{model.__name__}{Ticket.objects.count()}-{i}")

    add_rows(5)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert admin_client.get(url).status_code == 200
    add_rows(45)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = admin_client.get(url)
    assert response.status_code == 200


def test_changing_state_and_owner_in_admin_writes_history_with_the_admin_as_actor(
    admin_client, admin_user, ticket, second_agent
):
    data = change_form_data(ticket, state=state("open").pk, owner=second_agent.pk)
    response = admin_client.post(admin_url(Ticket, "change", ticket.pk), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    ticket.refresh_from_db()
    assert ticket.state.name == "open" and ticket.owner == second_agent
    rows = TicketHistory.objects.filter(ticket=ticket, actor=admin_user)
    assert set(rows.values_list("event", flat=True)) >= {"state_changed", "owner_changed"}


def test_an_owner_without_rights_is_refused_with_a_message_and_nothing_is_saved(admin_client, ticket, outsider_agent):
    """Not one of the offered owners (test_the_change_form_offers_only_the_agents_the_services_accept)."""
    history_before = TicketHistory.objects.filter(ticket=ticket).count()
    data = change_form_data(ticket, title="New title", owner=outsider_agent.pk)
    response = admin_client.post(admin_url(Ticket, "change", ticket.pk), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["owner"]
    assert "Select a valid choice" in response.content.decode()
    assert "New title" in response.content.decode()  # the input is kept
    ticket.refresh_from_db()
    assert ticket.title == "Printer on fire" and ticket.owner is None
    assert TicketHistory.objects.filter(ticket=ticket).count() == history_before


def test_a_stale_form_is_refused(admin_client, ticket, agent):
    data = change_form_data(ticket, title="Mine")
    services.set_title(ticket=ticket, actor=agent, title="Theirs")
    response = admin_client.post(admin_url(Ticket, "change", ticket.pk), data)
    assert "changed by someone else" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.title == "Theirs"


def test_tags_and_links_added_in_admin_go_through_the_services(admin_client, admin_user, ticket, customer):
    other = services.create_ticket(
        actor=None,
        queue=ticket.queue,
        title="Other",
        customer=customer,
        message=Message(body_text="z"),
    )
    data = change_form_data(ticket, tags=[])
    data.update({"links_out-TOTAL_FORMS": "1", "links_out-0-kind": "related", "links_out-0-target": str(other.pk)})
    from tickets.models import Tag

    data["tags"] = [Tag.objects.create(name="printer").pk]
    response = admin_client.post(admin_url(Ticket, "change", ticket.pk), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(ticket.tags.values_list("name", flat=True)) == ["printer"]
    assert TicketLink.objects.filter(source=ticket, target=other, created_by=admin_user).exists()
    events = set(TicketHistory.objects.filter(ticket=ticket, actor=admin_user).values_list("event", flat=True))
    assert {"tags_changed", "linked"} <= events


def test_bulk_close_and_move_actions_use_the_services(admin_client, admin_user, ticket, other_queue):
    url = admin_url(Ticket, "changelist")
    admin_client.post(url, {"action": f"move_to_queue_{other_queue.pk}", "_selected_action": [ticket.pk]})
    admin_client.post(url, {"action": "close_successful", "_selected_action": [ticket.pk]})
    ticket.refresh_from_db()
    assert ticket.queue == other_queue and ticket.state.name == "closed successful"
    events = list(TicketHistory.objects.filter(ticket=ticket, actor=admin_user).values_list("event", flat=True))
    assert events == ["queue_moved", "state_changed"]


def test_a_bulk_action_refused_for_one_ticket_reports_it(client, ticket, other_queue):
    staff = AgentFactory(username="staffer", is_staff=True, is_superuser=False)
    grant(staff, ticket.queue, Permission.RO)
    from django.contrib.auth.models import Permission as DjangoPermission

    staff.user_permissions.add(*DjangoPermission.objects.filter(codename__in=["view_ticket", "change_ticket"]))
    client.force_login(staff)
    response = client.post(
        admin_url(Ticket, "changelist"), {"action": "close_successful", "_selected_action": [ticket.pk]}, follow=True
    )
    assert "Not changed" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.state.name == "new"


def test_staff_agents_see_only_tickets_of_their_queues(client, ticket, customer):
    hidden = services.create_ticket(
        actor=None,
        queue=QueueFactory(name="Secret"),
        title="Secret",
        customer=customer,
        message=Message(body_text="s"),
    )
    staff = AgentFactory(username="staffer", is_staff=True)
    grant(staff, ticket.queue, Permission.RO)
    from django.contrib.auth.models import Permission as DjangoPermission

    staff.user_permissions.add(DjangoPermission.objects.get(codename="view_ticket"))
    client.force_login(staff)
    page = client.get(admin_url(Ticket, "changelist")).content.decode()
    assert ticket.number in page and hidden.number not in page


def test_attachments_download_only_for_staff_agents(admin_client, client, filled, customer):
    attachment = Attachment.objects.get(filename="log.txt")
    url = reverse("admin:tickets_attachment_download", args=[attachment.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"error 42"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "/media/" not in admin_client.get(admin_url(Attachment, "change", attachment.pk)).content.decode()

    customer.is_staff = True
    customer.save()
    client.force_login(customer)
    assert client.get(url).status_code == 302  # to the admin login


def change_form_data(ticket, **changes):
    """The POST a browser sends for the ticket's change form, with `changes` applied."""
    ticket.refresh_from_db()
    data = {
        "title": ticket.title,
        "queue": ticket.queue_id,
        "state": ticket.state_id,
        "pending_until_0": "",
        "pending_until_1": "",
        "priority": ticket.priority_id,
        "type": ticket.type_id or "",
        "category": ticket.category_id or "",
        "owner": ticket.owner_id or "",
        "responsible": ticket.responsible_id or "",
        "tags": list(ticket.tags.values_list("pk", flat=True)),
        "expected_version": ticket.version,
    }
    for prefix, count in [("links_out", ticket.links_out.count()), ("articles", 0), ("history", 0)]:
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": str(count),
                f"{prefix}-INITIAL_FORMS": str(count),
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_a_link_deleted_in_admin_is_removed_through_the_service(admin_client, admin_user, ticket, customer):
    other = services.create_ticket(
        actor=None,
        queue=ticket.queue,
        title="Other",
        customer=customer,
        message=Message(body_text="z"),
    )
    link = services.link(source=ticket, target=other, kind="related", actor=admin_user)
    data = change_form_data(ticket)
    data.update({"links_out-0-id": str(link.pk), "links_out-0-source": str(ticket.pk), "links_out-0-DELETE": "on"})
    response = admin_client.post(admin_url(Ticket, "change", ticket.pk), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not TicketLink.objects.filter(pk=link.pk).exists()
    assert TicketHistory.objects.filter(ticket=ticket, event="unlinked", actor=admin_user).exists()


def _options(html: str, name: str) -> set[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select {name}"
    return {value for value in re.findall(r'<option value="(\d+)"', select.group(1))}


def test_the_change_form_offers_only_the_agents_the_services_accept(
    admin_client, admin_user, ticket, queue, agent, readonly_agent, outsider_agent
):
    owner_only = AgentFactory(username="owner-without-ro")
    grant(owner_only, queue, Permission.OWNER)
    owner_with_ro = AgentFactory(username="owner-with-ro")
    grant(owner_with_ro, queue, Permission.OWNER, Permission.RO)
    html = admin_client.get(admin_url(Ticket, "change", ticket.pk)).content.decode()
    agents = {admin_user, agent, readonly_agent, outsider_agent, owner_only, owner_with_ro}
    assert _options(html, "owner") & {str(u.pk) for u in agents} == {
        str(u.pk) for u in (admin_user, agent, owner_with_ro)
    }
    assert _options(html, "responsible") & {str(u.pk) for u in agents} == {
        str(u.pk) for u in (admin_user, agent, readonly_agent, owner_with_ro)
    }
    assert "data-ajax--url" not in re.search(r'<select name="owner"[^>]*>', html).group(0)


def test_an_owner_of_the_new_queue_is_accepted_when_the_same_form_moves_the_ticket(admin_client, ticket, other_queue):
    there = AgentFactory(username="there")
    grant(there, other_queue, Permission.RW)
    data = change_form_data(ticket, queue=other_queue.pk, owner=there.pk)
    response = admin_client.post(admin_url(Ticket, "change", ticket.pk), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    ticket.refresh_from_db()
    assert (ticket.queue, ticket.owner) == (other_queue, there)


def test_the_change_page_runs_the_same_number_of_queries_for_2_and_12_agents(
    admin_client, ticket, queue, django_assert_max_num_queries
):
    for n in range(2):
        grant(AgentFactory(username=f"few{n}"), queue, Permission.RW)
    url = admin_url(Ticket, "change", ticket.pk)
    admin_client.get(url)
    with django_assert_max_num_queries(10_000) as few:
        admin_client.get(url)
    many = [AgentFactory(username=f"many{n}") for n in range(10)]
    for user in many:
        grant(user, queue, Permission.RW)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = admin_client.get(url).content.decode()
    assert {str(u.pk) for u in many} <= _options(html, "owner")
