"""A Maildir as a mail source: new/ and cur/ files are imported once each, then moved to cur/ as seen."""

import mailbox
import os

from mailgateway import ingest
from mailgateway.models import MailAccount


def poll(account: MailAccount, *, limit: int = 1000) -> dict:
    box = mailbox.Maildir(account.maildir_path, factory=None, create=False)
    stats = {"fetched": 0, "imported": 0, "failed": 0}
    for key in list(box.keys())[:limit]:
        msg = box.get_message(key)
        if "S" in msg.get_flags() and "T" in msg.get_flags():
            continue
        raw = box.get_bytes(key)
        stats["fetched"] += 1
        record = ingest.receive(raw, account=account, source="maildir", source_key=key)
        if record.is_done:
            stats["imported"] += record.status == record.Status.IMPORTED
            if account.after_import == MailAccount.AfterImport.DELETE:
                box.remove(key)
            else:
                msg.set_subdir("cur")
                msg.add_flag("ST" if account.after_import == MailAccount.AfterImport.MOVE else "S")
                box[key] = msg
        else:
            stats["failed"] += 1
    return stats


def exists(account: MailAccount) -> bool:
    return os.path.isdir(os.path.join(account.maildir_path, "new"))
