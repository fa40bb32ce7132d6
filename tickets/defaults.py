"""The vocabulary every installation starts with; administrators extend it at runtime.

Migration 0002 calls seed() with its historical models; ensure() (tests, demo) with the current ones."""

from tickets.catalog import Priority, State, TicketType, default_clock

STATES = [
    # name, type, default for new, default for follow-ups, order
    ("new", "new", True, False, 10),
    ("open", "open", False, True, 20),
    ("waiting for customer", "pending_auto_close", False, False, 30),
    ("waiting for us", "open", False, False, 35),
    ("pending reminder", "pending_reminder", False, False, 40),
    ("pending auto close+", "pending_auto_close", False, False, 50),
    ("pending auto close-", "pending_auto_close", False, False, 55),
    ("closed successful", "closed", False, False, 60),
    ("closed unsuccessful", "closed", False, False, 70),
    ("rejected as spam", "removed", False, False, 80),
    ("merged", "merged", False, False, 90),
]
PRIORITIES = [
    ("1 very low", 1, "#8fa5b8", False),
    ("2 low", 2, "#6c9bd2", False),
    ("3 normal", 3, "#6c757d", True),
    ("4 high", 4, "#fd7e14", False),
    ("5 very high", 5, "#dc3545", False),
]
TYPES = ["Incident", "Service request", "Problem", "Question"]


def seed(State, Priority, TicketType) -> None:
    """Create what is missing; takes the model classes so a migration can pass its historical ones."""
    has_clock = any(f.name == "clock" for f in State._meta.get_fields())  # not in migration 0002's model
    for name, type_, is_new, is_reopen, order in STATES:
        defaults = {"type": type_, "is_default_new": is_new, "is_default_reopen": is_reopen, "order": order}
        if has_clock:
            defaults["clock"] = default_clock(type_)
        State.objects.get_or_create(name=name, defaults=defaults)
    for name, level, color, is_default in PRIORITIES:
        Priority.objects.get_or_create(level=level, defaults={"name": name, "color": color, "is_default": is_default})
    for name in TYPES:
        TicketType.objects.get_or_create(name=name)


def ensure() -> None:
    seed(State, Priority, TicketType)
