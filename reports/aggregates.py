"""Aggregates the reports need beyond Django's: percentiles (median, 90th) of a value per group.

PostgreSQL has `percentile_cont(f) WITHIN GROUP (ORDER BY x)`: one grouped query. SQLite (the embedded
default) has none; there the same numbers come from one query too: window functions number the values of
each group (ROW_NUMBER, COUNT OVER the group) in a subquery, and the outer GROUP BY interpolates between
the two values around the wanted position, exactly as percentile_cont does (position 1 + f·(n-1)). No
value leaves the database on either.
"""

from datetime import date, datetime

from django.db import connections
from django.db.models import Aggregate, Count, F, FloatField, QuerySet, Window
from django.db.models.functions import RowNumber


class Percentile(Aggregate):
    """percentile_cont (PostgreSQL): the value below which `fraction` of the group's values lie, interpolated."""

    function = "PERCENTILE_CONT"
    name = "Percentile"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        fraction = float(fraction)
        if not 0 <= fraction <= 1:
            raise ValueError("a percentile's fraction is between 0 and 1")
        super().__init__(expression, fraction=repr(fraction), **extra)


def grouped_percentiles(rows: QuerySet, groups: dict, value, fractions: dict[str, float]) -> list[dict]:
    """Per group of `rows` (groups: alias -> expression, as for values()), the percentiles of `value`
    named as in `fractions` (e.g. {"median": 0.5, "p90": 0.9}); rows whose value is null are left out.
    One query. Returns dicts with the group aliases and the fraction names; groups without values are absent.
    """
    rows = rows.annotate(_value=F(value) if isinstance(value, str) else value).filter(_value__isnull=False)
    if connections[rows.db].vendor == "postgresql":
        annotations = {name: Percentile("_value", f) for name, f in fractions.items()}
        return list(rows.values(**groups).annotate(**annotations).order_by())
    return _window_percentiles(rows, groups, fractions)


def _window_percentiles(rows: QuerySet, groups: dict, fractions: dict[str, float]) -> list[dict]:
    partition = list(groups.values()) or None
    numbered = rows.values(**groups, _v=F("_value")).annotate(
        _rn=Window(RowNumber(), partition_by=partition, order_by=F("_value").asc()),
        _n=Window(Count("*"), partition_by=partition),
    )
    inner, params = numbered.order_by().query.sql_with_params()
    conn = connections[rows.db]
    q = conn.ops.quote_name
    keys = ", ".join(q(alias) for alias in groups)
    picks = []
    for name, f in fractions.items():
        pos = f"(1 + {float(f)!r} * ({q('_n')} - 1))"
        low = f"CAST({pos} AS INTEGER)"
        picks.append(
            f"SUM(CASE WHEN {q('_rn')} = {low} THEN {q('_v')} * (1 - ({pos} - {low})) "
            f"WHEN {q('_rn')} = {low} + 1 THEN {q('_v')} * ({pos} - {low}) ELSE 0 END) AS {q(name)}"
        )
    select = ", ".join([keys, *picks] if keys else picks)
    sql = f"SELECT {select} FROM ({inner}) numbered" + (f" GROUP BY {keys}" if keys else "")
    with conn.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def as_date(value) -> date | None:
    """A time bucket as a date, whichever form the database returned it in (SQLite: text in raw SQL)."""
    if value is None or type(value) is date:
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value)[:10])
