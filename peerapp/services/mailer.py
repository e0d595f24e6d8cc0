"""How an email leaves peerapp: an SMTP server, or ``.eml`` files when none is configured.

A transport knows nothing about the outbox: it is handed one ``Letter`` at a
time and either delivers it or raises ``MailFailure``, saying whether trying
again later can help (``temporary``: the server is unreachable or answered
4xx) or not (a 5xx answer about this message, such as an unknown recipient).
Every call blocks (network, disk): callers run it in a thread, never on the
event loop.
"""

from __future__ import annotations

import contextlib
import os
import re
import smtplib
import ssl
import tempfile
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from peerapp.settings import mail_dir, mail_from, smtp_url

DEFAULT_TIMEOUT_SECONDS = 20.0
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


@dataclass(frozen=True)
class Letter:
    """One message to deliver: the outbox row's id, its Message-ID, recipient and text."""

    outbox_id: int
    message_id: str
    to_address: str
    content: str


class MailFailure(Exception):
    """A letter was not delivered; ``temporary`` says whether a retry may succeed.

    ``connection`` marks failures of the server or the connection rather than
    of this letter: the letters after it in a batch would fail the same way.
    """

    def __init__(self, reason: str, *, temporary: bool, connection: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.temporary = temporary
        self.connection = connection


class Transport(Protocol):
    """Delivers letters one by one; ``close`` ends whatever connection it holds."""

    def send(self, letter: Letter) -> None:
        """Deliver ``letter`` or raise ``MailFailure``."""

    def close(self) -> None:
        """Let go of the connection (the next ``send`` opens a new one)."""


# --- SMTP -------------------------------------------------------------------------


@dataclass(frozen=True)
class SmtpServer:
    """Where the SMTP server is and how to talk to it, from ``PEERAPP_SMTP_URL``."""

    host: str
    port: int
    implicit_tls: bool = False
    starttls: bool = False
    username: str = ""
    password: str = ""
    timeout: float = DEFAULT_TIMEOUT_SECONDS


def _flag(query: dict[str, list[str]], name: str) -> bool:
    raw = query.get(name, ["0"])[-1].strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise RuntimeError(f"PEERAPP_SMTP_URL: {name} must be 1 or 0, not {raw!r}.")


def parse_smtp_url(url: str) -> SmtpServer:
    """``smtp://user:pass@host:587?starttls=1&timeout=20`` or ``smtps://host`` (implicit TLS).

    The user name and password are URL-decoded (write ``@`` as ``%40``). A
    mistake stops the app with a message naming the variable, not at the first send.
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise RuntimeError("PEERAPP_SMTP_URL must look like smtp://user:password@host:587.")
    query = parse_qs(parts.query)
    unknown = set(query) - {"starttls", "timeout"}
    if unknown:
        raise RuntimeError(f"PEERAPP_SMTP_URL: unknown option(s) {', '.join(sorted(unknown))}.")
    implicit_tls = parts.scheme == "smtps"
    starttls = _flag(query, "starttls")
    if implicit_tls and starttls:
        raise RuntimeError("PEERAPP_SMTP_URL: smtps:// is TLS already; drop starttls=1.")
    try:
        port = parts.port or (465 if implicit_tls else 587 if starttls else 25)
        timeout = float(query.get("timeout", [DEFAULT_TIMEOUT_SECONDS])[-1])
    except ValueError as bad:
        raise RuntimeError(f"PEERAPP_SMTP_URL: {bad}.") from None
    if timeout <= 0:
        raise RuntimeError("PEERAPP_SMTP_URL: timeout must be a positive number of seconds.")
    return SmtpServer(
        host=parts.hostname,
        port=port,
        implicit_tls=implicit_tls,
        starttls=starttls,
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        timeout=timeout,
    )


def _classify(error: smtplib.SMTPException | OSError) -> MailFailure:
    """Temporary or permanent, by the server's answer (RFC 5321: 4xx may pass later, 5xx not)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        answers = list(error.recipients.values())
        said = "; ".join(f"{code} {text.decode(errors='replace')}" for code, text in answers)
        return MailFailure(
            f"recipient refused: {said}", temporary=any(code < 500 for code, _ in answers)
        )
    if isinstance(error, smtplib.SMTPResponseException):
        return MailFailure(_describe(error), temporary=error.smtp_code < 500)
    if isinstance(error, smtplib.SMTPNotSupportedError):
        # This letter needs what the server lacks (an address that is not ASCII).
        return MailFailure(_describe(error), temporary=False)
    # Dropped, timed out, reset: the server, not the letter.
    return MailFailure(_describe(error), temporary=True, connection=True)


def _describe(error: smtplib.SMTPException | OSError) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error
        said = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
        return f"{error.smtp_code} {said}".strip()
    return f"{type(error).__name__}: {error}"


def _one_line(address: str) -> bool:
    return bool(address.strip()) and not any(char in address for char in "\r\n\0")


class SmtpTransport:
    """Sends over one SMTP connection, opened at the first letter and kept for the next ones."""

    def __init__(self, server: SmtpServer, sender: str, tls: ssl.SSLContext | None = None) -> None:
        self.server = server
        self.envelope_from = parseaddr(sender)[1] or sender
        # Default: the system's trusted certificates (SSL_CERT_FILE adds a
        # company CA), host name checked.
        self.tls = tls
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        server = self.server
        context = self.tls or ssl.create_default_context()
        smtp: smtplib.SMTP
        if server.implicit_tls:
            smtp = smtplib.SMTP_SSL(
                server.host, server.port, timeout=server.timeout, context=context
            )
        else:
            smtp = smtplib.SMTP(server.host, server.port, timeout=server.timeout)
        try:
            smtp.ehlo()
            if server.starttls:
                smtp.starttls(context=context)
                smtp.ehlo()
            if server.username:
                smtp.login(server.username, server.password)
        except BaseException:
            _quietly_close(smtp)
            raise
        return smtp

    def send(self, letter: Letter) -> None:
        """Deliver over the open connection (opening it first); classify any failure."""
        if not _one_line(letter.to_address):
            # smtplib would refuse it mid-conversation; say why and never retry.
            raise MailFailure(f"not a deliverable address: {letter.to_address!r}", temporary=False)
        if self._smtp is None:
            try:
                self._smtp = self._connect()
            except (smtplib.SMTPException, OSError) as error:
                # Greeting, TLS, login: the server or our settings, whatever the letter.
                raise MailFailure(_describe(error), temporary=True, connection=True) from error
        try:
            data = letter.content.encode("utf-8")
            # Text a person wrote may be 8-bit; say so when the server allows it.
            options = (
                ["BODY=8BITMIME"]
                if not letter.content.isascii() and self._smtp.has_extn("8bitmime")
                else []
            )
            self._smtp.sendmail(self.envelope_from, [letter.to_address], data, options)
        except (smtplib.SMTPException, OSError) as error:
            failure = _classify(error)
            if failure.connection:
                self.close()
            else:
                self._reset()
            raise failure from error

    def _reset(self) -> None:
        # After a refused letter the connection stays usable once the transaction is reset.
        if self._smtp is not None:
            try:
                self._smtp.rset()
            except (smtplib.SMTPException, OSError):
                self.close()

    def close(self) -> None:
        """Say QUIT and drop the connection (quietly if it is already gone)."""
        if self._smtp is not None:
            smtp, self._smtp = self._smtp, None
            _quietly_close(smtp)


def _quietly_close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


# --- files ------------------------------------------------------------------------

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class FileTransport:
    """Writes each letter as ``<outbox id>-<message id>.eml`` into a folder.

    The file appears whole or not at all (written to a temporary file in the
    same folder, then renamed over the final name), and a retry of the same
    letter replaces its file instead of adding a second one.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path_for(self, letter: Letter) -> Path:
        """Where ``letter`` is written."""
        readable = _UNSAFE.sub("_", letter.message_id.strip("<>"))[:80]
        return self.folder / f"{letter.outbox_id:08d}-{readable}.eml"

    def send(self, letter: Letter) -> None:
        """Write the letter's file, atomically."""
        target = self.path_for(letter)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".part")
            try:
                with os.fdopen(handle, "wb") as file:
                    file.write(letter.content.encode("utf-8"))
                    file.flush()
                    os.fsync(file.fileno())
                os.replace(temporary, target)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        except OSError as error:
            # A full disk or a folder we may not write: both can pass.
            raise MailFailure(
                f"{type(error).__name__}: {error}", temporary=True, connection=True
            ) from error

    def close(self) -> None:
        """Nothing to close."""


def configured_transport() -> SmtpTransport | FileTransport:
    """SMTP when ``PEERAPP_SMTP_URL`` is set, else ``.eml`` files in ``PEERAPP_MAIL_DIR``."""
    url = smtp_url()
    if url:
        return SmtpTransport(parse_smtp_url(url), mail_from())
    return FileTransport(mail_dir())
