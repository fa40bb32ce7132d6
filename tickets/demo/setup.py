"""The demo's reference data: groups, roles, queues, SLAs, vocabularies, agents, companies, customers.

Every row is looked up by its natural key and created only when missing, so a second run
changes nothing (and an administrator's later edits are left alone).
"""

from dataclasses import dataclass, field
from datetime import time
from functools import cache

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import AccessGroup, Company, GroupGrant, Permission, Role, User
from tickets.calendars import Calendar, WorkingInterval, fill_public_holidays
from tickets.defaults import ensure as ensure_default_vocabulary
from tickets.models import SLA, Category, CustomField, Priority, Queue, Tag

PASSWORD = "demo"
DOMAIN = "demo.helpdesk.test"

GROUPS = ["1st level", "2nd level", "IT", "HR", "Facilities", "Sales", "Postmaster"]

# role: {group: [rights]}
ROLES = {
    "1st level agents": {
        "1st level": ["rw"],
        "Postmaster": ["rw"],
        "2nd level": ["ro", "move_into", "note"],
        "IT": ["ro", "move_into"],
        "Facilities": ["ro", "move_into"],
    },
    "2nd level agents": {"1st level": ["rw"], "2nd level": ["rw", "faq_edit"], "IT": ["ro", "note", "move_into"]},
    "IT": {"IT": ["rw", "faq_edit"], "2nd level": ["ro", "note"]},
    "HR": {"HR": ["rw", "faq_edit"]},
    "Facilities": {"Facilities": ["rw"]},
    "Sales": {"Sales": ["rw"], "1st level": ["ro", "move_into"]},
    "managers": {group: ["rw", "faq_edit"] for group in GROUPS},
}

# The demo's business calendar: Monday to Friday 08:00-18:00 in Prague, with the Czech public holidays
# from last year to next year (filled by the `holidays` package, as the admin's "Fill public holidays").
CALENDAR = "Demo office hours"
CALENDAR_ZONE = "Europe/Prague"
CALENDAR_HOURS = ((8, 18),)
CALENDAR_COUNTRY = "CZ"
DAY = 10 * 60  # a business day of this calendar, in minutes

# name: first response, update, solution, in business minutes of CALENDAR
SLAS = {
    "Gold": (30, 2 * 60, 8 * 60),
    "Premium": (60, 4 * 60, 2 * DAY),
    "Standard": (4 * 60, 8 * 60, 3 * DAY),
}
# How the SLAs apply, by the precedence of tickets.services.sla.sla_for: a company's contract first,
# then the priority, then the queue (QUEUES below).
COMPANY_SLAS = {"Globex Corporation": "Gold"}
PRIORITY_SLAS = {5: "Premium"}

SIGNATURE = "--\n{name}\nDemo Corp. Helpdesk · +1 555 0100 · {address}"
# name, parent, address local part, customer selectable, SLA, default salutation
QUEUES = [
    ("Postmaster", None, "postmaster", False, None),
    ("1st level", None, "support", True, "Standard"),
    ("2nd level", "1st level", "support-2nd", False, "Standard"),
    ("IT", None, "it", True, "Premium"),
    ("HR", None, "hr", False, "Standard"),
    ("Facilities", None, "facilities", True, "Standard"),
    ("Sales", None, "sales", True, "Standard"),
]

CATEGORIES = {
    "Hardware": ["Printer", "Laptop", "Monitor"],
    "Network": ["VPN", "Wi-Fi"],
    "Accounts": ["Password", "Access rights"],
    "Software": ["Email", "Office"],
    "HR": ["Payroll", "Leave"],
    "Facilities": ["Heating", "Cleaning"],
    "Billing": ["Invoice", "Contract"],
}
TIMEZONES = {"ru": "Europe/Moscow", "pl": "Europe/Warsaw", "cs": "Europe/Prague"}
TAGS = ["printer", "hardware", "vpn", "network", "password", "payroll", "heating", "invoice", "onboarding", "email"]
TAGS += ["urgent", "vip", "follow-up"]


@dataclass
class Person:
    username: str
    first_name: str
    last_name: str
    language: str = "en"
    roles: list[str] = field(default_factory=list)
    is_staff: bool = False
    is_superuser: bool = False
    company: str = ""
    can_see_company_tickets: bool = False


AGENTS = [
    Person("admin", "Ada", "Admin", is_staff=True, is_superuser=True, roles=["managers"]),
    Person("agent", "Alex", "Agent", roles=["1st level agents", "2nd level agents", "IT", "Facilities"]),
    Person("manager", "Margaret", "Moore", roles=["managers"]),
    Person("emma.wilson", "Emma", "Wilson", roles=["1st level agents"]),
    Person("olga.ivanova", "Ольга", "Иванова", "ru", ["1st level agents"]),
    Person("piotr.kowalski", "Piotr", "Kowalski", "pl", ["1st level agents"]),
    Person("jana.novakova", "Jana", "Nováková", "cs", ["1st level agents", "Sales"]),
    Person("dmitry.smirnov", "Дмитрий", "Смирнов", "ru", ["2nd level agents", "IT"]),
    Person("tomas.dvorak", "Tomáš", "Dvořák", "cs", ["2nd level agents", "IT"]),
    Person("agnieszka.wisniewska", "Agnieszka", "Wiśniewska", "pl", ["2nd level agents"]),
    Person("katarzyna.nowak", "Katarzyna", "Nowak", "pl", ["HR"]),
    Person("jiri.svoboda", "Jiří", "Svoboda", "cs", ["Facilities"]),
    Person("lucy.brown", "Lucy", "Brown", roles=["Sales"]),
]

# name, domains, language, account manager
COMPANIES = [
    ("Northwind Traders", "northwind.example", "en", "lucy.brown"),
    ("Globex Corporation", "globex.example", "en", "agent"),
    ("ООО «Ромашка»", "romashka.example", "ru", "dmitry.smirnov"),
    ("Kowalczyk i Synowie Sp. z o.o.", "kowalczyk.example", "pl", "piotr.kowalski"),
    ("Pivovar Hvězda s.r.o.", "hvezda.example", "cs", "jana.novakova"),
]
CUSTOMERS = [
    Person("customer", "Chris", "Carter", company="Northwind Traders", can_see_company_tickets=True),
    Person("nancy.davolio", "Nancy", "Davolio", company="Northwind Traders"),
    Person("andrew.fuller", "Andrew", "Fuller", company="Northwind Traders"),
    Person("homer.simpson", "Homer", "Simpson", company="Globex Corporation"),
    Person("hank.scorpio", "Hank", "Scorpio", company="Globex Corporation", can_see_company_tickets=True),
    Person("ivan.petrov", "Иван", "Петров", "ru", company="ООО «Ромашка»"),
    Person("maria.kuznetsova", "Мария", "Кузнецова", "ru", company="ООО «Ромашка»"),
    Person("sergey.volkov", "Сергей", "Волков", "ru", company="ООО «Ромашка»"),
    Person("jan.kowalczyk", "Jan", "Kowalczyk", "pl", company="Kowalczyk i Synowie Sp. z o.o."),
    Person("malgorzata.lewandowska", "Małgorzata", "Lewandowska", "pl", company="Kowalczyk i Synowie Sp. z o.o."),
    Person("pawel.zielinski", "Paweł", "Zieliński", "pl", company="Kowalczyk i Synowie Sp. z o.o."),
    Person("petr.cerny", "Petr", "Černý", "cs", company="Pivovar Hvězda s.r.o."),
    Person("lucie.prochazkova", "Lucie", "Procházková", "cs", company="Pivovar Hvězda s.r.o."),
    Person("ondrej.kral", "Ondřej", "Král", "cs", company="Pivovar Hvězda s.r.o.", can_see_company_tickets=True),
]


@cache
def demo_password_hash() -> str:
    """PASSWORD hashed once (hashing is slow on purpose); deliberately weak: these are demo credentials."""
    return make_password(PASSWORD)


def email_for(person: Person, companies: dict[str, Company]) -> str:
    if person.company:
        return f"{person.username}@{companies[person.company].domain_list()[0]}"
    return f"{person.username}@{DOMAIN}"


def ensure_user(person: Person, kind: str, companies: dict[str, Company], roles: dict[str, Role]) -> User:
    user = User.objects.filter(username=person.username).first()
    if user is not None:
        return user
    user = User(
        username=person.username,
        kind=kind,
        first_name=person.first_name,
        last_name=person.last_name,
        email=email_for(person, companies),
        language=person.language,
        timezone=TIMEZONES.get(person.language, "UTC"),
        is_staff=person.is_staff,
        is_superuser=person.is_superuser,
        company=companies.get(person.company),
        can_see_company_tickets=person.can_see_company_tickets,
    )
    user.password = demo_password_hash()
    user.save()
    user.roles.add(*(roles[name] for name in person.roles))
    return user


def ensure_access() -> tuple[dict[str, AccessGroup], dict[str, Role]]:
    groups = {name: AccessGroup.objects.get_or_create(name=name)[0] for name in GROUPS}
    roles = {}
    for name, rights in ROLES.items():
        roles[name] = Role.objects.get_or_create(name=name)[0]
        for group_name, perms in rights.items():
            for perm in perms:
                assert perm in Permission.values, perm
                GroupGrant.objects.get_or_create(role=roles[name], group=groups[group_name], permission=perm)
    return groups, roles


def ensure_calendar() -> Calendar:
    calendar, created = Calendar.objects.get_or_create(name=CALENDAR, defaults={"time_zone": CALENDAR_ZONE})
    if created:
        WorkingInterval.objects.bulk_create(
            WorkingInterval(calendar=calendar, weekday=day, start=time(start), end=time(end))
            for day in range(5)
            for start, end in CALENDAR_HOURS
        )
        year = timezone.now().year
        fill_public_holidays(calendar=calendar, country=CALENDAR_COUNTRY, years=range(year - 1, year + 2))
    return calendar


def ensure_slas() -> dict[str, SLA]:
    calendar = ensure_calendar()
    slas = {}
    for name, (first, update, solution) in SLAS.items():
        slas[name] = SLA.objects.get_or_create(
            name=name,
            defaults={
                "first_response_minutes": first,
                "update_minutes": update,
                "solution_minutes": solution,
                "calendar": calendar,
            },
        )[0]
    for level, name in PRIORITY_SLAS.items():
        Priority.objects.filter(level=level, sla__isnull=True).update(sla=slas[name])
    return slas


def ensure_queues(groups: dict[str, AccessGroup]) -> dict[str, Queue]:
    slas = ensure_slas()
    queues: dict[str, Queue] = {}
    for name, parent, local, selectable, sla in QUEUES:
        address = f"{local}@{DOMAIN}"
        queues[name] = Queue.objects.get_or_create(
            name=name,
            defaults={
                "parent": queues.get(parent),
                "group": groups[name],
                "email_addresses": address,
                "customer_selectable": selectable,
                "sla": slas.get(sla),
                "salutation": "Dear {{ customer_name }},",
                "signature": SIGNATURE.format(name=f"{name} team", address=address),
                "unlock_timeout_minutes": 120 if parent else 0,
                "default_priority": Priority.objects.filter(level=4).first() if name == "IT" else None,
            },
        )[0]
    return queues


def ensure_vocabulary() -> None:
    ensure_default_vocabulary()
    for parent_name, children in CATEGORIES.items():
        parent = Category.objects.get_or_create(name=parent_name, parent=None)[0]
        for child in children:
            Category.objects.get_or_create(name=child, parent=parent)
    for name in TAGS:
        Tag.objects.get_or_create(name=name)
    CustomField.objects.get_or_create(
        name="asset-tag", defaults={"label": "Asset tag", "kind": CustomField.Kind.TEXT, "order": 10}
    )
    CustomField.objects.get_or_create(
        name="impact",
        defaults={
            "label": "Business impact",
            "kind": CustomField.Kind.CHOICE,
            "choices": ["low", "medium", "high"],
            "order": 20,
        },
    )


@dataclass
class Cast:
    """Who and what the demo tickets are made of."""

    queues: dict[str, Queue]
    agents: dict[str, User]
    customers: list[User]


def ensure_reference_data() -> Cast:
    ensure_vocabulary()
    groups, roles = ensure_access()
    queues = ensure_queues(groups)
    companies = {}
    for name, domains, _language, _manager in COMPANIES:
        companies[name] = Company.objects.get_or_create(name=name, defaults={"email_domains": domains})[0]
    agents = {p.username: ensure_user(p, User.Kind.AGENT, companies, roles) for p in AGENTS}
    for name, _domains, _language, manager in COMPANIES:
        Company.objects.filter(name=name, account_manager__isnull=True).update(account_manager=agents[manager])
    for name, sla in COMPANY_SLAS.items():
        Company.objects.filter(name=name, sla__isnull=True).update(sla=SLA.objects.get(name=sla))
    customers = [ensure_user(p, User.Kind.CUSTOMER, companies, roles) for p in CUSTOMERS]
    manager = agents["manager"]
    for queue in queues.values():
        if not queue.escalation_contacts.filter(pk=manager.pk).exists():
            queue.escalation_contacts.add(manager)
    return Cast(queues=queues, agents=agents, customers=customers)
