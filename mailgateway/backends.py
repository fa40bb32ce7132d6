"""Django's EMAIL_BACKEND for the helpdesk: every EmailMessage goes into the outbox.

Django's own mail (password resets, invitations, admin mails) is thus stored and retried like
the helpdesk's, with no import of this app. The real transport (SMTP, console, locmem) is
settings.HELPDESK_MAIL_TRANSPORT_BACKEND, used by mailgateway.outbox.deliver.
"""

from django.core.mail.backends.base import BaseEmailBackend

from mailgateway import outbox


class OutboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        """Store the messages that have a recipient (one message alone, several together)."""
        messages = [message for message in email_messages if message.recipients()]
        if len(messages) == 1:
            outbox.queue(messages[0])
        elif messages:
            outbox.queue_many(messages)
        return len(messages)
