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
