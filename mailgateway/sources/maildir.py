"""A Maildir as a mail source: each file is read once, as it is, and marked only after its commit.

A poll lists new/ and cur/ and looks the file names up in the ingest records (one query
per 500 names). A file whose record is done is never read again: it is only marked, the
Maildir way, by renaming it into cur/ with the `S` (seen) flag, or moved into the
account's Maildir++ folder, or removed when the account says so. Each message is its
own unit of work: one that cannot be read, is too big or makes processing fail is
quarantined with its reason (or retried, then quarantined), and the others are imported.
A message whose bytes were not stored whole (too big, unreadable) is never removed.
"""

import logging
import os
from dataclasses import dataclass

from django.conf import settings

from mailgateway import ingest
from mailgateway.models import InboundMessage, MailAccount

log = logging.getLogger(__name__)
Status = InboundMessage.Status
LOOKUP_CHUNK = 500
HEADER_READ_LIMIT = 256 * 1024  # of an oversized message only the header block is kept


@dataclass(frozen=True)
class Entry:
    """One message file: its path, its Maildir key (the name before ':') and its flags."""

    path: str
    key: str
    subdir: str
    flags: str

    def is_marked(self, account: MailAccount, record: InboundMessage) -> bool:
        """Seen in cur/, and not waiting to be moved or removed (what is not stored whole stays as seen)."""
        seen = self.subdir == "cur" and "S" in self.flags
        return seen and (account.after_import == MailAccount.AfterImport.FLAG or not _stored_whole(record))


def entries(root: str) -> list[Entry]:
    """Every message file in new/ and cur/, oldest name first; nothing is opened."""
    found = []
    for subdir in ("new", "cur"):
        with os.scandir(os.path.join(root, subdir)) as listing:
            for item in listing:
                if item.name.startswith("."):
                    continue
                key, _, info = item.name.partition(":")
                flags = info[2:] if info.startswith("2,") else ""
                found.append(Entry(path=item.path, key=key, subdir=subdir, flags=flags))
    return sorted(found, key=lambda e: e.key)


def read_message(path: str) -> tuple[bytes, int]:
    """The file's bytes as they are, and its size; of a file over the size limit only its header block."""
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size <= settings.HELPDESK_MAIL_MAX_BYTES:
            return handle.read(), size
        head = handle.read(HEADER_READ_LIMIT)
    for separator in (b"\r\n\r\n", b"\n\n"):
        index = head.find(separator)
        if index != -1:
            return head[: index + len(separator)], size
    return head, size


def _known(account: MailAccount, keys: list[str]) -> dict[str, InboundMessage]:
    records = {}
    for start in range(0, len(keys), LOOKUP_CHUNK):
        rows = InboundMessage.objects.filter(account=account, source_key__in=keys[start : start + LOOKUP_CHUNK])
        records.update({r.source_key: r for r in rows.select_related("raw").only(*_FIELDS)})
    return records


_FIELDS = ("source_key", "status", "size", "stored_whole", "attempts", "raw__size", "account_id")


def _store(account: MailAccount, entry: Entry) -> InboundMessage:
    """Store the file's bytes (or, when it cannot be read whole, what can be and why) before anything else."""
    where = {"account": account, "source": "maildir", "source_key": entry.key}
    try:
        raw, size = read_message(entry.path)
    except OSError as exc:
        reason = f"the file {entry.path} could not be read ({exc}); it stays in the Maildir"
        return ingest.store_raw(b"", **where, partial=ingest.Partial(0, reason))
    if size > len(raw):
        reason = (
            f"message of {size} bytes is over the limit of {settings.HELPDESK_MAIL_MAX_BYTES}; only its header is "
            "kept here, the message itself stays in the Maildir"
        )
        return ingest.store_raw(raw, **where, partial=ingest.Partial(size, reason))
    return ingest.store_raw(raw, **where)


def _stored_whole(record: InboundMessage) -> bool:
    return record.stored_whole and record.size > 0 and record.raw.size == record.size


def _folder(account: MailAccount) -> str:
    """The account's Maildir++ folder (`.Name` beside cur/ and new/), created when missing."""
    name = account.move_to_folder.replace("/", ".").replace(os.sep, ".").strip(".") or "Archive"
    path = os.path.join(account.maildir_path, f".{name}")
    for subdir in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(path, subdir), exist_ok=True)
    return path


def mark_done(account: MailAccount, entry: Entry, record: InboundMessage) -> None:
    """After the commit: seen in cur/, moved to the folder, or removed (only if its bytes are stored whole)."""
    policy = account.after_import
    if policy == MailAccount.AfterImport.DELETE and _stored_whole(record):
        os.remove(entry.path)
    else:
        root = _folder(account) if policy == MailAccount.AfterImport.MOVE and _stored_whole(record) else None
        flags = "".join(sorted(set(entry.flags) | {"S"}))
        target = os.path.join(root or account.maildir_path, "cur", f"{entry.key}:2,{flags}")
        if target != entry.path:
            os.rename(entry.path, target)
    InboundMessage.objects.filter(pk=record.pk).update(server_done=True)


def _take(account: MailAccount, entry: Entry, record: InboundMessage | None, stats: dict) -> None:
    if record is None:
        record = _store(account, entry)
        stats["fetched"] += 1
    if not record.is_done:
        ingest.process(record)
    record = InboundMessage.objects.select_related("raw").get(pk=record.pk)
    if record.is_done:
        stats["imported"] += record.status == Status.IMPORTED
        mark_done(account, entry, record)
        stats["flagged"] += 1
    else:
        stats["failed"] += 1


def poll(account: MailAccount, *, limit: int = 1000) -> dict:
    """One pass over the folder. Returns counts; raises only when the Maildir itself cannot be listed."""
    stats = {"fetched": 0, "imported": 0, "failed": 0, "flagged": 0}
    found = entries(account.maildir_path)
    records = _known(account, [e.key for e in found])
    worked = 0
    for entry in found:
        record = records.get(entry.key)
        if record is not None and record.is_done:
            if not entry.is_marked(account, record):
                _mark_quietly(account, entry, record, stats)
            continue
        if worked >= limit:
            continue
        worked += 1
        try:
            _take(account, entry, record, stats)
        except Exception:  # one message never stops the folder; it stays where it is
            log.exception("Maildir message %s of %s could not be taken", entry.key, account)
            stats["failed"] += 1
    return stats


def _mark_quietly(account: MailAccount, entry: Entry, record: InboundMessage, stats: dict) -> None:
    """A message committed earlier whose marking did not happen (a crash in between): mark it now."""
    try:
        mark_done(account, entry, record)
        stats["flagged"] += 1
    except OSError:
        log.exception("Maildir message %s of %s could not be marked", entry.key, account)


def exists(account: MailAccount) -> bool:
    return os.path.isdir(os.path.join(account.maildir_path, "new"))
