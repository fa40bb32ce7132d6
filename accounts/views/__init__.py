"""Signing in, for both panels: customer.py, agent.py (with the agent's preferences) and two_factor.py
(the agents' second step). URLs and their names stay in each panel's urls module."""
