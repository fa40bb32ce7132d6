import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.smoke
@pytest.mark.parametrize(
    "name", ["agent:dashboard", "agent:queues", "agent:status", "agent:mine", "agent:watched", "agent:escalated"]
)
def test_agent_pages_render_for_an_agent(agent_client, ticket, name):
    response = agent_client.get(reverse(name))
    assert response.status_code == 200


def test_zoom_renders(agent_client, ticket, reply_from_customer):
    response = agent_client.get(reverse("agent:ticket", args=[ticket.pk]))
    assert response.status_code == 200
    assert "Printer on fire" in response.content.decode()
