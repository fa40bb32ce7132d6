"""The built-in reports; importing this package registers them (reports.registry.REPORTS)."""

from reports.builtin import time  # noqa: F401
