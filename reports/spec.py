"""What the report builder is asked: a metric, grouped by one or two dimensions, over filters and a period.

Saved reports store a spec (as_dict / from_dict); `reports.builder.run(spec, viewer)` computes it into a
Table by SQL aggregation.
"""

from dataclasses import asdict, dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from reports.filters import ReportFilters

METRICS = {
    "count": _("Number of tickets"),
    "first_response_avg": _("First response time, average"),
    "first_response_median": _("First response time, median"),
    "solution_avg": _("Solution time, average"),
    "solution_median": _("Solution time, median"),
    "time_accounted": _("Time accounted, sum"),
    "sla_percent": _("SLA met, %"),
    "rating_avg": _("Satisfaction, average rating"),
}
DIMENSIONS = {
    "queue": _("Queue"),
    "agent": _("Agent"),
    "state": _("State"),
    "priority": _("Priority"),
    "type": _("Type"),
    "category": _("Category"),
    "company": _("Company"),
    "tag": _("Tag"),
    "channel": _("Channel"),
    "day": _("Day"),
    "week": _("Week"),
    "month": _("Month"),
}


@dataclass(frozen=True)
class ReportSpec:
    metric: str
    dimensions: tuple[str, ...]  # one or two keys of DIMENSIONS
    filters: ReportFilters

    def as_dict(self) -> dict:
        data = asdict(self)
        data["filters"]["start"] = self.filters.start.isoformat()
        data["filters"]["end"] = self.filters.end.isoformat()
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "ReportSpec":
        f = dict(data["filters"])
        f["start"], f["end"] = date.fromisoformat(f["start"]), date.fromisoformat(f["end"])
        for key in ("queue_ids", "agent_ids", "company_ids"):
            f[key] = tuple(f.get(key, ()))
        return cls(metric=data["metric"], dimensions=tuple(data["dimensions"]), filters=ReportFilters(**f))
