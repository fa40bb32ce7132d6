"""Both panels' password reset: rate-limited, queued to the worker, the same answer for every address."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from helpdesk.celery import app

pytestmark = pytest.mark.django_db

PANELS = {
    "customer": ("customer:password_reset", "customer:password_reset_done", "/customer/set-password/"),
    "agent": ("agent:password_reset", "agent:password_reset_done", "/agent/password/reset/"),
}


@pytest.fixture
def eager_celery():
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def account(request, customer, agent):
    return {"customer": customer, "agent": agent}[request.param]


def ask(client, panel, email, ip="203.0.113.7"):
    return client.post(reverse(PANELS[panel][0]), {"email": email}, REMOTE_ADDR=ip)


@pytest.mark.smoke
@pytest.mark.parametrize(("panel", "account"), [(p, p) for p in PANELS], indirect=["account"])
def test_known_and_unknown_addresses_get_the_same_answer_and_the_same_queries(
    client, panel, account, django_capture_on_commit_callbacks, eager_celery
):
    with django_capture_on_commit_callbacks() as known_tasks, CaptureQueriesContext(connection) as known_sql:
        known = ask(client, panel, account.email)
    with django_capture_on_commit_callbacks() as unknown_tasks, CaptureQueriesContext(connection) as unknown_sql:
        unknown = ask(client, panel, "nobody@nowhere.example")

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse(PANELS[panel][1])
    assert [q["sql"] for q in known_sql.captured_queries] == [q["sql"] for q in unknown_sql.captured_queries]
    assert not any("accounts_user" in q["sql"] for q in known_sql.captured_queries)
    # The request only queues the mail, in both cases; nothing is sent before the worker runs.
    assert len(known_tasks) == len(unknown_tasks) == 1
    assert mail.outbox == []

    known_tasks[0]()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [account.email]
    assert PANELS[panel][2] in mail.outbox[0].body
    unknown_tasks[0]()
    assert len(mail.outbox) == 1


def test_the_agent_panel_mails_agents_only(client, customer, django_capture_on_commit_callbacks, eager_celery):
    with django_capture_on_commit_callbacks(execute=True) as tasks:
        ask(client, "agent", customer.email)
    assert len(tasks) == 1 and mail.outbox == []


def test_the_customer_panel_mails_customers_only(client, agent, django_capture_on_commit_callbacks, eager_celery):
    """A customer-panel link would sign an agent into the customer panel: agents reset from their own panel."""
    with django_capture_on_commit_callbacks(execute=True) as tasks:
        ask(client, "customer", agent.email)
    assert len(tasks) == 1 and mail.outbox == []


@pytest.mark.parametrize(("panel", "account"), [(p, p) for p in PANELS], indirect=["account"])
def test_a_burst_for_one_account_is_cut_off_after_the_limit_with_the_same_page(
    client, panel, account, settings, django_capture_on_commit_callbacks, eager_celery
):
    settings.HELPDESK_PASSWORD_RESETS_PER_HOUR = 3
    with django_capture_on_commit_callbacks(execute=True) as tasks:
        answers = [ask(client, panel, account.email) for _ in range(5)]
    assert {(a.status_code, a["Location"]) for a in answers} == {(302, reverse(PANELS[panel][1]))}
    assert len(tasks) == 3 and len(mail.outbox) == 3


@pytest.mark.parametrize("panel", PANELS)
def test_a_burst_from_one_client_address_is_cut_off_after_the_limit_with_the_same_page(
    client, panel, settings, django_capture_on_commit_callbacks
):
    settings.HELPDESK_PASSWORD_RESETS_PER_HOUR_PER_ADDRESS = 4
    with django_capture_on_commit_callbacks() as tasks:
        answers = [ask(client, panel, f"someone{n}@example.org") for n in range(6)]
        other_client = ask(client, panel, "someone-else@example.org", ip="198.51.100.4")
    assert {(a.status_code, a["Location"]) for a in answers} == {(302, reverse(PANELS[panel][1]))}
    assert other_client.status_code == 302
    assert len(tasks) == 5  # four from the first address, one from the other


def test_the_limit_per_account_is_shared_by_both_panels(client, agent, settings, django_capture_on_commit_callbacks):
    settings.HELPDESK_PASSWORD_RESETS_PER_HOUR = 3
    with django_capture_on_commit_callbacks() as tasks:
        for _ in range(2):
            ask(client, "agent", agent.email)
            ask(client, "customer", agent.email)
    assert len(tasks) == 3


def test_the_reset_mail_is_in_the_language_the_page_was_in(
    client, customer, django_capture_on_commit_callbacks, eager_celery
):
    client.cookies["django_language"] = "pl"
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, "customer", customer.email)
    assert len(mail.outbox) == 1
    english = "If you did not ask for this, ignore this email"
    assert english not in mail.outbox[0].body


def test_the_link_points_at_helpdesk_base_url(client, agent, settings, queued_mail):
    settings.HELPDESK_BASE_URL = "https://help.example.com/desk"
    with queued_mail():
        ask(client, "agent", agent.email)
    assert "https://help.example.com/desk/agent/password/reset/" in mail.outbox[0].body
