"""A local stand-in for an SMTP server (aiosmtpd), keeping every message it accepts.

    python -m hfdaily.testing.smtp_server --port 8025   # then HFDAILY_NOTIFY="mailto://u:p@127.0.0.1:8025?to=me@example.com&from=hfdaily@example.com"

Like a real submission server it asks for a login (any user, the password given here), over a
plain connection because it only listens on loopback.
"""

from __future__ import annotations

import argparse
import logging
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage


@dataclass
class Mail:
    sender: str
    recipients: list[str]
    data: bytes
    at: float

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.data, policy=policy.default)


@dataclass
class Mailbox:
    password: str | None = None
    mails: list[Mail] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope) -> str:
        self.mails.append(Mail(envelope.mail_from, list(envelope.rcpt_tos), envelope.content, time.monotonic()))
        return "250 Message accepted for delivery"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult, LoginPassword

        ok = isinstance(auth_data, LoginPassword) and (
            self.password is None or auth_data.password.decode() == self.password)
        if ok:
            self.logins.append(auth_data.login.decode())
        return AuthResult(success=ok)


@contextmanager
def smtp_server(password: str | None = None, port: int = 0):
    """Yields ``(Mailbox, port)``; needs aiosmtpd (the ``test`` extra)."""
    from aiosmtpd.controller import Controller

    box = Mailbox(password=password)
    # Login over plain SMTP is what aiosmtpd warns about (once per connection, in its own thread);
    # on loopback it is what we want.
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS", category=UserWarning)
    controller = Controller(box, hostname="127.0.0.1", port=port or _free_port(), authenticator=box.authenticate,
                            auth_require_tls=False, auth_required=password is not None)
    controller.start()
    try:
        yield box, controller.port
    finally:
        controller.stop()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--password", default=None, help="require this password (any user)")
    args = parser.parse_args()
    with smtp_server(args.password, args.port) as (box, port):
        print(f"SMTP stand-in on 127.0.0.1:{port}; Ctrl-C to stop", flush=True)
        seen = 0
        try:
            while True:
                time.sleep(0.5)
                for mail in box.mails[seen:]:
                    print(f"--- mail from {mail.sender} to {', '.join(mail.recipients)}: "
                          f"{mail.message['Subject']} ({len(mail.data)} bytes)", flush=True)
                seen = len(box.mails)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
