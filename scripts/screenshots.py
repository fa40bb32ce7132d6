"""Take the README's screenshots from a running helpdesk with demo data.

    make run                                  # in one terminal
    .venv/bin/python scripts/screenshots.py   # in another; writes docs/screenshots/*.png
    .venv/bin/python scripts/screenshots.py agent-sla   # only the named ones

Environment: HELPDESK_URL (default http://127.0.0.1:8000) and the settings `make run` used,
so that the script can pick tickets with a real thread from the same database.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "screenshots"
BASE = os.environ.get("HELPDESK_URL", "http://127.0.0.1:8000").rstrip("/")
CHROMIUM = "/usr/bin/chromium"


def pick_tickets() -> tuple[int, int]:
    """A ticket of the demo agent with a real thread, and a ticket of the demo customer."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    import django

    django.setup()
    from django.db.models import Count

    from accounts.models import User
    from tickets import permissions as perms

    agent = User.objects.get(username="agent")
    customer = User.objects.get(username="customer")
    threads = perms.tickets_for(agent).annotate(n=Count("articles")).filter(n__gte=3, n__lte=5, customer__isnull=False)
    agent_ticket = threads.order_by("-updated").values_list("pk", flat=True).first()
    mine = perms.tickets_for(customer).annotate(n=Count("articles")).filter(n__gte=2)
    customer_ticket = mine.order_by("-updated").values_list("pk", flat=True).first()
    return agent_ticket, customer_ticket


def pick_sla_ticket() -> int | None:
    """A ticket of the demo agent whose SLA is in warning now (the demo has a few), else breached."""
    from accounts.models import User
    from tickets import permissions as perms
    from tickets.sla_display import BREACHED, WARNING, sla_panel

    agent = User.objects.get(username="agent")
    candidates = perms.tickets_for(agent).filter(escalation_at__isnull=False).select_related("queue", "state", "sla")
    found = {}
    for ticket in candidates.order_by("escalation_at")[:200]:
        found.setdefault(sla_panel(ticket).status, ticket.pk)
    return found.get(WARNING) or found.get(BREACHED)


def sign_in(page, username: str) -> None:
    """The demo's usernames are the names of their panels."""
    page.goto(f"{BASE}/{username}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo")
    page.click("[type=submit]")
    page.wait_for_load_state("networkidle")


def main() -> None:
    from playwright.sync_api import sync_playwright

    agent_ticket, customer_ticket = pick_tickets()
    OUT.mkdir(parents=True, exist_ok=True)
    agent_pages = [("agent-dashboard", "/agent/"), ("agent-queue", "/agent/queues/")]
    agent_pages.append(("agent-zoom", f"/agent/tickets/{agent_ticket}/"))
    agent_pages.append(("agent-faq-article", "/agent/faq/en/printer-prints-blank-pages/"))
    agent_pages.append(("agent-sla", f"/agent/tickets/{pick_sla_ticket()}/"))
    customer_pages = [("customer-tickets", "/customer/"), ("customer-ticket", f"/customer/tickets/{customer_ticket}/")]
    customer_pages.append(("customer-faq", "/customer/faq/"))
    customer_pages.append(("customer-faq-article", "/customer/faq/a/vpn-keeps-disconnecting/"))
    admin_pages = [("admin-tickets", "/admin/tickets/ticket/")]
    admin_pages.append(("reports-builder", "/agent/reports/builder/?metric=count&by=day&then=queue&period=last_30"))
    shots = [("agent", agent_pages), ("customer", customer_pages), ("admin", admin_pages)]
    if len(sys.argv) > 1:  # only the named screenshots
        shots = [(user, [p for p in pages if p[0] in sys.argv[1:]]) for user, pages in shots]
        shots = [(user, pages) for user, pages in shots if pages]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        for username, pages in shots:
            context = browser.new_context(viewport={"width": 1366, "height": 860}, locale="en-US")
            page = context.new_page()
            sign_in(page, username)
            for name, path in pages:
                page.goto(BASE + path)
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(OUT / f"{name}.png"))
                print(f"{name}.png  {path}")
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
