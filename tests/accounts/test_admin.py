"""Who reaches the admin: active staff agents only, whatever else is ticked."""

import pytest
from django.urls import reverse

from accounts.models import Company, Role, User
from tests.factories import PASSWORD, AgentFactory

pytestmark = pytest.mark.django_db


@pytest.mark.smoke
def test_a_staff_admin_agent_reaches_the_admin(client, admin_user):
    client.force_login(admin_user)
    admin_user.is_staff = True
    admin_user.save()
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_customer_is_refused_even_with_staff_status(client, customer):
    customer.is_staff = True
    customer.is_superuser = True
    customer.save()
    client.force_login(customer)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert client.get(reverse("admin:tickets_ticket_changelist")).status_code == 302


def test_a_customer_with_staff_status_cannot_log_in_through_the_admin_form(client, customer):
    customer.is_staff = True
    customer.save()
    response = client.post(reverse("admin:login"), {"username": customer.username, "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_an_agent_without_staff_status_is_refused(client, agent):
    client.force_login(agent)
    assert client.get(reverse("admin:index")).status_code == 302


def test_an_inactive_staff_agent_is_refused(client):
    user = AgentFactory(is_staff=True, is_superuser=True, is_active=False)
    client.force_login(user)
    assert client.get(reverse("admin:index")).status_code == 302


def test_the_user_page_shows_helpdesk_fields_and_direct_grants_for_agents(client, admin_user, agent, customer):
    admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    page = client.get(reverse("admin:accounts_user_change", args=[agent.pk])).content.decode()
    assert 'name="kind"' in page and 'name="can_see_company_tickets"' in page and 'name="roles"' in page
    assert "group_grants-TOTAL_FORMS" in page
    page = client.get(reverse("admin:accounts_user_change", args=[customer.pk])).content.decode()
    assert "group_grants-TOTAL_FORMS" not in page


def test_company_and_role_pages_show_their_customers_and_grants(client, admin_user, customer, queue):
    admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    company = Company.objects.get(pk=customer.company_id)
    page = client.get(reverse("admin:accounts_company_change", args=[company.pk])).content.decode()
    assert customer.username in page
    role = Role.objects.create(name="1st level agents")
    role.grants.create(group=queue.group, permission="rw")
    page = client.get(reverse("admin:accounts_role_change", args=[role.pk])).content.decode()
    assert "grants of this role" in page.lower()


def test_users_can_be_added_in_admin_with_a_kind(client, admin_user):
    admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "newagent",
            "kind": "agent",
            "email": "n@example.com",
            "usable_password": "true",
            "password1": "a-Long-pass-4567",
            "password2": "a-Long-pass-4567",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(username="newagent").kind == "agent"


def test_a_role_is_granted_the_faq_editor_right_through_its_grant_inline(client, admin_user, queue):
    """The FAQ right is no ticket right (tickets.permissions.TICKET_RIGHTS) but is still granted on groups."""
    client.force_login(admin_user)
    role = Role.objects.create(name="FAQ editors")
    page = client.get(reverse("admin:accounts_role_change", args=[role.pk])).content.decode()
    assert '<option value="faq_edit">' in page
    response = client.post(
        reverse("admin:accounts_role_change", args=[role.pk]),
        {
            "name": "FAQ editors",
            "description": "",
            "grants-TOTAL_FORMS": "1",
            "grants-INITIAL_FORMS": "0",
            "grants-0-group": queue.group_id,
            "grants-0-permission": "faq_edit",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(role.grants.values_list("group_id", "permission")) == [(queue.group_id, "faq_edit")]
