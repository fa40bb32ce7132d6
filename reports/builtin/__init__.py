"""The built-in reports; importing this package registers them (reports.registry.REPORTS)."""
