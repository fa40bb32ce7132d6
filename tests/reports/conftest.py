"""Report viewers and a small fixture of tickets created at known moments."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.models import Permission
from tests.factories import AgentFactory, grant
from tickets.message import Message
from tickets.services import create_ticket

UTC = ZoneInfo("UTC")


@pytest.fixture
def reporter(queue):
    """An agent with rw and the reports right on `queue`'s group."""
    user = AgentFactory(username="rex", email="rex@support.example.com")
    grant(user, queue, Permission.RW, Permission.REPORTS)
    return user


@pytest.fixture
def other_reporter(other_queue):
    """A report viewer whose rights are on the other queue only."""
    user = AgentFactory(username="olga", email="olga@support.example.com")
    grant(user, other_queue, Permission.RW, Permission.REPORTS)
    return user


@pytest.fixture
def reporter_client(client, reporter):
    client.force_login(reporter)
    return client


def make_ticket(actor, queue, when: datetime, title="Printer on fire"):
    with time_machine.travel(when, tick=False):
        return create_ticket(actor=actor, queue=queue, title=title, message=Message(body_text="x", channel="phone"))


@pytest.fixture
def november(admin_user, queue, other_queue):
    """Three tickets in `queue` (1 and 2 Nov and 2 Oct) and two in `other_queue` (1 Nov), created by an admin."""
    return [
        make_ticket(admin_user, queue, datetime(2026, 11, 1, 10, tzinfo=UTC)),
        make_ticket(admin_user, queue, datetime(2026, 11, 2, 10, tzinfo=UTC)),
        make_ticket(admin_user, queue, datetime(2026, 10, 2, 10, tzinfo=UTC)),
        make_ticket(admin_user, other_queue, datetime(2026, 11, 1, 11, tzinfo=UTC)),
        make_ticket(admin_user, other_queue, datetime(2026, 11, 1, 12, tzinfo=UTC)),
    ]


NOVEMBER = {"start": "2026-11-01", "end": "2026-11-30"}
COUNT_BY_QUEUE = {"metric": "count", "by": "queue", **NOVEMBER}
