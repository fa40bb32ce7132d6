"""Mail fixtures: a real Dovecot for the session, an SMTP sink per test, eager Celery."""

import pytest

from tests.conftest import use_the_outbox
from tests.mail.servers import Dovecot, SmtpSink


@pytest.fixture(autouse=True)
def _outbox_mail(settings):
    """The mail tests keep the real path: stored in the caller's transaction, sent after its commit."""
    use_the_outbox(settings)


@pytest.fixture(autouse=True)
def _eager_celery(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = False
    from helpdesk.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture(scope="session")
def dovecot():
    server = Dovecot().start()
    yield server
    server.stop()


@pytest.fixture
def imap(dovecot):
    dovecot.reset()
    return dovecot


@pytest.fixture
def smtp(settings):
    sink = SmtpSink().start()
    settings.HELPDESK_MAIL_TRANSPORT_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield sink
    sink.stop()


@pytest.fixture
def imap_account(imap, queue):
    from mailgateway.models import MailAccount
    from tests.mail.servers import PASSWORD, USER

    return MailAccount.objects.create(
        name="support",
        host="127.0.0.1",
        port=imap.port,
        security=MailAccount.Security.NONE,
        username=USER,
        password=PASSWORD,
    )
