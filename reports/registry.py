"""The built-in reports: each registers a function (viewer, filters) -> Table under a slug.

The modules of reports/builtin/ register themselves when reports.builtin is imported (ReportsConfig.ready).
"""

from collections.abc import Callable
from dataclasses import dataclass

from reports.filters import ReportFilters
from reports.table import Table


@dataclass(frozen=True)
class BuiltinReport:
    slug: str
    title: str
    compute: Callable[..., Table]  # compute(viewer, filters: ReportFilters) -> Table
    description: str = ""


REPORTS: dict[str, BuiltinReport] = {}


def builtin(slug: str, title, description=""):
    def register(compute: Callable[..., Table]):
        REPORTS[slug] = BuiltinReport(slug, title, compute, description)
        return compute

    return register


__all__ = ["REPORTS", "BuiltinReport", "ReportFilters", "builtin"]
