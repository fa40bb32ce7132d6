"""Bounces as mail servers write them, one per form, returning a message of ours with a given Message-ID.

Written for these tests after the shapes of RFC 3464 reports and of the plain-text bounces that
qmail and Exim send; the addresses, hosts and texts are made up.
"""

OURS = "support@support.example.com"


def _crlf(text: str) -> bytes:
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode()


def _returned(message_id: str, recipient: str, subject: str) -> str:
    return (
        f"From: 1st level <{OURS}>\n"
        f"To: {recipient}\n"
        f"Subject: {subject}\n"
        f"Message-ID: {message_id}\n"
        "Date: Mon, 30 Nov 2026 09:00:00 +0000\n"
        "Auto-Submitted: auto-replied\n"
        "X-Loop: helpdesk\n"
    )


def report_with_message(message_id: str, recipient: str, *, subject: str = "Your request") -> bytes:
    """Postfix style: multipart/report with the delivery status and the whole returned message/rfc822."""
    return _crlf(
        "From: MAILER-DAEMON@mx.acme.example (Mail Delivery System)\n"
        f"To: {OURS}\n"
        "Subject: Undelivered Mail Returned to Sender\n"
        "Message-ID: <20261130090102.1A2B3@mx.acme.example>\n"
        "Auto-Submitted: auto-replied\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B1"\n'
        "\n"
        "--B1\n"
        "Content-Type: text/plain; charset=us-ascii\n"
        "\n"
        "I'm sorry to have to inform you that your message could not\n"
        "be delivered to one or more recipients.\n"
        "\n"
        f"<{recipient}>: host mx.acme.example said: 550 5.1.1 User unknown\n"
        "\n"
        "--B1\n"
        "Content-Type: message/delivery-status\n"
        "\n"
        "Reporting-MTA: dns; mx.acme.example\n"
        "Arrival-Date: Mon, 30 Nov 2026 09:01:00 +0000\n"
        "\n"
        f"Final-Recipient: rfc822; {recipient}\n"
        f"Original-Recipient: rfc822;{recipient}\n"
        "Action: failed\n"
        "Status: 5.1.1\n"
        "Diagnostic-Code: smtp; 550 5.1.1 User unknown\n"
        "\n"
        "--B1\n"
        "Content-Type: message/rfc822\n"
        "\n" + _returned(message_id, recipient, subject) + "\n"
        "Thank you for your request.\n"
        "--B1--\n"
    )


def report_with_headers(message_id: str, recipient: str, *, subject: str = "Your request") -> bytes:
    """Exchange/Gmail style: multipart/report whose third part holds only the returned headers."""
    return _crlf(
        "From: postmaster@mail.acme.example\n"
        f"To: {OURS}\n"
        "Subject: Delivery Status Notification (Failure)\n"
        "Message-ID: <dsn-77@mail.acme.example>\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type="delivery-status"; boundary="B2"\n'
        "\n"
        "--B2\n"
        "Content-Type: text/plain\n"
        "\n"
        "Your message couldn't be delivered: the mailbox is full.\n"
        "--B2\n"
        "Content-Type: message/delivery-status\n"
        "\n"
        "Reporting-MTA: dns;mail.acme.example\n"
        "\n"
        f"Original-Recipient: rfc822;{recipient.upper()}\n"
        "Action: failed\n"
        "Status: 5.2.2\n"
        "Diagnostic-Code: smtp;552 5.2.2 Mailbox full\n"
        "--B2\n"
        "Content-Type: text/rfc822-headers\n"
        "\n" + _returned(message_id, recipient, subject) + "--B2--\n"
    )


def report_delayed(message_id: str, recipient: str, *, subject: str = "Your request") -> bytes:
    """A delay notice: a report with Action: delayed; the server keeps trying."""
    return _crlf(
        "From: MAILER-DAEMON@mx.acme.example (Mail Delivery System)\n"
        f"To: {OURS}\n"
        "Subject: Delayed Mail (still being retried)\n"
        "Message-ID: <20261130130000.DDDD@mx.acme.example>\n"
        "Auto-Submitted: auto-replied\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B3"\n'
        "\n"
        "--B3\n"
        "Content-Type: text/plain\n"
        "\n"
        "This is the mail system: your message could not be delivered for 4 hours.\n"
        "It will be retried until it is 5 days old.\n"
        "--B3\n"
        "Content-Type: message/delivery-status\n"
        "\n"
        "Reporting-MTA: dns; mx.acme.example\n"
        "\n"
        f"Final-Recipient: rfc822; {recipient}\n"
        "Action: delayed\n"
        "Status: 4.4.1\n"
        "Diagnostic-Code: X-Postfix; connect to mail.acme.example: Connection timed out\n"
        "--B3\n"
        "Content-Type: text/rfc822-headers\n"
        "\n" + _returned(message_id, recipient, subject) + "--B3--\n"
    )


def qmail(message_id: str, recipient: str, *, subject: str = "Your request") -> bytes:
    """qmail's "failure notice": the address in angle brackets, then the copy below a dashed line."""
    return _crlf(
        "From: MAILER-DAEMON@mail.acme.example\n"
        f"To: {OURS}\n"
        "Subject: failure notice\n"
        "Date: 30 Nov 2026 09:02:00 -0000\n"
        "\n"
        "Hi. This is the qmail-send program at mail.acme.example.\n"
        "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
        "This is a permanent error; I've given up. Sorry it didn't work out.\n"
        "\n"
        f"<{recipient}>:\n"
        "Sorry, no mailbox here by that name. (#5.1.1)\n"
        "\n"
        "--- Below this line is a copy of the message.\n"
        "\n"
        "Return-Path: <>\n"
        "Received: (qmail 4711 invoked from network); 30 Nov 2026 09:01:59 -0000\n"
        + _returned(message_id, recipient, subject)
        + "\n"
        "Thank you for your request.\n"
    )


def exim(message_id: str, recipient: str, *, subject: str = "Your request") -> bytes:
    """Exim's "Mail delivery failed": the indented address, then a copy with all the headers."""
    return _crlf(
        "From: Mail Delivery System <Mailer-Daemon@smtp.acme.example>\n"
        f"To: {OURS}\n"
        "Subject: Mail delivery failed: returning message to sender\n"
        "Message-Id: <E1kXyZ-0001Ab-Cd@smtp.acme.example>\n"
        f"X-Failed-Recipients: {recipient}\n"
        "Auto-Submitted: auto-replied\n"
        "\n"
        "This message was created automatically by mail delivery software.\n"
        "\n"
        "A message that you sent could not be delivered to one or more of its\n"
        "recipients. This is a permanent error. The following address(es) failed:\n"
        "\n"
        f"  {recipient}\n"
        "    SMTP error from remote mail server after RCPT TO:<" + recipient + ">:\n"
        "    550 5.1.1 Recipient address rejected: User unknown\n"
        "\n"
        "------ This is a copy of the message, including all the headers. ------\n"
        "\n"
        "Return-path: <" + OURS + ">\n"
        "Received: from helpdesk.support.example.com ([192.0.2.10])\n"
        "\tby smtp.acme.example with esmtp (Exim 4.96)\n" + _returned(message_id, recipient, subject) + "\n"
        "Thank you for your request.\n"
    )


def exim_without_failed_recipients_header(message_id: str, recipient: str, *, subject: str = "Your request") -> bytes:
    """Old Postfix/Exim plain-text form: no X-Failed-Recipients, so the address is read from the text."""
    return exim(message_id, recipient, subject=subject).replace(f"X-Failed-Recipients: {recipient}\r\n".encode(), b"")


def exim_delay(message_id: str, recipient: str, *, subject: str = "Your request") -> bytes:
    """Exim's warning that a message is still queued: a delay, not a failure."""
    return _crlf(
        "From: Mail Delivery System <Mailer-Daemon@smtp.acme.example>\n"
        f"To: {OURS}\n"
        "Subject: Warning: message 1kXyZ-0001Ab-Cd delayed 24 hours\n"
        "Auto-Submitted: auto-replied\n"
        "\n"
        "This message was created automatically by mail delivery software.\n"
        "A message that you sent has not yet been delivered to one or more of its\n"
        "recipients after more than 24 hours on the queue on smtp.acme.example.\n"
        "\n"
        f"  {recipient}\n"
        "    Delay reason: SMTP error from remote mail server after RCPT TO:<" + recipient + ">:\n"
        "    451 4.3.0 Temporary lookup failure\n"
        "\n"
        "No action is required on your part. Delivery attempts will continue for\n"
        "some time, and this warning may be repeated at intervals if the message\n"
        "remains undelivered. Eventually the mail delivery software will give up,\n"
        "and when that happens, the message will be returned to you.\n"
        "\n"
        "------ This is a copy of the message's headers. ------\n"
        "\n" + _returned(message_id, recipient, subject)
    )
