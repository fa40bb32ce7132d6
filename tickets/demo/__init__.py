"""Demo data for `manage.py load_demo`: reference data (setup), conversations (texts), tickets."""
