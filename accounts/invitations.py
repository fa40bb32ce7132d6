"""Getting customers into the panel: invitations by staff and self-registration.

Both end in the same emailed, one-time "choose your password" link (Django's
password-reset token: it dies once the password is set, and after
PASSWORD_RESET_TIMEOUT). Until then the account has no usable password, so an
unverified self-registration cannot sign in.
"""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.models import Company, Invitation, User


class InvitationError(ValueError):
    """Refused; the message is fit to show."""


def set_password_url(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.HELPDESK_BASE_URL + reverse("customer:set_password", args=[uid, token])


def company_for_email(email: str) -> Company | None:
    domain = email.rsplit("@", 1)[-1].lower()
    for company in Company.objects.filter(is_active=True).exclude(email_domains=""):
        if domain in company.domain_list():
            return company
    return None


def send_customer_mail(template: str, to: str, context: dict) -> None:
    """One plain-text mail from templates/emails/<template>.txt; the first line is the subject."""
    text = render_to_string(f"emails/{template}.txt", context).strip()
    subject, _sep, body = text.partition("\n")
    message = EmailMessage(subject.strip(), body.strip() + "\n", settings.DEFAULT_FROM_EMAIL, [to])
    message.extra_headers["Auto-Submitted"] = "auto-generated"
    if template == "customer_invitation":
        message.extra_headers["X-Helpdesk-Kind"] = "invitation"  # the outbox's kind (admin filter); never sent
    message.send()


def _new_customer(email: str, first_name: str, last_name: str, company) -> User:
    user = User(
        username=email,
        email=email,
        kind=User.Kind.CUSTOMER,
        first_name=first_name[:150],
        last_name=last_name[:150],
        company=company if company is not None else company_for_email(email),
    )
    user.set_unusable_password()
    user.save()
    return user


def invite_customer(
    *, email: str, invited_by: User | None, first_name: str = "", last_name: str = "", company=None
) -> Invitation:
    """Create the customer (or reuse them) and mail them a link to choose a password."""
    email = (email or "").strip().lower()
    if not email or "@" not in email:
        raise InvitationError(_("Enter a valid email address."))
    if invited_by is not None and not invited_by.is_agent:
        raise InvitationError(_("Only agents and administrators may invite customers."))
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first() or User.objects.filter(username=email).first()
        if user is not None and not user.is_customer:
            raise InvitationError(_("This address belongs to an agent."))
        if user is None:
            user = _new_customer(email, first_name, last_name, company)
        invitation = Invitation.objects.create(user=user, invited_by=invited_by)
        link = set_password_url(user)
        inviter = invited_by.display_name() if invited_by else _("The support team")
        transaction.on_commit(
            lambda: send_customer_mail("customer_invitation", email, {"user": user, "link": link, "inviter": inviter})
        )
    return invitation


def register_customer(*, email: str, first_name: str, last_name: str = "") -> None:
    """Self-registration. Answers nothing: an existing address gets a reminder mail instead of an account."""
    if not settings.HELPDESK_CUSTOMER_SELF_REGISTRATION:
        raise InvitationError(_("Sign-up is closed; please ask the support team for an invitation."))
    email = email.strip().lower()
    with transaction.atomic():
        existing = User.objects.filter(email__iexact=email).first() or User.objects.filter(username=email).first()
        if existing is not None:
            if existing.is_customer and existing.is_active:
                link = settings.HELPDESK_BASE_URL + reverse("customer:password_reset")
                transaction.on_commit(lambda: send_customer_mail("customer_registration_exists", email, {"link": link}))
            return
        user = _new_customer(email, first_name, last_name, None)
        Invitation.objects.create(user=user, invited_by=None, self_registered=True)
        link = set_password_url(user)
        transaction.on_commit(
            lambda: send_customer_mail("customer_registration_verify", email, {"user": user, "link": link})
        )


def mark_accepted(user: User) -> None:
    Invitation.objects.filter(user=user, accepted_at__isnull=True).update(accepted_at=timezone.now())
