"""The permission matrix: who may do what where, asked both ways (can() and the querysets).

The rules (tickets/permissions.py): administrators may do everything; an agent's right on a
queue comes from a grant on its group, directly or through a role; `rw` includes every right;
a specific right (move_into, create, note, owner, priority) acts only together with ro or rw;
customers may read and add notes to their own tickets, and to their company's only with the
company right; inactive users and anonymous visitors may do nothing.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from accounts.models import Permission, User
from faq import permissions as faq_permissions
from tests.factories import AdminFactory, AgentFactory, CustomerFactory, QueueFactory, RoleFactory, TicketFactory, grant
from tickets import permissions
from tickets.errors import PermissionDenied
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

ALL = list(permissions.TICKET_RIGHTS)  # the FAQ editor right is not a ticket right (below)
SPECIFIC = [p for p in ALL if p not in (Permission.RO, Permission.RW)]
CUSTOMER_RIGHTS = {Permission.RO, Permission.NOTE}

# subject -> (how to build it, the rights it must hold on the granted queue, on the other queue)
SUBJECTS = {
    "admin": ("admin", set(ALL), set(ALL)),
    "agent_without_grant": ("agent", set(), set()),
    "inactive_agent_with_rw": ("inactive", set(), set()),
    "customer_owner": ("customer", CUSTOMER_RIGHTS, CUSTOMER_RIGHTS),
    "colleague_with_company_right": ("colleague+", CUSTOMER_RIGHTS, CUSTOMER_RIGHTS),
    "colleague_without_company_right": ("colleague", set(), set()),
    "other_company_customer": ("stranger", set(), set()),
    "anonymous": ("anonymous", set(), set()),
}
for _via in ("direct", "role"):
    SUBJECTS[f"agent_{_via}_ro"] = (f"{_via}:ro", {Permission.RO}, set())
    SUBJECTS[f"agent_{_via}_rw"] = (f"{_via}:rw", set(ALL), set())
    for _perm in SPECIFIC:
        # Alone a specific right does nothing; with ro it does exactly itself.
        SUBJECTS[f"agent_{_via}_{_perm}_alone"] = (f"{_via}:{_perm}", set(), set())
        SUBJECTS[f"agent_{_via}_{_perm}_with_ro"] = (f"{_via}:{_perm}+ro", {_perm, Permission.RO}, set())


@pytest.fixture
def world(company):
    granted = QueueFactory(name="Granted", customer_selectable=True)
    other = QueueFactory(name="Other")
    owner = CustomerFactory(username="owner", company=company)
    return {
        "granted": granted,
        "other": other,
        "owner": owner,
        "tickets": {
            "granted": TicketFactory(queue=granted, customer=owner),
            "other": TicketFactory(queue=other, customer=owner),
        },
    }


def build(recipe: str, world, company, other_customer):
    if recipe == "admin":
        return AdminFactory(username="root")
    if recipe == "agent":
        return AgentFactory(username="nobody")
    if recipe == "inactive":
        user = AgentFactory(username="gone", is_active=False)
        grant(user, world["granted"], Permission.RW)
        return user
    if recipe == "customer":
        return world["owner"]
    if recipe.startswith("colleague"):
        return CustomerFactory(username="carol", company=company, can_see_company_tickets=recipe.endswith("+"))
    if recipe == "stranger":
        return other_customer
    if recipe == "anonymous":
        return AnonymousUser()
    via, rights = recipe.split(":")
    user = AgentFactory(username="subject")
    holder = user
    if via == "role":
        holder = RoleFactory(name="subject role")
        user.roles.add(holder)
    grant(holder, world["granted"], *rights.split("+"))
    return user


def fresh(user):
    """A new user object, so no cached grants hide what the database says."""
    return user if isinstance(user, AnonymousUser) else User.objects.get(pk=user.pk)


def _verdict(verdicts, perm):
    (verdict,) = [v for v in verdicts if v.perm == perm]
    assert verdict.reasons, "every answer says why"
    return verdict


@pytest.mark.parametrize("subject", list(SUBJECTS))
def test_matrix(subject, world, company, other_customer):
    """Every permission on both queues, for one subject; all mismatches are reported together."""
    recipe, on_granted, on_other = SUBJECTS[subject]
    user = fresh(build(recipe, world, company, other_customer))
    is_customer = getattr(user, "is_customer", False)
    wrong = []
    for perm in ALL:
        for where, expected_rights in (("granted", on_granted), ("other", on_other)):
            queue, ticket = world[where], world["tickets"][where]
            expected = perm in expected_rights
            if is_customer:
                # Customers hold no queue rights; they may only file into customer-selectable queues.
                expected_in_queue = perm == Permission.CREATE and queue.customer_selectable
            else:
                expected_in_queue = expected
            answers = {
                "can": (permissions.can(user, perm, ticket), expected),
                "tickets_for": (permissions.tickets_for(user, perm).filter(pk=ticket.pk).exists(), expected),
                "queues_for": (permissions.queues_for(user, perm).filter(pk=queue.pk).exists(), expected_in_queue),
                "can_in_queue": (permissions.can_in_queue(user, perm, queue), expected_in_queue),
                # The admin explainer gives the same answers, with reasons (test_permission_explainer.py).
                "explain": (_verdict(permissions.explain(user, ticket), perm).allowed, expected),
                "explain_in_queue": (
                    _verdict(permissions.explain_in_queue(user, queue), perm).allowed,
                    expected_in_queue,
                ),
            }
            for how, (answer, want) in answers.items():
                if answer != want:
                    wrong.append(f"{how}({perm}) on {where} queue: {answer}, expected {want}")
    assert wrong == []


def test_ticket_rights_are_every_right_but_the_faq_editor_right():
    assert set(ALL) == set(Permission.values) - {Permission.FAQ_EDIT, Permission.REPORTS}


@pytest.mark.parametrize("subject", ["admin", "agent_direct_rw", "agent_role_rw"])
def test_the_faq_editor_right_is_no_ticket_right(subject, world, company, other_customer):
    """`rw` (or being an administrator) answers ticket questions; asking one with the FAQ right is a mistake."""
    recipe = SUBJECTS[subject][0]
    user = fresh(build(recipe, world, company, other_customer))
    ticket, queue = world["tickets"]["granted"], world["granted"]
    for ask in (
        lambda: permissions.can(user, Permission.FAQ_EDIT, ticket),
        lambda: permissions.can_in_queue(user, Permission.FAQ_EDIT, queue),
        lambda: permissions.tickets_for(user, Permission.FAQ_EDIT),
        lambda: permissions.queues_for(user, Permission.FAQ_EDIT),
        lambda: permissions.agents_with(Permission.FAQ_EDIT, queue),
        lambda: permissions.require(user, Permission.FAQ_EDIT, ticket),
    ):
        with pytest.raises(ValueError, match="not a ticket right"):
            ask()
    assert [v.perm for v in permissions.explain(user, ticket)] == ALL
    assert [v.perm for v in permissions.explain_in_queue(user, queue)] == ALL


def test_rw_does_not_make_an_faq_editor_but_the_faq_right_does(world):
    user = AgentFactory(username="rw-only")
    grant(user, world["granted"], Permission.RW)
    assert not faq_permissions.may_edit_any(fresh(user))
    grant(user, world["granted"], Permission.FAQ_EDIT)
    assert faq_permissions.editor_group_ids(fresh(user)) == {world["granted"].group_id}
    assert not permissions.can(fresh(user), Permission.RW, world["tickets"]["other"])


@pytest.mark.smoke
def test_rw_through_a_role_is_taken_back_when_the_role_goes(queue, ticket):
    user = AgentFactory(username="temp")
    role = RoleFactory(name="temps")
    grant(role, queue, Permission.RW)
    user.roles.add(role)
    assert permissions.can(fresh(user), Permission.OWNER, ticket)
    user.roles.remove(role)
    assert not permissions.can(fresh(user), Permission.RO, ticket)
    assert not permissions.tickets_for(fresh(user)).exists()


def test_grants_are_cached_until_forgotten(queue, ticket):
    user = fresh(AgentFactory(username="cached"))
    assert not permissions.can(user, Permission.RO, ticket)
    from accounts.models import GroupGrant

    GroupGrant.objects.create(user=user, group=queue.group, permission=Permission.RO)
    assert not permissions.can(user, Permission.RO, ticket), "cached on the object"
    permissions.forget_grants(user)
    assert permissions.can(user, Permission.RO, ticket)


# --- the accessors ----------------------------------------------------------------------------


def _message(exc_info):
    return str(exc_info.value)


@pytest.mark.smoke
def test_get_ticket_for_agent(ticket, agent, readonly_agent, outsider_agent, customer, admin_user):
    assert permissions.get_ticket_for_agent(agent, ticket.pk, "rw") == ticket
    assert permissions.get_ticket_for_agent(admin_user, ticket.pk, "rw") == ticket
    assert permissions.get_ticket_for_agent(readonly_agent, ticket.pk) == ticket
    with pytest.raises(PermissionDenied):
        permissions.get_ticket_for_agent(readonly_agent, ticket.pk, "rw")
    missing = Ticket.objects.order_by("-pk").first().pk + 1000
    with pytest.raises(Http404) as unseen:
        permissions.get_ticket_for_agent(outsider_agent, ticket.pk)
    with pytest.raises(Http404) as nonexistent:
        permissions.get_ticket_for_agent(outsider_agent, missing)
    assert _message(unseen) == _message(nonexistent)
    for stranger in (customer, AnonymousUser()):
        with pytest.raises(Http404):
            permissions.get_ticket_for_agent(stranger, ticket.pk)


def test_get_ticket_for_agent_loads_related_rows_in_one_query(ticket, agent, django_assert_num_queries):
    permissions.grants(agent)
    with django_assert_num_queries(1):
        loaded = permissions.get_ticket_for_agent(agent, ticket.pk)
        shown = [loaded.queue.name, loaded.state.name, loaded.priority.name, loaded.customer, loaded.company]
    assert shown[0] == ticket.queue.name and shown[3] == ticket.customer


@pytest.mark.smoke
def test_get_ticket_for_customer(ticket, customer, colleague, other_customer, agent):
    assert permissions.get_ticket_for_customer(customer, ticket.pk) == ticket
    missing = Ticket.objects.order_by("-pk").first().pk + 1000
    with pytest.raises(Http404) as nonexistent:
        permissions.get_ticket_for_customer(customer, missing)
    for outsider in (other_customer, colleague, agent, AnonymousUser()):
        with pytest.raises(Http404) as refused:
            permissions.get_ticket_for_customer(outsider, ticket.pk)
        assert _message(refused) == _message(nonexistent)
    colleague.can_see_company_tickets = True
    colleague.save()
    assert permissions.get_ticket_for_customer(fresh(colleague), ticket.pk) == ticket


def test_company_right_without_a_company_shows_nothing_else(ticket, queue):
    loner = CustomerFactory(username="loner", company=None, can_see_company_tickets=True)
    companyless = TicketFactory(queue=queue, customer=CustomerFactory(username="x", company=None))
    assert not permissions.can(loner, Permission.RO, companyless)
    assert not permissions.tickets_for(loner).exists()


def test_require_lets_the_system_through(ticket):
    permissions.require(None, Permission.RW, ticket)
    permissions.require_in_queue(None, Permission.CREATE, ticket.queue)


@pytest.mark.parametrize("junk", ["abc", "1 OR 1=1", None, ""])
def test_a_malformed_id_is_the_same_404(ticket, agent, customer, junk):
    with pytest.raises(Http404):
        permissions.get_ticket_for_agent(agent, junk)
    with pytest.raises(Http404):
        permissions.get_ticket_for_customer(customer, junk)
