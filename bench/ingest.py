"""Ingestion throughput of the mail gateway: messages per second and the worker's peak memory.

    .venv/bin/python bench/ingest.py                 # 10,000 messages, a throwaway PostgreSQL
    .venv/bin/python bench/ingest.py -n 2000 --imap  # also through a real Dovecot over IMAP
    DATABASE_URL=postgres://... .venv/bin/python bench/ingest.py   # an existing scratch database

Not part of the test suite (timing belongs here, not in tests). See bench/README.md.
"""

import argparse
import itertools
import random
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from email.message import EmailMessage

from _setup import peak_rss_mb, setup_django

BATCH = 100  # messages per batch (one poll of a mailbox fetches up to this many at a time)
BODIES = [
    ("utf-8", "The printer on the second floor prints blank pages since this morning."),
    ("koi8-r", "Добрый день! Не печатает принтер в бухгалтерии, на экране ошибка."),
    ("windows-1251", "Просим исправить счёт за октябрь и прислать новый экземпляр."),
    ("iso-8859-2", "Zażółć gęślą jaźń. Drukarka w księgowości nie działa."),
    ("utf-8", "Příliš žluťoučký kůň úpěl ďábelské ódy. Tiskárna nefunguje."),
]


def generate(count: int, seed: int = 7):
    """Yield (raw bytes, kind): new tickets, replies by tag (filled in later), some with attachments."""
    rng = random.Random(seed)
    for n in range(count):
        charset, body = rng.choice(BODIES)
        message = EmailMessage()
        message["From"] = f"Customer {n % 500} <customer{n % 500}@bench{n % 500 % 37}.example>"
        message["To"] = "support@bench.example"
        message["Subject"] = f"Request {n}: {body[:30]}"
        message["Message-ID"] = f"<bench-{n}-{seed}@bench.example>"
        message.set_content((body + "\n") * rng.randint(1, 20), charset=charset)
        if rng.random() < 0.1:
            message.add_attachment(
                rng.randbytes(rng.randint(2_000, 200_000)), maintype="application", subtype="pdf",
                filename=f"scan-{n}.pdf",
            )  # fmt: skip
        yield message


class Statements:
    """Counts the SQL statements Django sends (savepoints included; BEGIN/COMMIT are not statements here)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


@dataclass
class Run:
    name: str
    messages: int = 0
    imported: int = 0
    failed: int = 0  # failed, quarantined or anything else that is not a ticket or an article
    seconds: float = 0.0
    statements: int = 0
    rss: float = 0.0


def run_direct(messages, replies_every: int) -> Run:
    from django.conf import settings
    from django.db import connection

    from mailgateway import ingest
    from mailgateway.batch import batch

    run = Run("store + process (pipe)")
    counter = Statements()
    tickets_by_sender: dict[str, str] = {}
    start = time.perf_counter()
    messages = iter(messages)
    with connection.execute_wrapper(counter):
        while chunk := list(itertools.islice(messages, BATCH)):
            with batch():  # one batch per BATCH messages, as one poll of a mailbox
                for message in chunk:
                    n = run.messages
                    sender = message["From"].addresses[0].addr_spec
                    if n % replies_every == 0 and sender in tickets_by_sender:
                        del message["Subject"]
                        hook = settings.HELPDESK_TICKET_HOOK
                        message["Subject"] = f"Re: [{hook}{tickets_by_sender[sender]}] follow-up"
                    record = ingest.receive(message.as_bytes(), source="pipe")
                    run.messages += 1
                    if record.status == "imported":
                        run.imported += 1
                        if sender not in tickets_by_sender:  # record.ticket is loaded: no query
                            tickets_by_sender[sender] = record.ticket.number
                    else:
                        run.failed += 1
                        print(f"message {n}: {record.status}: {record.error[:200]}", file=sys.stderr)
    run.seconds = time.perf_counter() - start
    run.statements = counter.count
    return run


def run_imap(messages) -> Run:
    from django.db import connection

    from mailgateway.batch import batch
    from mailgateway.models import InboundMessage, MailAccount
    from mailgateway.sources import imap
    from tests.mail.servers import PASSWORD, USER, Dovecot

    server = Dovecot().start()
    try:
        raws = [m.as_bytes() for m in messages]
        server.append(*raws)
        account = MailAccount.objects.create(
            name=f"bench-{time.time()}", host="127.0.0.1", port=server.port, security="none",
            username=USER, password=PASSWORD,
        )  # fmt: skip
        run, counter = Run("IMAP fetch + process"), Statements()
        start = time.perf_counter()
        with connection.execute_wrapper(counter):
            while True:
                with batch():
                    if not imap.poll(account, limit=BATCH)["fetched"]:
                        break
        run.seconds = time.perf_counter() - start
        rows = InboundMessage.objects.filter(account=account)
        run.messages, run.imported = len(raws), rows.filter(status="imported").count()
        run.failed, run.statements = run.messages - run.imported, counter.count
        return run
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--count", type=int, default=10_000)
    parser.add_argument("--imap", action="store_true", help="also measure fetching through a real Dovecot")
    parser.add_argument("--replies-every", type=int, default=5, help="every Nth message replies to a ticket")
    args = parser.parse_args()

    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="helpdesk-bench-") as media:
        setup_django(stack, media, "ingest.py")
        # Measure ingestion alone: no acknowledgements or notifications queued for 10,000 test senders.
        from tickets import events

        events._handlers.clear()
        from tests.factories import QueueFactory
        from tickets.models import Article, Ticket

        QueueFactory(name="Bench", email_addresses="support@bench.example")
        rows = []
        rss_before = peak_rss_mb()
        rows.append(run_direct(generate(args.count), args.replies_every))
        rows[-1].rss = peak_rss_mb()
        if args.imap:
            rows.append(run_imap(generate(min(args.count, 5000), seed=11)))
            rows[-1].rss = peak_rss_mb()

        print()
        print(
            f"{'path':<24} {'messages':>8} {'imported':>8} {'failed':>6} {'seconds':>8} {'msg/s':>7} "
            f"{'SQL/msg':>7} {'peak RSS MB':>11}"
        )
        line = "-" * 86
        print(line)
        for r in rows:
            # Throughput counts imported messages only: a failure is not work done.
            print(
                f"{r.name:<24} {r.messages:>8} {r.imported:>8} {r.failed:>6} {r.seconds:>8.1f} "
                f"{r.imported / r.seconds:>7.1f} {r.statements / max(r.messages, 1):>7.1f} {r.rss:>11.0f}"
            )
        print(line)
        print(f"tickets: {Ticket.objects.count()}, articles: {Article.objects.count()}, "
              f"RSS before ingesting: {rss_before:.0f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
