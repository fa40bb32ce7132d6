"""Polling one IMAP account: fetch, store, process, and only then flag, move or delete on the server."""

import logging
import ssl

from django.conf import settings
from imapclient import IMAPClient

from mailgateway import ingest
from mailgateway.models import InboundMessage, MailAccount

log = logging.getLogger(__name__)
IMPORTED_KEYWORD = b"$HelpdeskImported"
BATCH = 50
BATCH_BYTES = 2 * 1024 * 1024  # messages above this are fetched one at a time


def connect(account: MailAccount) -> IMAPClient:
    context = ssl.create_default_context()
    use_ssl = account.security == MailAccount.Security.TLS
    client = IMAPClient(account.host, port=account.port, ssl=use_ssl, ssl_context=context, timeout=60)
    if account.security == MailAccount.Security.STARTTLS:
        client.starttls(context)
    client.login(account.username, account.password)
    return client


def _mark_done(client: IMAPClient, account: MailAccount, uids: list[int], *, keep: frozenset = frozenset()) -> None:
    """Flag what is committed; move or delete it if the account says so (never a message in `keep`)."""
    if not uids:
        return
    flags = [b"\\Seen", IMPORTED_KEYWORD] if getattr(client, "_helpdesk_keywords", True) else [b"\\Seen"]
    client.add_flags(uids, flags)
    movable = [u for u in uids if u not in keep]
    if not movable:
        return
    if account.after_import == MailAccount.AfterImport.MOVE:
        client.move(movable, account.move_to_folder)
    elif account.after_import == MailAccount.AfterImport.DELETE:
        client.delete_messages(movable)
        client.expunge(movable)


def _candidates(client: IMAPClient, info: dict, limit: int) -> list[int]:
    """Messages not yet marked: by our keyword where the server stores keywords, else unseen ones."""
    client._helpdesk_keywords = b"\\*" in (info.get(b"PERMANENTFLAGS") or ())
    if client._helpdesk_keywords:
        criteria = ["NOT", "KEYWORD", IMPORTED_KEYWORD.decode(), "NOT", "DELETED"]
    else:
        criteria = ["UNSEEN", "NOT", "DELETED"]
    return sorted(client.search(criteria))[:limit]


def _store(raw: bytes, account: MailAccount, uidvalidity: int, uid: int, **partial) -> bool:
    """Store one message's bytes; a failure (a bad row, a database error) is logged and leaves it on the server.

    Nothing is flagged for a message without a record, so the next poll fetches it again.
    """
    try:
        ingest.store_raw(raw, account=account, source="imap", uidvalidity=uidvalidity, uid=uid, **partial)
    except Exception:  # one message never blocks the mailbox
        log.exception("IMAP message %s of %s could not be stored; it stays on the server", uid, account)
        return False
    return True


def _fetch(client: IMAPClient, account: MailAccount, uidvalidity: int, uids: list[int]) -> int:
    """Store the raw bytes of `uids` (not yet known); an oversized message is stored by its header only.

    Returns how many could not be stored.
    """
    sizes = {uid: data.get(b"RFC822.SIZE", 0) for uid, data in client.fetch(uids, [b"RFC822.SIZE"]).items()}
    limit = settings.HELPDESK_MAIL_MAX_BYTES
    small = [u for u in uids if u in sizes and sizes[u] <= min(limit, BATCH_BYTES)]
    large = [u for u in uids if u in sizes and min(limit, BATCH_BYTES) < sizes[u] <= limit]
    failed = 0
    for uid, data in client.fetch(small, [b"BODY.PEEK[]"]).items() if small else ():
        failed += not _store(data.get(b"BODY[]") or b"", account, uidvalidity, uid)
    for uid in large:
        data = client.fetch([uid], [b"BODY.PEEK[]"]).get(uid, {})
        failed += not _store(data.get(b"BODY[]") or b"", account, uidvalidity, uid)
    for uid in (u for u in uids if sizes.get(u, 0) > limit):
        header = client.fetch([uid], [b"BODY.PEEK[HEADER]"]).get(uid, {}).get(b"BODY[HEADER]") or b""
        reason = (
            f"message of {sizes[uid]} bytes is over the limit of {limit}; only its header is kept here, "
            "the message itself stays on the mail server"
        )
        failed += not _store(header, account, uidvalidity, uid, partial=ingest.Partial(sizes[uid], reason))
    return failed


def poll(account: MailAccount, *, limit: int = 1000) -> dict:
    """One pass over the account's folder. Returns counts; raises on connection/login errors."""
    stats = {"fetched": 0, "imported": 0, "failed": 0, "flagged": 0}
    client = connect(account)
    try:
        info = client.select_folder(account.folder)
        uidvalidity = int(info[b"UIDVALIDITY"])
        uids = _candidates(client, info, limit)
        known = set(
            InboundMessage.objects.filter(account=account, uidvalidity=uidvalidity, uid__in=uids).values_list(
                "uid", flat=True
            )
        )
        finished: list[int] = []
        oversized: set[int] = set()  # stored by the header only: flagged, never moved or deleted
        for start in range(0, len(uids), BATCH):
            batch = uids[start : start + BATCH]
            fresh = [u for u in batch if u not in known]
            if fresh:
                unstored = _fetch(client, account, uidvalidity, fresh)
                stats["fetched"] += len(fresh) - unstored
                stats["failed"] += unstored
            records = InboundMessage.objects.filter(account=account, uidvalidity=uidvalidity, uid__in=batch)
            for record in records.order_by("uid"):
                if not record.is_done:
                    ingest.process(record)
                    record.refresh_from_db()
                if not record.stored_whole:
                    oversized.add(record.uid)
                if record.is_done:
                    finished.append(record.uid)
                    stats["imported"] += record.status == InboundMessage.Status.IMPORTED
                else:
                    stats["failed"] += 1
            done_here = [u for u in finished if u in batch]
            _mark_done(client, account, done_here, keep=frozenset(oversized))
            InboundMessage.objects.filter(account=account, uidvalidity=uidvalidity, uid__in=done_here).update(
                server_done=True
            )
        stats["flagged"] = len(finished)
    finally:
        try:
            client.logout()
        except Exception:  # the connection may already be gone
            log.debug("IMAP logout failed", exc_info=True)
    return stats
