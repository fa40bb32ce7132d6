"""Real servers for the mail tests: Dovecot (IMAP) and an aiosmtpd listener, on loopback ports."""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER, PASSWORD = "support", "imap-pass-123"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


class Dovecot:
    """A throw-away Dovecot with one passwd-file user and Maildir storage in a temporary folder."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="helpdesk-dovecot-"))
        self.port = free_port()  # plain IMAP, STARTTLS offered
        self.tls_port = free_port()  # IMAPS
        self.cert = self.root / "cert.pem"  # self-signed for 127.0.0.1: trust it with SSL_CERT_FILE
        self.process = None

    def make_certificate(self) -> None:
        key = self.root / "key.pem"
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
             "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", str(key), "-out", str(self.cert)],
            check=True, capture_output=True,
        )  # fmt: skip
        os.chmod(key, 0o644)

    def start(self) -> "Dovecot":
        os.chmod(self.root, 0o755)
        self.make_certificate()
        mail_user = pwd.getpwnam("dovecot")
        maildir = self.root / "mail"
        maildir.mkdir()
        os.chown(maildir, mail_user.pw_uid, mail_user.pw_gid)
        (self.root / "passwd").write_text(
            f"{USER}:{{PLAIN}}{PASSWORD}:{mail_user.pw_uid}:{mail_user.pw_gid}::{maildir}/{USER}\n"
        )
        conf = self.root / "dovecot.conf"
        conf.write_text(
            f"""
protocols = imap
listen = 127.0.0.1
base_dir = {self.root}/run
state_dir = {self.root}/state
log_path = {self.root}/dovecot.log
ssl = yes
ssl_cert = <{self.cert}
ssl_key = <{self.root}/key.pem
ssl_dh = </usr/share/dovecot/dh.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = {self.root}/passwd
}}
userdb {{
  driver = passwd-file
  args = {self.root}/passwd
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {self.tls_port}
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""
        )
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(conf)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        try:
            wait_for_port(self.port)
            wait_for_port(self.tls_port)
        except RuntimeError:
            self.stop()
            raise RuntimeError("dovecot did not start: " + self.log())
        return self

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text() if path.exists() else ""

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.root, ignore_errors=True)

    def client(self):
        from imapclient import IMAPClient

        client = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=10)
        client.login(USER, PASSWORD)
        return client

    def append(self, *messages: bytes, folder: str = "INBOX") -> None:
        client = self.client()
        try:
            for raw in messages:
                client.append(folder, raw)
        finally:
            client.logout()

    def reset(self) -> None:
        client = self.client()
        try:
            client.select_folder("INBOX")
            uids = client.search(["ALL"])
            if uids:
                client.delete_messages(uids)
                client.expunge()
        finally:
            client.logout()


class SmtpSink:
    """aiosmtpd on a loopback port, keeping every message it receives."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.messages: list = []
        self.refuse: dict[str, str] = {}  # recipient -> SMTP reply given at RCPT TO, e.g. "550 5.1.1 no such user"
        self.controller = None

    def start(self) -> "SmtpSink":
        from aiosmtpd.controller import Controller

        sink = self

        class Handler:
            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
                if address in sink.refuse:
                    return sink.refuse[address]
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, server, session, envelope):
                sink.messages.append(envelope)
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def parsed(self):
        import email
        from email import policy

        return [email.message_from_bytes(e.original_content, policy=policy.default) for e in self.messages]
