"""Forms of the agent panel. They validate and clean; views call the services."""
