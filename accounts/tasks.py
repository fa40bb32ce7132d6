"""Background jobs of the accounts app: password reset mail, sent outside the request."""

from urllib.parse import urlsplit

from celery import shared_task
from django.conf import settings
from django.utils import translation

from accounts.forms import AgentPasswordResetForm, RateLimitedPasswordResetForm

# Which accounts a panel's reset reaches, and the mail it sends them.
RESET_MAILS = {
    "customer": (
        RateLimitedPasswordResetForm,
        "emails/customer_password_reset.txt",
        "emails/customer_password_reset_subject.txt",
    ),
    "agent": (
        AgentPasswordResetForm,
        "agent/auth/password_reset_email.txt",
        "agent/auth/password_reset_subject.txt",
    ),
}


@shared_task(ignore_result=True)
def send_password_reset(email: str, panel: str, language: str = "") -> None:
    """Look the address up and mail each matching account a one-time link; nothing for unknown addresses."""
    form_class, body_template, subject_template = RESET_MAILS[panel]
    form = form_class({"email": email})
    if not form.is_valid():
        return
    base = urlsplit(settings.HELPDESK_BASE_URL)
    with translation.override(language or settings.LANGUAGE_CODE):
        form.save(
            domain_override=base.netloc + base.path,  # the templates append the link's path
            use_https=base.scheme == "https",
            email_template_name=body_template,
            subject_template_name=subject_template,
        )
