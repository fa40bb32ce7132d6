"""Periodic jobs of the ticket domain. Tasks take ids or nothing, load, and call a service."""

import logging
from datetime import timedelta

from celery import shared_task
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import User
from tickets import services
from tickets.errors import StaleTicket
from tickets.models import Queue, StateType, Ticket, TicketHistory
from tickets.pending import due_pending
from tickets.services import escalation, escalation_mail
from tickets.services import sla as sla_service

log = logging.getLogger(__name__)


@shared_task(name="tickets.tasks.release_expired_locks")
def release_expired_locks() -> int:
    """Unlock tickets locked longer than their queue's unlock timeout with no agent activity since.

    A lock expires when `locked_at` is older than `queue.unlock_timeout_minutes` (0: never) and no
    agent wrote a TicketHistory row (an article, a note, any change) within that timeout. We do not
    use `ticket.updated`: a customer's follow-up or a system change bumps it too, and would keep a
    forgotten lock alive while the customer waits for an answer.

    The owner stays; only the lock goes, through services.unlock with actor=None (history and
    event included). Idempotent: a ticket already unlocked is not selected again, and a ticket
    changed between our query and the unlock is skipped (its version moved), so a retry or a
    second worker is harmless. Returns how many tickets were released.
    """
    now = timezone.now()
    released = 0
    for queue in Queue.objects.filter(unlock_timeout_minutes__gt=0):
        cutoff = now - timedelta(minutes=queue.unlock_timeout_minutes)
        recent_agent_work = TicketHistory.objects.filter(
            ticket=OuterRef("pk"), created__gte=cutoff, actor__kind=User.Kind.AGENT
        )
        expired = (
            Ticket.objects.filter(queue=queue, is_locked=True, locked_at__lt=cutoff)
            .exclude(Exists(recent_agent_work))
            .only("pk", "version")
        )
        for ticket in expired:
            try:
                services.unlock(ticket=ticket, actor=None, expected_version=ticket.version)
            except StaleTicket:
                continue  # someone acted on it just now; the next run looks again
            released += 1
    if released:
        log.info("released %d expired ticket locks", released)
    return released


AUTO_CLOSE_BATCH = 500


@shared_task(name="tickets.tasks.close_due_pending")
def close_due_pending() -> int:
    """Beat, every minute: close tickets in a pending auto-close state whose time has come.

    Each ticket is closed by services.auto_close, which locks and re-checks it: a second run or a
    second worker closes nothing twice. Returns how many were closed.
    """
    closed = 0
    for ticket in due_pending(StateType.PENDING_AUTO_CLOSE).only("pk")[:AUTO_CLOSE_BATCH]:
        closed += services.auto_close(ticket=ticket)
    if closed:
        log.info("closed %d tickets whose pending time had come", closed)
    return closed


SLA_RECOMPUTE_BATCH = 500


@shared_task(name="tickets.tasks.recompute_sla_due_times")
def recompute_sla_due_times(sla_id: int | None = None, after_pk: int = 0) -> int | None:
    """After an SLA (sla_id) or a calendar (None: every SLA ticket) changed: recompute the open
    tickets' due times, one batch of SLA_RECOMPUTE_BATCH by pk, then enqueue the next batch.

    Idempotent: a retry or a duplicate run recomputes the same tickets to the same values.
    Returns the last pk of the batch (None when done).
    """
    last = sla_service.recompute_batch(sla_id=sla_id, after_pk=after_pk, size=SLA_RECOMPUTE_BATCH)
    if last is not None:
        recompute_sla_due_times.delay(sla_id, last)
    return last


@shared_task(name="tickets.tasks.escalate_due_tickets")
def escalate_due_tickets() -> dict:
    """Beat, every minute: the escalation sweep (tickets.services.escalation), until nothing is due.

    Each batch is one transaction with its marks, history and notice, so a second run or a second
    worker marks nothing twice, and a worker killed mid-run does not repeat the batches it committed.
    Each notice is told by its own task right after its batch (`send_escalation_notices`); one whose
    task never ran (a worker died, the broker was down) is told here a minute later.
    """
    now = timezone.now()
    done = escalation.sweep(now=now)
    if done.events:
        log.info("escalation sweep: %d events on %d tickets", done.events, done.tickets)
    late = escalation_mail.send_pending(created_before=now - timedelta(minutes=1))
    return {"tickets": done.tickets, "events": done.events, "notices": done.notices, "late mails": late}


@shared_task(name="tickets.tasks.send_escalation_notices")
def send_escalation_notices(notice_id: int | None = None) -> int:
    """Right after a sweep batch commits: its warnings and breaches mailed (each notice once, even if
    this task runs twice). Without an id: every notice waiting. Returns the number of mails."""
    if notice_id is None:
        return escalation_mail.send_pending()
    return escalation_mail.send_notice(notice_id)
