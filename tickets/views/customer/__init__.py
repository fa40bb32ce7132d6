"""The customer panel: what a provider's clients see under /customer/."""
