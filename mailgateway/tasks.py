"""Celery tasks: polling, sending with retries, notifications, alerts. Tasks take ids.

This module sits on top of the mail app (see the layers contract in pyproject.toml): it imports
ingest, notifications and the outbox; none of them imports it. Event handlers (handlers.py) enqueue
its tasks, and the outbox names `send_outgoing` by its registered name (outbox.SEND_TASK)."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from mailgateway import ingest, notifications, outbox
from mailgateway.batch import batch
from mailgateway.models import MailAccount, OutgoingMail, ReminderNotice
from mailgateway.sources import imap, maildir
from tickets.models import StateType
from tickets.pending import due_pending

log = logging.getLogger(__name__)


def poll_account_now(account: MailAccount) -> dict | None:
    """Poll one account, and keep its health fields current for the admin list and the failure alert."""
    source = maildir if account.kind == MailAccount.Kind.MAILDIR else imap
    now = timezone.now()
    try:
        with batch():  # filters, queues and defaults are read once per poll
            stats = source.poll(account)
    except Exception as exc:
        log.warning("polling %s failed: %s", account, exc)
        MailAccount.objects.filter(pk=account.pk).update(last_polled_at=now, last_error=f"{type(exc).__name__}: {exc}")
        MailAccount.objects.filter(pk=account.pk, failing_since__isnull=True).update(failing_since=now)
        stats = None
    else:
        MailAccount.objects.filter(pk=account.pk).update(
            last_polled_at=now, last_success_at=now, failing_since=None, last_error="", alert_sent_at=None
        )
    ingest.retry_pending(account)  # mail already stored needs no server
    return stats


@shared_task(ignore_result=True)
def poll_account(account_id: int) -> None:
    account = MailAccount.objects.filter(pk=account_id, is_active=True).first()
    if account is not None:
        poll_account_now(account)


@shared_task(ignore_result=True)
def poll_due_accounts() -> None:
    now = timezone.now()
    for account in MailAccount.objects.filter(is_active=True):
        due = (
            account.last_polled_at is None
            or account.last_polled_at + timedelta(seconds=account.poll_interval_seconds) <= now
        )
        if due:
            poll_account.delay(account.pk)


@shared_task(ignore_result=True)
def retry_pending_messages() -> int:
    """Stored messages whose processing failed (piped ones included) are tried again until quarantined."""
    return ingest.retry_pending()


@shared_task(ignore_result=True)
def send_outgoing(mail_id: int) -> str:
    """Send one outbox row. A temporary failure sets its next attempt; the beat task below retries it
    then (no countdown kept in the broker, which could outlive a worker or come back twice)."""
    return outbox.deliver(mail_id)


@shared_task(ignore_result=True)
def send_outgoing_many(mail_ids: list[int]) -> list[str]:
    """Send outbox rows stored together (outbox.queue_many), one after the other, each as
    `send_outgoing` does; a row this task never reaches is sent by the beat task below."""
    return [outbox.deliver(mail_id) for mail_id in mail_ids]


@shared_task(ignore_result=True)
def retry_due_deliveries() -> int:
    """Beat, every minute: queued mail whose backoff has passed, or whose send task was lost."""
    due = outbox.due_ids()
    for mail_id in due:
        send_outgoing.delay(mail_id)
    return len(due)


@shared_task(ignore_result=True)
def notify(kind: str, *args) -> None:
    handlers = {
        "acknowledgement": notifications.acknowledge,
        "state_changed": notifications.state_changed,
        "agent_reply": notifications.agent_replied,
        "follow_up_rejected": notifications.follow_up_rejected,
        "agent_new_ticket": notifications.agents_new_ticket,
        "agent_follow_up": notifications.agents_follow_up,
        "agent_assigned": notifications.agent_assigned,
        "agent_reminder": notifications.agent_reminder,
    }
    handlers[kind](*args)


@shared_task(ignore_result=True)
def send_due_reminders() -> int:
    """Beat, every minute: each due reminder (ticket + pending time) is claimed once, then mailed."""
    sent = 0
    for ticket in due_pending(StateType.PENDING_REMINDER).only("pk", "pending_until")[:500]:
        try:
            with transaction.atomic():  # a savepoint: the duplicate must not break an outer transaction
                ReminderNotice.objects.create(ticket=ticket, due=ticket.pending_until)
        except IntegrityError:
            continue
        sent += notifications.agent_reminder(ticket.pk)
    return sent


def administrator_addresses() -> list[str]:
    """ADMINS from the settings and every active administrator account with an email, once each."""
    addresses = [address for _name, address in settings.ADMINS]
    accounts = User.objects.filter(kind=User.Kind.AGENT, is_superuser=True, is_active=True).exclude(email="")
    addresses += accounts.order_by("pk").values_list("email", flat=True)
    return list(dict.fromkeys(addresses))


@shared_task(ignore_result=True)
def alert_failing_accounts() -> int:
    limit = timezone.now() - timedelta(minutes=settings.HELPDESK_MAIL_ALERT_AFTER_MINUTES)
    failing = MailAccount.objects.filter(is_active=True, failing_since__lte=limit, alert_sent_at__isnull=True)
    recipients = administrator_addresses()
    if not recipients:
        return 0
    alerted = 0
    for account in failing:
        with transaction.atomic():  # the claim and the stored alert together
            claimed = MailAccount.objects.filter(pk=account.pk, alert_sent_at__isnull=True).update(
                alert_sent_at=timezone.now()
            )
            if not claimed:
                continue
            message = EmailMessage(
                f"Mail account {account.name} has failed since {account.failing_since:%Y-%m-%d %H:%M} UTC",
                f"Last error: {account.last_error}\n\nNo mail is fetched from it until this is fixed.",
                settings.SERVER_EMAIL,
                recipients,
                headers={"Auto-Submitted": "auto-generated", "X-Loop": settings.HELPDESK_MAIL_LOOP_ID},
            )
            outbox.queue(message, kind=OutgoingMail.Kind.ACCOUNT_ALERT)  # kept and retried if SMTP is down
        alerted += 1
    return alerted
