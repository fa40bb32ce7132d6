"""The selectors of tickets/permissions.py, and the forms and services that must agree with them.

Each disagreement found when the forms still rebuilt grant queries has its own test: the owner
form left out administrators the service accepts and offered agents holding `owner` without
`ro`; the responsible form offered agents holding any right at all on the queue.
"""

import pytest
from django.urls import reverse

from accounts.models import Permission, User
from tests.factories import AdminFactory, AgentFactory, CustomerFactory, RoleFactory, TicketFactory, grant, state
from tickets import permissions, services
from tickets.errors import InvalidChange, PermissionDenied
from tickets.forms.actions import OwnerForm, ResponsibleForm, WatcherForm

pytestmark = pytest.mark.django_db


@pytest.fixture
def pool(queue, other_queue, agent, readonly_agent, outsider_agent):
    """Agents of every kind the owner and responsible choices must sort: direct, via role, partial, inactive, admin."""
    people = [agent, readonly_agent, outsider_agent, AdminFactory(username="root")]
    for via in ("direct", "role"):
        for rights in (["owner"], ["owner", "ro"], ["note"], ["create", "ro"], ["rw"]):
            user = AgentFactory(username=f"{via}-{'-'.join(rights)}")
            holder = user
            if via == "role":
                holder = RoleFactory(name=f"role {user.username}")
                user.roles.add(holder)
            grant(holder, queue, *rights)
            people.append(user)
    gone = AgentFactory(username="gone", is_active=False)
    grant(gone, queue, Permission.RW)
    people += [gone, AdminFactory(username="inactive-root", is_active=False)]
    return [User.objects.get(pk=u.pk) for u in people]


def _accepted(call) -> bool:
    try:
        call()
    except (InvalidChange, PermissionDenied):
        return False
    return True


def _choices(form, field):
    return {u.pk for u in form.fields[field].queryset}


def test_owner_choices_are_exactly_the_agents_the_service_accepts(ticket, pool, admin_user):
    offered = _choices(OwnerForm(ticket=ticket, user=admin_user), "owner")
    accepted = {
        u.pk for u in pool if _accepted(lambda u=u: services.assign_owner(ticket=ticket, actor=admin_user, owner=u))
    }
    assert offered & {u.pk for u in pool} == accepted
    names = {u.username for u in pool if u.pk in offered}
    assert {"root", "anna", "direct-owner-ro", "role-owner-ro", "direct-rw", "role-rw"} == names


def test_owner_choices_include_an_administrator_without_grants(ticket, admin_user):
    root = AdminFactory(username="boss")
    form = OwnerForm(ticket=ticket, user=admin_user)
    assert root in form.fields["owner"].queryset
    services.assign_owner(ticket=ticket, actor=admin_user, owner=root)
    ticket.refresh_from_db()
    assert ticket.owner == root


def test_owner_choices_leave_out_an_agent_with_owner_but_without_ro(ticket, queue, admin_user):
    half = AgentFactory(username="half")
    grant(half, queue, Permission.OWNER)
    assert half not in OwnerForm(ticket=ticket, user=admin_user).fields["owner"].queryset
    with pytest.raises(InvalidChange):
        services.assign_owner(ticket=ticket, actor=admin_user, owner=half)


def test_responsible_choices_are_exactly_the_agents_the_service_accepts(ticket, pool, admin_user):
    offered = _choices(ResponsibleForm(ticket=ticket, user=admin_user), "responsible")
    accepted = {
        u.pk
        for u in pool
        if _accepted(lambda u=u: services.set_responsible(ticket=ticket, actor=admin_user, responsible=u))
    }
    assert offered & {u.pk for u in pool} == accepted
    assert "direct-note" not in {u.username for u in pool if u.pk in offered}
    assert "root" in {u.username for u in pool if u.pk in offered}


def test_a_posted_owner_the_service_would_refuse_is_a_form_error(ticket, queue, admin_user):
    half = AgentFactory(username="half")
    grant(half, queue, Permission.OWNER)
    form = OwnerForm({"version": ticket.version, "owner": half.pk}, ticket=ticket, user=admin_user)
    assert not form.is_valid()
    assert "owner" in form.errors


def test_agents_with_matches_can_in_queue_for_every_right(queue, pool):
    for perm in permissions.TICKET_RIGHTS:
        chosen = set(permissions.agents_with(perm, queue).values_list("pk", flat=True))
        expected = {u.pk for u in pool if permissions.can_in_queue(u, perm, queue)}
        assert chosen & {u.pk for u in pool} == expected, perm


def test_agents_with_lists_each_agent_once(queue):
    both = AgentFactory(username="both")
    role = RoleFactory(name="team")
    both.roles.add(role)
    grant(both, queue, Permission.RW, Permission.RO)
    grant(role, queue, Permission.RW)
    assert list(permissions.agents_with(Permission.RO, queue)).count(both) == 1


def test_customer_tickets_is_own_plus_company_only_with_the_right(queue, customer, colleague, other_customer):
    own = TicketFactory(queue=queue, customer=customer)
    colleagues = TicketFactory(queue=queue, customer=colleague)
    TicketFactory(queue=queue, customer=other_customer)
    assert set(permissions.customer_tickets(customer)) == {own}
    customer.can_see_company_tickets = True
    customer.save()
    assert set(permissions.customer_tickets(customer)) == {own, colleagues}
    assert set(permissions.customer_tickets(customer, company=False)) == {own}
    assert not permissions.customer_tickets(AgentFactory(username="a")).exists()


def test_customer_list_shows_company_tickets_only_with_the_right(client, queue, customer, colleague):
    TicketFactory(queue=queue, customer=colleague, title="Colleague's request")
    client.force_login(customer)
    assert "Colleague&#x27;s request" not in client.get("/customer/?scope=company").content.decode()
    customer.can_see_company_tickets = True
    customer.save()
    assert "Colleague&#x27;s request" in client.get("/customer/?scope=company").content.decode()
    assert "Colleague&#x27;s request" not in client.get("/customer/?scope=mine").content.decode()


def test_may_set_state_customers_close_or_reopen_their_own_tickets_only(ticket, customer, colleague, agent):
    closed, pending = state("closed successful"), state("pending reminder")
    colleague.can_see_company_tickets = True
    assert permissions.may_set_state(customer, ticket, closed)
    assert not permissions.may_set_state(customer, ticket, pending)
    assert not permissions.may_set_state(colleague, ticket, closed)
    assert permissions.may_set_state(agent, ticket, pending)
    assert permissions.may_set_state(None, ticket, pending)
    with pytest.raises(PermissionDenied):
        services.change_state(ticket=ticket, actor=customer, state=pending, pending_until=ticket.created)


def test_may_follow_up_by_mail(ticket, customer, colleague, other_customer, readonly_agent, outsider_agent):
    assert permissions.may_follow_up_by_mail(ticket, customer.email, customer)
    assert permissions.may_follow_up_by_mail(ticket, colleague.email, colleague)
    assert permissions.may_follow_up_by_mail(ticket, readonly_agent.email, readonly_agent)
    assert not permissions.may_follow_up_by_mail(ticket, outsider_agent.email, outsider_agent)
    assert not permissions.may_follow_up_by_mail(ticket, other_customer.email, other_customer)
    assert permissions.may_follow_up_by_mail(ticket, "Alice <ALICE@acme.example>", None)
    assert not permissions.may_follow_up_by_mail(ticket, "lice@acme.example", None)
    assert not permissions.may_follow_up_by_mail(ticket, "", CustomerFactory(username="nobody", company=None))


def test_a_colleague_who_reads_the_company_ticket_is_not_offered_close(client, ticket, customer, colleague):
    """The page offered a close button the service refuses (customers close only their own tickets)."""
    colleague.can_see_company_tickets = True
    colleague.save()
    client.force_login(colleague)
    page = client.get(reverse("customer:ticket", args=[ticket.pk])).content.decode()
    assert reverse("customer:ticket_close", args=[ticket.pk]) not in page
    client.post(reverse("customer:ticket_close", args=[ticket.pk]))
    ticket.refresh_from_db()
    assert ticket.is_open
    client.force_login(customer)
    page = client.get(reverse("customer:ticket", args=[ticket.pk])).content.decode()
    assert reverse("customer:ticket_close", args=[ticket.pk]) in page


def test_watcher_choices_are_the_agents_who_see_the_ticket(ticket, agent, readonly_agent, outsider_agent, pool):
    """The form offered every agent; the service refuses a watcher who cannot see the ticket."""
    offered = _choices(WatcherForm(ticket=ticket, user=agent), "user")
    accepted = {u.pk for u in pool if _accepted(lambda u=u: services.watch(ticket=ticket, actor=agent, user=u))}
    assert offered & {u.pk for u in pool} == accepted
    assert outsider_agent.pk not in offered and readonly_agent.pk in offered
    form = WatcherForm({"version": ticket.version, "user": outsider_agent.pk}, ticket=ticket, user=agent)
    assert not form.is_valid() and "user" in form.errors


def test_a_watcher_who_lost_access_can_still_be_removed(ticket, agent, queue):
    leaver = AgentFactory(username="leaver")
    grant(leaver, queue, Permission.RO)
    services.watch(ticket=ticket, actor=agent, user=leaver)
    leaver.group_grants.all().delete()
    form = WatcherForm({"version": ticket.version, "user": leaver.pk}, ticket=ticket, user=agent)
    assert form.is_valid(), form.errors
    services.unwatch(ticket=ticket, actor=agent, user=form.cleaned_data["user"])
    assert not ticket.watchers.filter(pk=leaver.pk).exists()
