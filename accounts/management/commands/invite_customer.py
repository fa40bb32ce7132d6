"""Invite a customer from the command line: manage.py invite_customer alice@example.com --company Acme."""

from django.core.management.base import BaseCommand, CommandError

from accounts.invitations import InvitationError, invite_customer
from accounts.models import Company, User


class Command(BaseCommand):
    help = "Create a customer account (or reuse it) and email a one-time link to choose a password."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--company", help="name of an existing customer company")
        parser.add_argument("--invited-by", help="username of the inviting agent")

    def handle(self, *args, **opts):
        company = None
        if opts["company"]:
            company = Company.objects.filter(name=opts["company"]).first()
            if company is None:
                raise CommandError(f"No company named {opts['company']!r}.")
        inviter = User.agents.filter(username=opts["invited_by"]).first() if opts["invited_by"] else None
        try:
            invitation = invite_customer(
                email=opts["email"],
                invited_by=inviter,
                first_name=opts["first_name"],
                last_name=opts["last_name"],
                company=company,
            )
        except InvitationError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Invited {invitation.user.email}.")
