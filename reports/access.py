"""Who may open the reports: administrators, and agents holding the `reports` right on any access group
(granted like the other rights, directly or through a role). What a report counts is then limited to the
tickets the viewer may see (tickets.permissions.tickets_for)."""

from accounts.models import Permission, User
from tickets.errors import PermissionDenied
from tickets.permissions import agents_holding, holds_anywhere

REPORTS = Permission.REPORTS


def may_view_reports(user: User) -> bool:
    return holds_anywhere(user, REPORTS)


def require_reports(user: User) -> None:
    if not may_view_reports(user):
        raise PermissionDenied("You may not see reports.")


def report_viewers():
    """Every agent who may see reports (the recipients a schedule may choose), as may_view_reports answers."""
    return agents_holding(REPORTS)
