"""permissions.explain(): right by right, whether a user may act on a ticket or in a queue, and why.

It is the same decision `can()` takes (test_permissions_matrix.py compares them over the whole
matrix); these tests read the reasons a person sees in the admin's explainer.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from accounts.models import Permission, User
from tests.factories import AdminFactory, AgentFactory, RoleFactory, grant
from tickets import permissions, services

pytestmark = pytest.mark.django_db


def _by_perm(verdicts):
    return {v.perm: v for v in verdicts}


def _fresh(user):
    return User.objects.get(pk=user.pk)


def test_a_grant_through_a_role_names_the_role(ticket, queue):
    user = AgentFactory(username="via-role")
    role = RoleFactory(name="Billing team")
    user.roles.add(role)
    grant(role, queue, Permission.RO, Permission.NOTE)
    verdicts = _by_perm(permissions.explain(_fresh(user), ticket))
    assert verdicts["note"].allowed
    texts = [r.text for r in verdicts["note"].reasons]
    assert any("note" in t and "Billing team" in t for t in texts)
    assert any(t.startswith("ro ") and "Billing team" in t for t in texts), "the ro it needs is shown too"
    assert not verdicts["rw"].allowed


def test_a_direct_grant_says_direct(ticket, readonly_agent):
    verdict = _by_perm(permissions.explain(_fresh(readonly_agent), ticket))["ro"]
    assert verdict.allowed
    assert [r.code for r in verdict.reasons] == ["direct_grant"]
    assert "direct grant" in verdict.reasons[0].text


def test_a_missing_right_says_what_is_missing(ticket, readonly_agent, outsider_agent):
    rw = _by_perm(permissions.explain(_fresh(readonly_agent), ticket))["rw"]
    assert not rw.allowed
    assert rw.reasons[0].code == "missing"
    assert "rw" in rw.reasons[0].text and ticket.queue.name in rw.reasons[0].text
    assert not any(v.allowed for v in permissions.explain(_fresh(outsider_agent), ticket))


def test_a_specific_right_without_ro_says_ro_is_missing(ticket, queue):
    user = AgentFactory(username="owner-only")
    grant(user, queue, Permission.OWNER)
    owner = _by_perm(permissions.explain(_fresh(user), ticket))["owner"]
    assert not owner.allowed
    assert owner.reasons[0].code == "needs_ro"


def test_a_superuser_may_do_everything(ticket):
    verdicts = permissions.explain(AdminFactory(username="root"), ticket)
    assert all(v.allowed and v.reasons[0].code == "superuser" for v in verdicts)


def test_customers_own_and_company_tickets(ticket, customer, colleague, other_customer):
    own = _by_perm(permissions.explain(customer, ticket))
    assert own["ro"].allowed and own["ro"].reasons[0].code == "own_ticket"
    assert not own["rw"].allowed and own["rw"].reasons[0].code == "customer_right"
    assert _by_perm(permissions.explain(colleague, ticket))["ro"].reasons[0].code == "company_without_right"
    colleague.can_see_company_tickets = True
    company = _by_perm(permissions.explain(colleague, ticket))["note"]
    assert company.allowed and company.reasons[0].code == "company_ticket"
    assert _by_perm(permissions.explain(other_customer, ticket))["ro"].reasons[0].code == "not_theirs"


def test_a_lock_by_another_agent_is_shown_for_the_actions_it_binds(ticket, agent, queue):
    colleague = AgentFactory(username="co")
    grant(colleague, queue, Permission.RO, Permission.MOVE_INTO, Permission.OWNER, Permission.NOTE)
    services.lock(ticket=ticket, actor=agent)
    verdicts = _by_perm(permissions.explain(_fresh(colleague), ticket))
    assert verdicts["move_into"].allowed and verdicts["move_into"].lock is not None
    assert agent.display_name() in verdicts["move_into"].lock.text
    assert verdicts["owner"].lock is not None
    assert verdicts["note"].lock is None and verdicts["ro"].lock is None
    assert all(v.lock is None for v in permissions.explain(_fresh(agent), ticket)), "the lock holder is not bound"
    second = AgentFactory(username="rw-agent")
    grant(second, queue, Permission.RW)
    rw_verdicts = _by_perm(permissions.explain(_fresh(second), ticket))
    assert rw_verdicts["rw"].lock is not None
    assert rw_verdicts["owner"].lock is None, "rw may give a locked ticket to someone else"


def test_inactive_and_anonymous_users(ticket, agent):
    agent.is_active = False
    agent.save()
    assert {v.reasons[0].code for v in permissions.explain(_fresh(agent), ticket)} == {"inactive"}
    assert {v.reasons[0].code for v in permissions.explain(AnonymousUser(), ticket)} == {"anonymous"}


def test_a_queue_explains_customers_filing_requests(queue, other_queue, customer):
    assert _by_perm(permissions.explain_in_queue(customer, queue))["create"].allowed
    refused = _by_perm(permissions.explain_in_queue(customer, other_queue))["create"]
    assert not refused.allowed and refused.reasons[0].code == "customer_queue_closed"


@pytest.mark.parametrize("role", ["agent", "readonly_agent", "outsider_agent", "customer", "colleague", "admin_user"])
def test_explain_agrees_with_can_for_the_panel_roles(request, ticket, role):
    """The roles of tests/agent/test_permission_matrix.py, every right, on the ticket and in its queue."""
    user = request.getfixturevalue(role)
    for verdict in permissions.explain(user, ticket):
        assert verdict.allowed == permissions.can(user, verdict.perm, ticket), verdict
    for verdict in permissions.explain_in_queue(user, ticket.queue):
        assert verdict.allowed == permissions.can_in_queue(user, verdict.perm, ticket.queue), verdict


def test_reasons_are_read_in_the_readers_language(ticket, readonly_agent):
    verdicts = _by_perm(permissions.explain(_fresh(readonly_agent), ticket))
    with translation.override("pl"):
        assert verdicts["ro"].reasons[0].text == "ro do grupy kolejki (nadane bezpośrednio)"
        assert verdicts["rw"].reasons[0].text.startswith("brak uprawnienia rw do grupy kolejki")
