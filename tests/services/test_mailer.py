"""The transports: SMTP settings from a URL, and .eml files when no server is configured."""

from __future__ import annotations

from email import policy
from email.parser import BytesParser

import pytest
from aiosmtpd.smtp import AuthResult
from mail_helpers import SENDER, Sink, email_text, queue, queue_many, smtp_server
from sqlmodel import select

from peerapp.models import OutboxMessage
from peerapp.services import mailer, outbox
from peerapp.services.mailer import (
    FileTransport,
    Letter,
    SmtpServer,
    SmtpTransport,
    parse_smtp_url,
)
from peerapp.services.outbox import Delivered
from peerapp.services.unit import unit_of_work


def test_an_smtp_url_gives_host_port_tls_and_decoded_credentials():
    server = parse_smtp_url("smtp://mail%40corp:p%3Ass%2Fw@mail.internal:2525?starttls=1&timeout=7")
    assert server == SmtpServer(
        host="mail.internal",
        port=2525,
        starttls=True,
        username="mail@corp",
        password="p:ss/w",
        timeout=7.0,
    )
    assert parse_smtp_url("smtp://mail.internal?starttls=true").port == 587
    assert parse_smtp_url("smtp://mail.internal").port == 25
    implicit = parse_smtp_url("smtps://u:p@mail.internal")
    assert (implicit.port, implicit.implicit_tls, implicit.starttls) == (465, True, False)


@pytest.mark.parametrize(
    "url",
    [
        "http://mail.internal",
        "smtp://",
        "smtp://mail.internal?starttls=maybe",
        "smtp://mail.internal?tls=1",
        "smtps://mail.internal?starttls=1",
        "smtp://mail.internal?timeout=0",
        "smtp://mail.internal:notaport",
    ],
)
def test_a_mistaken_smtp_url_stops_with_the_variables_name(url):
    with pytest.raises(RuntimeError, match="PEERAPP_SMTP_URL"):
        parse_smtp_url(url)


def test_without_smtp_the_configured_transport_writes_files(monkeypatch, tmp_path):
    monkeypatch.delenv("PEERAPP_SMTP_URL", raising=False)
    monkeypatch.setenv("PEERAPP_MAIL_DIR", str(tmp_path / "mail"))
    chosen = mailer.configured_transport()
    assert isinstance(chosen, FileTransport) and chosen.folder == tmp_path / "mail"
    monkeypatch.setenv("PEERAPP_SMTP_URL", "smtp://u:p@mail.internal:587?starttls=1")
    monkeypatch.setenv("PEERAPP_MAIL_FROM", "Mentoring <mentoring@corp.example>")
    smtp = mailer.configured_transport()
    assert isinstance(smtp, mailer.SmtpTransport)
    assert smtp.envelope_from == "mentoring@corp.example"


def _parsed(path):
    return BytesParser(policy=policy.default).parsebytes(path.read_bytes())


def test_the_eml_fallback_writes_one_readable_file_per_message(db, tmp_path):
    folder = tmp_path / "mail"
    ids = queue_many(db, 3)
    assert outbox.deliver_due(db, FileTransport(folder)) == Delivered(sent=3)

    files = sorted(folder.iterdir())
    assert [path.suffix for path in files] == [".eml"] * 3
    messages = [_parsed(path) for path in files]
    assert [message["Message-ID"] for message in messages] == ids
    first = messages[0]
    assert first["To"] == "person0@example.com"
    assert "Hello" in first.get_body(("plain",)).get_content()
    assert "<p>Hello,</p>" in first.get_body(("html",)).get_content()


def test_writing_the_same_letter_again_replaces_its_file(tmp_path):
    files = FileTransport(tmp_path)
    text = email_text("bob@example.com", "Ünïcode, too", "<same@peerapp.example>")
    letter = Letter(7, "<same@peerapp.example>", "bob@example.com", text)
    files.send(letter)
    files.send(letter)
    (only,) = tmp_path.iterdir()
    assert only.name == "00000007-same_peerapp.example.eml"
    assert _parsed(only)["Subject"] == "Ünïcode, too"


def test_a_folder_that_cannot_be_written_is_a_temporary_failure(tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the folder should be")
    letter = Letter(1, "<x@peerapp.example>", "bob@example.com", "Subject: x\n\nx\n")
    with pytest.raises(mailer.MailFailure) as failure:
        FileTransport(blocked).send(letter)
    assert failure.value.temporary
    assert list(tmp_path.iterdir()) == [blocked]


def test_a_rejected_message_fails_for_good_and_the_next_one_still_goes(db):
    sink = Sink()
    sink.refuse_data["spam@example.com"] = "554 5.7.1 message content rejected"
    queue(db, "spam@example.com")
    queue(db, "bob@example.com")
    with smtp_server(sink) as port:
        smtp = SmtpTransport(SmtpServer("127.0.0.1", port, timeout=5), SENDER)
        assert outbox.deliver_due(db, smtp) == Delivered(sent=1, failed=1)
    assert [item.rcpt_tos for item in sink.received] == [["bob@example.com"]]


# A test server on the loopback interface: no TLS needed to try a login.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_a_refused_login_is_a_setting_to_fix_so_every_message_waits(db):
    def refuse_everyone(server, session, envelope, mechanism, auth_data):
        return AuthResult(success=False, handled=False)

    sink = Sink()
    queue_many(db, 3)
    with smtp_server(
        sink, authenticator=refuse_everyone, auth_require_tls=False, auth_required=True
    ) as port:
        server = SmtpServer("127.0.0.1", port, username="peerapp", password="wrong", timeout=5)
        assert outbox.deliver_due(db, SmtpTransport(server, SENDER)) == Delivered(retried=3)
    assert sink.received == []
    db.expire_all()
    errors = {row.last_error for row in db.exec(select(OutboxMessage)).all()}
    db.rollback()
    (error,) = errors
    assert error.startswith("535")


def test_an_address_that_would_break_the_smtp_command_is_failed_not_sent(db):
    sink = Sink()
    hostile = queue(db, "bob@example.com")
    with unit_of_work(db):
        db.add(hostile)
        hostile.to_address = "bob@example.com>\r\nRCPT TO:<mallory@example.com"
    queue(db, "carol@example.com")
    with smtp_server(sink) as port:
        smtp = SmtpTransport(SmtpServer("127.0.0.1", port, timeout=5), SENDER)
        assert outbox.deliver_due(db, smtp) == Delivered(sent=1, failed=1)
    assert [item.rcpt_tos for item in sink.received] == [["carol@example.com"]]
