"""Real SMTP servers on 127.0.0.1 for the send tests, and a throw-away certificate authority.

Loaded as a plugin by tests/conftest.py, so its fixtures are available to every test.
Nothing here listens on or connects to anything but 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import ipaddress
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

LOOPBACK = "127.0.0.1"
USER = "pmo@council.example"
PASSWORD = "Zebra-Kettle-4471-secret"  # distinctive, so a leak is easy to spot in any output
REFUSED = "nobody@council.example"


@dataclass
class Received:
    """One message as the server got it."""

    mail_from: str
    rcpt_tos: list[str]
    content: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class RecordingHandler:
    """Keeps every delivered envelope; refuses the REFUSED address at RCPT time."""

    received: list[Received] = field(default_factory=list)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if address == REFUSED:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content))
        )
        return "250 Message accepted for delivery"


@dataclass
class Server:
    port: int
    handler: RecordingHandler

    @property
    def received(self) -> list[Received]:
        return self.handler.received


@dataclass(frozen=True)
class Certificates:
    ca: Path
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        return context


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


def check_login(
    server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
) -> AuthResult:
    good = isinstance(auth_data, LoginPassword) and (
        auth_data.login.decode() == USER and auth_data.password.decode() == PASSWORD
    )
    return AuthResult(success=good, handled=False)


@contextlib.contextmanager
def running(**options: Any) -> Iterator[Server]:
    """An aiosmtpd server on 127.0.0.1 with the given SMTP options, stopped afterwards."""
    handler = RecordingHandler()
    controller = Controller(
        handler,
        hostname=LOOPBACK,
        port=free_port(),
        ready_timeout=5,
        server_hostname="localhost",  # no DNS lookup for its own name
        **options,
    )
    controller.start()
    try:
        yield Server(controller.port, handler)
    finally:
        controller.stop()


@contextlib.contextmanager
def misbehaving(greeting: bytes | None) -> Iterator[int]:
    """A server that sends ``greeting`` (or nothing) and then hangs up after the first command,
    or, with no greeting, says nothing at all until the client gives up."""

    def serve(connection: socket.socket, stop: threading.Event) -> None:
        if greeting is None:
            stop.wait(5)
            return
        connection.sendall(greeting)
        connection.recv(1024)

    with one_connection(serve) as port:
        yield port


@contextlib.contextmanager
def one_connection(
    serve: Callable[[socket.socket, threading.Event], None], wait: float = 10
) -> Iterator[int]:
    """A listener on 127.0.0.1 that hands its first connection to ``serve``; yields the port.

    ``serve`` is told to stop (the event is set) when the test is done, and is waited for.
    """
    listener = socket.create_server((LOOPBACK, 0))
    listener.settimeout(wait)
    stop = threading.Event()

    def accept() -> None:
        with contextlib.suppress(OSError):
            connection, _ = listener.accept()
            with connection:
                serve(connection, stop)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        listener.close()
        thread.join(wait)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def make_certificates(folder: Path) -> Certificates:
    """A throw-away CA and a server certificate for 127.0.0.1 and localhost, signed by it."""
    now = dt.datetime.now(dt.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(_name("boardpack test CA"))
        .issuer_name(_name("boardpack test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("localhost"))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address(LOOPBACK))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    paths = Certificates(folder / "ca.pem", folder / "server.pem", folder / "server-key.pem")
    paths.ca.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    paths.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths.key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths


@pytest.fixture(scope="session")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    return make_certificates(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def plain_server() -> Iterator[Server]:
    """No TLS, no login: for --security none."""
    with running() as server:
        yield server


@pytest.fixture
def plain_auth_server() -> Iterator[Server]:
    """Login offered over a plain loopback connection."""
    with running(authenticator=check_login, auth_require_tls=False) as server:
        yield server


@pytest.fixture
def starttls_server(certificates: Certificates) -> Iterator[Server]:
    """STARTTLS required, then login required."""
    with running(
        tls_context=certificates.server_context(),
        require_starttls=True,
        authenticator=check_login,
        auth_required=True,
    ) as server:
        yield server


@pytest.fixture
def ssl_server(certificates: Certificates) -> Iterator[Server]:
    """TLS from the first byte (port-465 style)."""
    with running(ssl_context=certificates.server_context()) as server:
        yield server


@pytest.fixture
def closed_port() -> int:
    return free_port()


@pytest.fixture
def dropping_port() -> Iterator[int]:
    """Greets, then hangs up after the first command."""
    with misbehaving(b"220 127.0.0.1 ESMTP\r\n") as port:
        yield port


@pytest.fixture
def silent_port() -> Iterator[int]:
    """Accepts the connection and never says a word."""
    with misbehaving(None) as port:
        yield port


def parsed(data: bytes) -> EmailMessage:
    """A received message or draft, parsed as a mail client would."""
    message = email.message_from_bytes(data, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def attachments_of(message: EmailMessage) -> dict[str, tuple[str, bytes]]:
    """Each attachment's file name, with its MIME type and bytes."""
    found = {}
    for part in message.iter_attachments():
        assert isinstance(part, EmailMessage)
        payload = part.get_content()
        assert isinstance(payload, bytes)
        found[str(part.get_filename())] = (part.get_content_type(), payload)
    return found


# --- A hand-written server that misbehaves on cue -------------------------------------------


@dataclass
class Script:
    """How a scripted server answers; None for a step means "say nothing until hung up".

    ``rcpt`` maps the number of a RCPT command (1, 2, ...) to its answer; others get 250.
    ``auth`` turns the AUTH command line into the answer (default: accepted).
    ``greeting_forever`` sends "220-" continuation lines without end instead of a greeting;
    ``trickle_after_data`` answers the message with a short "250-" line every 0.2 s, for ever.
    """

    mail: str = "250 2.1.0 OK"
    rcpt: dict[int, str] = field(default_factory=dict)
    after_data: str | None = "250 2.0.0 Queued as 4711"
    quit: str | None = "221 2.0.0 Bye"
    auth: Any = None
    greeting_forever: bool = False
    trickle_after_data: bool = False
    commands: list[str] = field(default_factory=list)
    messages: list[bytes] = field(default_factory=list)
    greeting_bytes_sent: int = 0


def _serve_script(connection: socket.socket, script: Script, stop: threading.Event) -> None:
    reader = connection.makefile("rb")

    def say(line: str | None) -> None:
        if line is None:
            stop.wait(10)  # silent until the client gives up (bounded, so the thread ends)
            raise ConnectionAbortedError
        connection.sendall(line.encode() + b"\r\n")

    if script.greeting_forever:
        chunk = b"220-" + b"x" * 1000 + b"\r\n"
        while not stop.is_set() and script.greeting_bytes_sent < 64 * 1024 * 1024:
            connection.sendall(chunk * 64)
            script.greeting_bytes_sent += len(chunk) * 64
        return
    say("220 127.0.0.1 ESMTP scripted")
    recipients = 0
    while not stop.is_set():
        raw = reader.readline(10_000)
        if not raw:
            return
        command = raw.decode("utf-8", "replace").rstrip("\r\n")
        script.commands.append(command)
        verb = command.split(" ", 1)[0].upper()
        if verb == "EHLO":
            connection.sendall(b"250-127.0.0.1\r\n250-AUTH PLAIN\r\n250 SIZE 50000000\r\n")
        elif verb == "AUTH":
            say(script.auth(command) if script.auth else "235 2.7.0 Accepted")
        elif verb == "MAIL":
            say(script.mail)
        elif verb == "RCPT":
            recipients += 1
            answer = script.rcpt.get(recipients, "250 2.1.5 OK")
            say(answer)
            if answer.startswith("421"):
                return
        elif verb == "DATA":
            say("354 End data with <CR><LF>.<CR><LF>")
            lines = []
            while (line := reader.readline(1_000_000)) not in (b".\r\n", b""):
                lines.append(line)
            script.messages.append(b"".join(lines))
            while script.trickle_after_data and not stop.wait(0.2):
                connection.sendall(b"250-still thinking\r\n")
            say(script.after_data)
        elif verb == "QUIT":
            say(script.quit)
            return
        else:
            say("250 2.0.0 OK")


@contextlib.contextmanager
def scripted(script: Script) -> Iterator[int]:
    """A server on 127.0.0.1 that follows ``script``, for one connection; yields its port."""
    with one_connection(lambda connection, stop: _serve_script(connection, script, stop)) as port:
        yield port
