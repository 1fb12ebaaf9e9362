"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for the e-mail
tests and the bench: it counts what arrives and lets each message be parsed as MIME."""

import email
import email.policy
import socket
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass
class Received:
    recipients: list[str]
    data: bytes
    at: float = 0.0  # time.monotonic() when it arrived

    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.data, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Inbox:
    """The handler: every message accepted, after ``delay`` seconds (a slower server),
    but for the addresses in ``refuse``, which the server does not know (550)."""

    delay: float = 0.0
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    refuse: set[str] = field(default_factory=set)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.delay:
            time.sleep(self.delay)  # holds the server's loop, as a busy server would
        content = envelope.original_content or b""
        with self.lock:
            self.received.append(Received(list(envelope.rcpt_tos), content, time.monotonic()))
        return "250 OK"

    def count(self) -> int:
        with self.lock:
            return len(self.received)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpSink:
    """``with SmtpSink() as sink:`` a server on 127.0.0.1:sink.port until the block ends."""

    def __init__(self, delay: float = 0.0, port: int = 0):
        self.inbox = Inbox(delay=delay)
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=port or _free_port())

    def __enter__(self) -> "SmtpSink":
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    @property
    def port(self) -> int:
        return self.controller.port

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"
