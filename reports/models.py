"""Reports are the read side: they read the ticket domain's rows (tickets.models.SatisfactionRating, ...).

The satisfaction rating moved into the ticket app (migration tickets 0007): rating a ticket is a ticket
service with history and an event.
"""
