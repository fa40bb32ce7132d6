"""factory-boy factories for the domain. Defaults build a usable ticket with no extra setup."""

import dataclasses
from datetime import UTC, datetime

import factory
import time_machine
from django.contrib.auth.hashers import make_password

from accounts.models import AccessGroup, Company, GroupGrant, Role, User
from tickets import services
from tickets.message import Message
from tickets.models import Article, Priority, Queue, State, Ticket

PASSWORD = "demo-pass-123"
_HASHED = make_password(PASSWORD)


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Company {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = _HASHED
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")


class AgentFactory(UserFactory):
    kind = User.Kind.AGENT
    username = factory.Sequence(lambda n: f"agent{n}")


class AdminFactory(AgentFactory):
    username = factory.Sequence(lambda n: f"admin{n}")
    is_staff = True
    is_superuser = True


class CustomerFactory(UserFactory):
    kind = User.Kind.CUSTOMER
    username = factory.Sequence(lambda n: f"customer{n}")
    company = factory.SubFactory(CompanyFactory)


class AccessGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessGroup
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"group{n}")


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    name = factory.Sequence(lambda n: f"role{n}")


class QueueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Queue
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Queue {n}")
    group = factory.SubFactory(AccessGroupFactory)
    email_addresses = factory.LazyAttribute(lambda q: f"{q.name.lower().replace(' ', '-')}@support.example.com")


def grant(user_or_role, queue_or_group, *perms: str) -> None:
    """Give an agent (or a role) rights on a queue's group."""
    group = getattr(queue_or_group, "group", queue_or_group)
    holder = {"role": user_or_role} if isinstance(user_or_role, Role) else {"user": user_or_role}
    for perm in perms:
        GroupGrant.objects.get_or_create(group=group, permission=perm, **holder)
    if hasattr(user_or_role, "_helpdesk_grants"):
        del user_or_role._helpdesk_grants


def state(name: str) -> State:
    return State.objects.get(name=name)


def priority(level: int = 3) -> Priority:
    return Priority.objects.get(level=level)


class TicketFactory(factory.django.DjangoModelFactory):
    """A bare ticket row (no history). Tests of behaviour create tickets with services.create_ticket."""

    class Meta:
        model = Ticket

    number = factory.Sequence(lambda n: f"9{n:09d}")
    title = factory.Faker("sentence", nb_words=5)
    queue = factory.SubFactory(QueueFactory)
    state = factory.LazyFunction(lambda: state("new"))
    priority = factory.LazyFunction(lambda: priority(3))
    customer = factory.SubFactory(CustomerFactory)
    company = factory.LazyAttribute(lambda t: t.customer.company if t.customer else None)


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    ticket = factory.SubFactory(TicketFactory)
    channel = Article.Channel.WEB
    sender_type = Article.Sender.CUSTOMER
    author = factory.LazyAttribute(lambda a: a.ticket.customer)
    subject = factory.LazyAttribute(lambda a: a.ticket.title)
    body_text = factory.Faker("paragraph")


MESSAGE_FIELDS = {f.name for f in dataclasses.fields(Message)}


def with_message(**kwargs) -> dict:
    """Service arguments with the message's fields (body_text=..., channel=...) gathered into message=Message(...)."""
    fields = {k: kwargs.pop(k) for k in list(kwargs) if k in MESSAGE_FIELDS}
    if fields:
        kwargs["message"] = Message(**fields)
    return kwargs


def phone_ticket(agent, queue, customer, when, title: str = "Printer on fire", **kwargs) -> Ticket:
    """A ticket an agent opened at `when` (time frozen) from a customer's call: the SLA tests' start."""
    with time_machine.travel(when, tick=False):
        message = Message(body_text="It smokes.", channel="phone")
        return services.create_ticket(
            actor=agent, queue=queue, title=title, customer=customer, message=message, **kwargs
        )


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of March 2026 in UTC, for the tests of business time (2026-03-02 is a Monday)."""
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)
