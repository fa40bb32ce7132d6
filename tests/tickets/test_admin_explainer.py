"""The admin's permission explainer page: who may open it, what it shows, and that it keeps to the CSP."""

import re

import pytest
from django.contrib.auth.models import Permission as AuthPermission
from django.urls import reverse

from accounts.models import Permission
from tests.factories import AgentFactory, RoleFactory, grant
from tickets import services

pytestmark = pytest.mark.django_db

URL = "admin:tickets_permission_explainer"


@pytest.fixture
def staff_admin(client, admin_user):
    client.force_login(admin_user)
    return client


def _row(html: str, perm: str) -> str:
    match = re.search(rf'<tr class="explainer-{perm}">(.*?)</tr>', html, re.S)
    assert match, f"no row for {perm}"
    return match.group(1)


def test_explains_a_role_grant_and_what_is_missing_on_a_ticket(staff_admin, ticket, queue):
    user = AgentFactory(username="maria")
    role = RoleFactory(name="Billing team")
    user.roles.add(role)
    grant(role, queue, Permission.RO)
    response = staff_admin.get(reverse(URL), {"user": "maria", "ticket": ticket.number})
    assert response.status_code == 200
    html = response.content.decode()
    assert ticket.number in html
    ro, rw = _row(html, "ro"), _row(html, "rw")
    assert "yes" in ro and "Billing team" in ro
    assert "no" in rw and "no grant of rw" in rw
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "<script>" not in html and "<style" not in html and "style=" not in html


def test_explains_a_queue_and_a_lock(staff_admin, ticket, agent, queue):
    colleague = AgentFactory(username="co", email="co@helpdesk.example")
    grant(colleague, queue, Permission.RO, Permission.MOVE_INTO)
    services.lock(ticket=ticket, actor=agent)
    html = staff_admin.get(reverse(URL), {"user": "co@helpdesk.example", "ticket": str(ticket.pk)}).content.decode()
    assert "locked by" in _row(html, "move_into")
    html = staff_admin.get(reverse(URL), {"user": str(colleague.pk), "queue": queue.pk}).content.decode()
    assert "direct grant" in _row(html, "move_into")
    assert "no grant of owner" in _row(html, "owner")


def test_bad_input_is_a_clear_error(staff_admin, ticket, queue):
    html = staff_admin.get(reverse(URL), {"user": "nobody-like-this", "ticket": ticket.number}).content.decode()
    assert "No user with that username" in html
    html = staff_admin.get(reverse(URL), {"user": "root", "ticket": "XX-1", "queue": ""}).content.decode()
    assert "No ticket with that number" in html
    html = staff_admin.get(reverse(URL), {"user": "root", "ticket": ticket.number, "queue": queue.pk}).content.decode()
    assert "Pick a ticket or a queue" in html
    assert 'class="explainer-' not in html


def test_only_superusers_or_staff_with_the_view_permissions_may_use_it(client, ticket, agent):
    staff = AgentFactory(username="staffer", is_staff=True)
    client.force_login(staff)
    assert client.get(reverse(URL), {"user": "anna", "ticket": ticket.number}).status_code == 403
    for codename in ("view_user", "view_groupgrant", "view_ticket"):
        staff.user_permissions.add(AuthPermission.objects.get(codename=codename))
    assert client.get(reverse(URL), {"user": "anna", "ticket": ticket.number}).status_code == 200
    client.force_login(agent)  # not staff: the admin site sends them to its login
    assert client.get(reverse(URL)).status_code == 302


def test_the_ticket_list_links_to_the_explainer(staff_admin):
    html = staff_admin.get(reverse("admin:tickets_ticket_changelist")).content.decode()
    assert reverse(URL) in html


def test_lists_ticket_rights_only_not_the_faq_editor_right(staff_admin, ticket, queue):
    user = AgentFactory(username="editor")
    grant(user, queue, Permission.RW, Permission.FAQ_EDIT)
    html = staff_admin.get(reverse(URL), {"user": "editor", "ticket": ticket.number}).content.decode()
    assert "yes" in _row(html, "rw")
    assert 'class="explainer-faq_edit"' not in html
    html = staff_admin.get(reverse(URL), {"user": "editor", "queue": queue.pk}).content.decode()
    assert "yes" in _row(html, "owner")
    assert 'class="explainer-faq_edit"' not in html
