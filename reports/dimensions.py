"""How the report builder groups: each dimension as SQL expressions (a key, a label) over the rows a
metric aggregates, and how its values are shown (names, not ids; "—" for none).

Rows are tickets, or rows that point to a ticket (time entries, ratings): `prefix` is the path from the
row to its ticket ("" or "ticket__"). Time dimensions cut the metric's own moment (created, closed, worked
on...) into days, ISO weeks (starting Monday) or months in the viewer's time zone.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import CharField, DateField, F, Value
from django.db.models.functions import Coalesce, Concat, NullIf, Trim, Trunc

from tickets.models import Article

NONE = "—"
TIME = ("day", "week", "month")


@dataclass(frozen=True)
class Grouping:
    key: object  # the expression grouped by
    label: object | None  # the expression shown (None: the key itself, translated by `show`)


def agent_name(path: str):
    """A user's display name in SQL: full name, else email, else username (as User.display_name)."""
    full = Trim(Concat(F(f"{path}first_name"), Value(" "), F(f"{path}last_name"), output_field=CharField()))
    return Coalesce(
        NullIf(full, Value("")), NullIf(F(f"{path}email"), Value("")), F(f"{path}username"), output_field=CharField()
    )


def grouping(dimension: str, *, prefix: str, moment: str, moment_is_date: bool, tz) -> Grouping:
    """The expressions for `dimension`; `moment` (relative to the row) is what time dimensions cut."""
    p = prefix
    if dimension in TIME:
        extra = {} if moment_is_date else {"tzinfo": tz}
        return Grouping(Trunc(moment, dimension, output_field=DateField(), **extra), None)
    if dimension == "agent":
        return Grouping(F(f"{p}owner_id"), agent_name(f"{p}owner__"))
    if dimension == "priority":  # grouped by level: the rows come out in the priorities' order
        return Grouping(F(f"{p}priority__level"), F(f"{p}priority__name"))
    if dimension == "tag":  # through the m2m: a ticket with two tags counts under both
        return Grouping(F(f"{p}tags__id"), F(f"{p}tags__name"))
    if dimension == "channel":
        return Grouping(F(f"{p}channel"), None)
    field = {"queue": "queue", "state": "state", "type": "type", "category": "category", "company": "company"}
    if dimension not in field:
        raise ValueError(f"Unknown dimension {dimension!r}.")
    return Grouping(F(f"{p}{field[dimension]}_id"), F(f"{p}{field[dimension]}__name"))


def show(dimension: str, key, label):
    """The value a table shows for one group."""
    if dimension in TIME:
        return key
    if dimension == "channel":
        return str(Article.Channel(key).label) if key in Article.Channel.values else (key or NONE)
    return NONE if key is None or label is None else label


def sort_key(dimension: str, key, shown):
    """Groups in a sensible order: time and priority by their key, the rest by name; "none" last."""
    if key is None or key == "":
        return (1, "")
    if dimension in TIME or dimension == "priority":
        return (0, key)
    return (0, str(shown).casefold())


def buckets(dimension: str, start: date, end: date) -> list[date]:
    """Every day / week (Monday) / month (1st) touching the period, in order: time series without gaps."""
    if dimension == "day":
        first, step = start, lambda d: d + timedelta(days=1)
    elif dimension == "week":
        first, step = start - timedelta(days=start.weekday()), lambda d: d + timedelta(days=7)
    else:
        first = start.replace(day=1)

        def step(d):
            return (d.replace(day=28) + timedelta(days=4)).replace(day=1)

    out, d = [], first
    while d <= end:
        out.append(d)
        d = step(d)
    return out
