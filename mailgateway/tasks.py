"""Celery tasks: polling, sending with retries, notifications, alerts. Tasks take ids."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError
from django.utils import timezone

from mailgateway import notifications, outbound
from mailgateway.batch import batch
from mailgateway.models import Delivery, MailAccount, ReminderNotice
from tickets.models import Article, StateType, Ticket

log = logging.getLogger(__name__)


def poll_account_now(account: MailAccount) -> dict | None:
    """Poll one account, and keep its health fields current for the admin list and the failure alert."""
    from mailgateway import ingest
    from mailgateway.sources import imap, maildir

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
    from mailgateway import ingest

    return ingest.retry_pending()


@shared_task(bind=True, ignore_result=True, max_retries=None)
def send_article(self, article_id: int) -> str:
    outcome = outbound.deliver(article_id)
    if outcome == outbound.RETRY and not self.request.is_eager:
        record = Delivery.objects.get(article_id=article_id)
        raise self.retry(countdown=outbound.backoff(record.attempts).total_seconds())
    return outcome


@shared_task(ignore_result=True)
def retry_due_deliveries() -> None:
    """The safety net: queued articles whose task was lost or whose backoff has passed."""
    now = timezone.now()
    stale = now - timedelta(minutes=10)
    queued = Article.objects.filter(delivery_status=Article.Delivery.QUEUED)
    for article_id, created in queued.values_list("pk", "created")[:500]:
        record = Delivery.objects.filter(article_id=article_id).first()
        due = created <= stale if record is None else (record.next_attempt_at or stale) <= now
        if due:
            send_article.delay(article_id)


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
    sent = 0
    due = Ticket.objects.filter(state__type=StateType.PENDING_REMINDER, pending_until__lte=timezone.now())
    for ticket in due.only("pk", "pending_until")[:500]:
        try:
            ReminderNotice.objects.create(ticket=ticket, due=ticket.pending_until)
        except IntegrityError:
            continue
        sent += bool(notifications.agent_reminder(ticket.pk))
    return sent


def administrator_addresses() -> list[str]:
    """ADMINS from the settings and every active administrator account with an email, once each."""
    from accounts.models import User

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
        claimed = MailAccount.objects.filter(pk=account.pk, alert_sent_at__isnull=True).update(
            alert_sent_at=timezone.now()
        )
        if not claimed:
            continue
        try:
            send_mail(
                f"Mail account {account.name} has failed since {account.failing_since:%Y-%m-%d %H:%M} UTC",
                f"Last error: {account.last_error}\n\nNo mail is fetched from it until this is fixed.",
                settings.SERVER_EMAIL,
                recipients,
            )
        except Exception:  # SMTP down as well: try again on the next run
            log.warning("could not send the alert for mail account %s", account.name, exc_info=True)
            MailAccount.objects.filter(pk=account.pk).update(alert_sent_at=None)
            continue
        alerted += 1
    return alerted
