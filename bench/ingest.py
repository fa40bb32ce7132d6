"""Ingestion throughput of the mail gateway: messages per second and the worker's peak memory.

    .venv/bin/python bench/ingest.py                 # 10,000 messages, a throwaway PostgreSQL
    .venv/bin/python bench/ingest.py -n 2000 --imap  # also through a real Dovecot over IMAP
    DATABASE_URL=postgres://... .venv/bin/python bench/ingest.py   # an existing scratch database

Not part of the test suite (timing belongs here, not in tests). See bench/README.md.
"""

import argparse
import random
import tempfile
import time
from contextlib import ExitStack
from email.message import EmailMessage

from _setup import peak_rss_mb, setup_django

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


def run_direct(messages, replies_every: int) -> tuple[int, float]:
    from django.conf import settings

    from mailgateway import ingest

    tickets_by_sender: dict[str, str] = {}
    start = time.perf_counter()
    for n, message in enumerate(messages):
        sender = message["From"].addresses[0].addr_spec
        if n % replies_every == 0 and sender in tickets_by_sender:
            del message["Subject"]
            message["Subject"] = f"Re: [{settings.HELPDESK_TICKET_HOOK}{tickets_by_sender[sender]}] follow-up"
        record = ingest.receive(message.as_bytes(), source="pipe")
        if record.ticket_id and record.status == "imported":
            tickets_by_sender.setdefault(sender, record.ticket.number)
    return n + 1, time.perf_counter() - start


def run_imap(messages) -> tuple[int, float]:
    from mailgateway.models import MailAccount
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
        start = time.perf_counter()
        while imap.poll(account, limit=1000)["fetched"]:
            pass
        return len(raws), time.perf_counter() - start
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
        count, seconds = run_direct(generate(args.count), args.replies_every)
        rows.append(("store + process (pipe)", count, seconds, peak_rss_mb()))
        if args.imap:
            count, seconds = run_imap(generate(min(args.count, 5000), seed=11))
            rows.append(("IMAP fetch + process", count, seconds, peak_rss_mb()))

        print()
        print(f"{'path':<26} {'messages':>9} {'seconds':>9} {'msg/s':>8} {'peak RSS MB':>12}")
        print("-" * 68)
        for name, count, seconds, rss in rows:
            print(f"{name:<26} {count:>9} {seconds:>9.1f} {count / seconds:>8.1f} {rss:>12.0f}")
        print("-" * 68)
        print(f"tickets: {Ticket.objects.count()}, articles: {Article.objects.count()}, "
              f"RSS before ingesting: {rss_before:.0f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
