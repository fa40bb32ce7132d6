"""Polling one IMAP account: fetch, store, process, and only then flag, move or delete on the server."""

import logging
import ssl

from django.utils import timezone
from imapclient import IMAPClient

from mailgateway import ingest
from mailgateway.models import InboundMessage, MailAccount

log = logging.getLogger(__name__)
IMPORTED_KEYWORD = b"$HelpdeskImported"
BATCH = 50


def connect(account: MailAccount) -> IMAPClient:
    context = ssl.create_default_context()
    use_ssl = account.security == MailAccount.Security.TLS
    client = IMAPClient(account.host, port=account.port, ssl=use_ssl, ssl_context=context, timeout=60)
    if account.security == MailAccount.Security.STARTTLS:
        client.starttls(context)
    client.login(account.username, account.password)
    return client


def _mark_done(client: IMAPClient, account: MailAccount, uids: list[int]) -> None:
    if not uids:
        return
    client.add_flags(uids, [b"\\Seen", IMPORTED_KEYWORD])
    if account.after_import == MailAccount.AfterImport.MOVE:
        client.move(uids, account.move_to_folder)
    elif account.after_import == MailAccount.AfterImport.DELETE:
        client.delete_messages(uids)
        client.expunge(uids)


def poll(account: MailAccount, *, limit: int = 1000) -> dict:
    """One pass over the account's folder. Returns counts; raises on connection/login errors."""
    stats = {"fetched": 0, "imported": 0, "failed": 0, "flagged": 0}
    client = connect(account)
    try:
        info = client.select_folder(account.folder)
        uidvalidity = int(info[b"UIDVALIDITY"])
        uids = sorted(client.search(["NOT", "KEYWORD", IMPORTED_KEYWORD.decode(), "NOT", "DELETED"]))[:limit]
        known = dict(
            InboundMessage.objects.filter(account=account, uidvalidity=uidvalidity, uid__in=uids).values_list(
                "uid", "status"
            )
        )
        finished: list[int] = []
        for start in range(0, len(uids), BATCH):
            batch = uids[start : start + BATCH]
            fresh = [u for u in batch if u not in known]
            fetched = client.fetch(fresh, [b"BODY.PEEK[]"]) if fresh else {}
            for uid in batch:
                if uid in fetched:
                    raw = fetched[uid].get(b"BODY[]") or b""
                    stats["fetched"] += 1
                    record = ingest.store_raw(raw, account=account, source="imap", uidvalidity=uidvalidity, uid=uid)
                else:
                    record = InboundMessage.objects.get(account=account, uidvalidity=uidvalidity, uid=uid)
                if not record.is_done:
                    record = ingest.process(record)
                    record.refresh_from_db()
                if record.is_done:
                    finished.append(uid)
                    stats["imported"] += record.status == InboundMessage.Status.IMPORTED
                else:
                    stats["failed"] += 1
            _mark_done(client, account, [u for u in finished if u in batch])
        stats["flagged"] = len(finished)
        InboundMessage.objects.filter(account=account, uid__in=finished, uidvalidity=uidvalidity).update(
            server_done=True
        )
    finally:
        try:
            client.logout()
        except Exception:  # the connection may already be gone
            log.debug("IMAP logout failed", exc_info=True)
    return stats


def poll_and_record(account: MailAccount) -> dict | None:
    """Poll, and keep the account's health fields current for the failure alert."""
    now = timezone.now()
    try:
        stats = poll(account)
    except Exception as exc:
        log.warning("polling %s failed: %s", account, exc)
        MailAccount.objects.filter(pk=account.pk).update(last_polled_at=now, last_error=f"{type(exc).__name__}: {exc}")
        MailAccount.objects.filter(pk=account.pk, failing_since__isnull=True).update(failing_since=now)
        return None
    MailAccount.objects.filter(pk=account.pk).update(
        last_polled_at=now, last_success_at=now, failing_since=None, last_error="", alert_sent_at=None
    )
    return stats
