"""Small builders for test mail."""

from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

CORPUS = Path(__file__).parent / "corpus"


def corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def make_mail(
    *,
    sender: str = "alice@acme.example",
    to: str = "1st-level@support.example.com",
    subject: str = "Printer on fire",
    body: str = "It smokes.",
    message_id: str | None = None,
    headers: dict | None = None,
    attachment: tuple[str, bytes] | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="acme.example")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    if attachment:
        message.add_attachment(attachment[1], maintype="application", subtype="octet-stream", filename=attachment[0])
    return message.as_bytes()
