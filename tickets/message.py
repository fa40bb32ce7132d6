"""One message, whatever brought it: a web form, a phone call, a mail, a note.

`Message` is what `create_ticket`, `add_article`, `follow_up` and `reply` take instead of
twenty keyword arguments. It is immutable: a service that must override a field (a
customer's article is always visible to customers) makes a changed copy with `but(...)`.
The mail gateway builds one from a parsed mail (mailgateway.ingest.to_message).
"""

import dataclasses
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.mail.message import make_msgid

CHANNEL_WEB = "web"  # Article.Channel.WEB; the models import nothing from here


@dataclass(frozen=True, kw_only=True)
class Message:
    channel: str = CHANNEL_WEB
    author: object | None = None  # the User who wrote it; None: the actor (or the ticket's customer for the system)
    sender_type: str | None = None  # Article.Sender; None: derived from the author
    is_visible_to_customer: bool = True
    subject: str = ""
    body_text: str = ""
    body_html: str = ""
    from_address: str = ""
    to: str = ""
    cc: str = ""
    message_id: str = ""
    in_reply_to: str = ""
    references: str = ""
    attachments: tuple = ()  # tickets.storage.FileInput values
    raw_message: bytes | None = None  # the mail as received, kept beside the article
    time_minutes: Decimal | int | str = 0  # time accounted with it (agents only)

    def __post_init__(self):
        # A list given by a caller becomes a tuple: the value cannot change under the service.
        object.__setattr__(self, "attachments", tuple(self.attachments or ()))

    @property
    def has_content(self) -> bool:
        return bool(self.body_text or self.body_html or self.attachments)

    def but(self, **changes) -> "Message":
        """A copy with these fields changed."""
        return dataclasses.replace(self, **changes)


def new_message_id() -> str:
    """A Message-ID for mail we send, in the domain of our sender address."""
    return make_msgid(domain=settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "helpdesk.local")
