from django.core.exceptions import PermissionDenied as DjangoPermissionDenied


class TicketError(Exception):
    """A change that was refused; the message is fit to show the user."""


class PermissionDenied(TicketError, DjangoPermissionDenied):
    pass


class TicketLocked(TicketError):
    pass


class StaleTicket(TicketError):
    pass


class InvalidChange(TicketError):
    pass


class ChangedMeanwhile(StaleTicket):
    """The field a change is about (state, queue, owner) was changed by someone else since the form was loaded."""


class TimeLocked(TicketError):
    """Time worked on a day of a period locked for invoicing (tickets.time_entries.TimeLock) cannot change."""

    def __init__(self, day, lock):
        self.day, self.lock = day, lock
        whose = f" of {lock.company}" if lock.company_id else ""
        super().__init__(f"Time worked on {day} cannot change: the period{whose} is locked until {lock.locked_until}.")
