"""Fixtures shared by every suite: one per role, named for what they are."""

from contextlib import contextmanager
from datetime import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import translation

from accounts.models import Permission
from helpdesk.celery import app
from tests.factories import AdminFactory, AgentFactory, CompanyFactory, CustomerFactory, QueueFactory, grant
from tickets import reference
from tickets.calendars import Calendar, WorkingInterval
from tickets.message import Message
from tickets.models import SLA

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def pytest_collection_modifyitems(config, items):
    if ON_POSTGRES:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL; runs in the PostgreSQL pass of `make test`")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _default_vocabulary(request):
    """Transactional tests flush the seeded states and priorities; put them back."""
    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction")) and "transactional_db" not in request.fixturenames:
        return
    request.getfixturevalue("transactional_db")
    from tickets.defaults import ensure

    ensure()


def use_the_outbox(settings) -> None:
    """Django's test runner swaps EMAIL_BACKEND for locmem: keep the outbox, make locmem its transport."""
    settings.EMAIL_BACKEND = "mailgateway.backends.OutboxBackend"
    settings.HELPDESK_MAIL_TRANSPORT_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _outbox_mail(settings, monkeypatch):
    """Every mail goes through the outbox. Outside tests/mail (whose conftest keeps the real
    after-commit send) a stored mail is sent at once, since a test's transaction never commits:
    the panels' tests read django.core.mail.outbox right after a request, as users would see it."""
    send_at_once(settings, monkeypatch)


def send_at_once(settings, monkeypatch) -> None:
    from mailgateway import outbox, tasks

    use_the_outbox(settings)
    monkeypatch.setattr(outbox, "_send_after_commit", lambda mail_id: tasks.send_outgoing.apply(args=[mail_id]))
    monkeypatch.setattr(
        outbox, "_send_many_after_commit", lambda ids: ids and tasks.send_outgoing_many.apply(args=[ids])
    )


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Login lockouts and rate limits count per client address in the cache, and every test client
    is 127.0.0.1: without a clean cache, failures in one test would lock out the next. The process's
    copy of the states and priorities (tickets.reference) goes too: the last test's rows were rolled back."""
    cache.clear()
    reference.forget()
    yield
    cache.clear()
    reference.forget()


@pytest.fixture(autouse=True)
def _default_language():
    """A request in a user's language leaves it active in the thread: the next test starts in the default."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):
    """Each test writes attachments into its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def queue(db):
    return QueueFactory(name="1st level", customer_selectable=True)


@pytest.fixture
def other_queue(db):
    return QueueFactory(name="2nd level")


@pytest.fixture
def company(db):
    return CompanyFactory(name="Acme")


@pytest.fixture
def customer(company):
    return CustomerFactory(username="alice", email="alice@acme.example", company=company)


@pytest.fixture
def colleague(company):
    """Another customer of the same company."""
    return CustomerFactory(username="carol", email="carol@acme.example", company=company)


@pytest.fixture
def other_customer(db):
    """A customer of another company."""
    return CustomerFactory(username="bob", email="bob@globex.example", company=CompanyFactory(name="Globex"))


@pytest.fixture
def agent(queue):
    """An agent with full rights on `queue`."""
    user = AgentFactory(username="anna")
    grant(user, queue, Permission.RW)
    return user


@pytest.fixture
def second_agent(queue):
    user = AgentFactory(username="boris")
    grant(user, queue, Permission.RW)
    return user


@pytest.fixture
def readonly_agent(queue):
    user = AgentFactory(username="rita")
    grant(user, queue, Permission.RO)
    return user


@pytest.fixture
def outsider_agent(other_queue):
    """An agent whose rights are on another queue only."""
    user = AgentFactory(username="otto")
    grant(user, other_queue, Permission.RW)
    return user


@pytest.fixture
def admin_user(db):
    return AdminFactory(username="root")


@pytest.fixture
def ticket(agent, queue, customer):
    from tickets.services import create_ticket

    return create_ticket(
        actor=agent,
        queue=queue,
        title="Printer on fire",
        customer=customer,
        message=Message(body_text="It smokes.", channel="phone"),
    )


@pytest.fixture
def captured_events():
    """Every event published (and committed) during the test, in order."""
    from tickets import events

    seen = []
    events.subscribe()(seen.append)
    yield seen
    events.unsubscribe(seen.append)


@pytest.fixture
def db_vendor():
    return connection.vendor


@pytest.fixture
def queued_mail(django_capture_on_commit_callbacks):
    """`with queued_mail():` runs what the block queued for after the commit, Celery tasks eagerly."""

    @contextmanager
    def run():
        app.conf.task_always_eager = True
        try:
            with django_capture_on_commit_callbacks(execute=True) as callbacks:
                yield callbacks
        finally:
            app.conf.task_always_eager = False

    return run


@pytest.fixture
def office(db):
    """The default business calendar of the SLA tests: Monday to Friday 09:00-17:00 UTC."""
    calendar = Calendar.objects.create(name="Office", time_zone="UTC", is_default=True)
    for weekday in range(5):
        WorkingInterval.objects.create(calendar=calendar, weekday=weekday, start=time(9), end=time(17))
    return calendar


@pytest.fixture
def gold(office, queue):
    """SLA Gold on `queue`: first response 60, update 120, solution 480 business minutes, warning at 80 %."""
    sla = SLA.objects.create(
        name="Gold", first_response_minutes=60, update_minutes=120, solution_minutes=480, warning_percent=80
    )
    queue.sla = sla
    queue.save()
    return sla
