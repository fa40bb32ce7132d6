"""The agent panel, split by sub-domain; tickets/urls_agent.py maps the URLs."""
