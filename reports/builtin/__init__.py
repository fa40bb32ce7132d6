"""The built-in reports; importing this package registers them (reports.registry.REPORTS)."""

from reports.builtin import agents, categories, companies, faq, satisfaction, sla, time, volume  # noqa: F401
