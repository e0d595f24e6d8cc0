"""The ways mail rounds run: the jobs list, and ``peerapp send-mail`` for cron."""

from __future__ import annotations

import time

from mail_helpers import Sink, queue, queue_many, smtp_server
from sqlmodel import Session, select

from peerapp import cli
from peerapp.db import make_engine
from peerapp.models import OutboxMessage
from peerapp.services import mail_round
from peerapp.services.mailer import FileTransport
from peerapp.services.outbox import Delivered
from peerapp.services.unit import Change


def test_a_round_runs_its_jobs_in_order_then_delivers_what_they_wrote(db, tmp_path):
    ran: list[str] = []

    def broken(session: Session) -> None:
        ran.append("broken")
        session.exec(select(OutboxMessage)).all()  # leaves a transaction open
        raise RuntimeError("a bug in one job")

    def reminders(session: Session) -> Change:
        ran.append("reminders")
        queue(session, "bob@example.com", "Your request closes in three days")
        return Change(told=frozenset({7}))

    done = mail_round.run_round(db, FileTransport(tmp_path), [broken, reminders])
    assert ran == ["broken", "reminders"]
    assert done == mail_round.Round(Delivered(sent=1), frozenset({7}))
    assert len(list(tmp_path.glob("*.eml"))) == 1


def test_send_mail_delivers_once_and_says_what_it_did(cli_database, monkeypatch, capsys):
    sink = Sink()
    sink.refuse["gone@example.com"] = "550 5.1.1 unknown"
    with Session(make_engine(cli_database)) as db:
        queue_many(db, 2)
        queue(db, "gone@example.com")
    with smtp_server(sink) as port:
        monkeypatch.setenv("PEERAPP_SMTP_URL", f"smtp://127.0.0.1:{port}")
        assert cli.main(["send-mail"]) == 0
        assert cli.main(["send-mail"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed == [
        "Sent 2, to retry later 0, failed 1.",
        "Sent 0, to retry later 0, failed 0.",
    ]
    assert len(sink.received) == 2


def test_send_mail_without_smtp_says_where_the_files_go(
    cli_database, monkeypatch, capsys, tmp_path
):
    monkeypatch.delenv("PEERAPP_SMTP_URL", raising=False)
    monkeypatch.setenv("PEERAPP_MAIL_DIR", str(tmp_path / "mail"))
    with Session(make_engine(cli_database)) as db:
        queue(db)
    assert cli.main(["send-mail"]) == 0
    out = capsys.readouterr().out
    assert f"email is written to {tmp_path / 'mail'}" in out
    assert "Sent 1," in out
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 1


def test_send_mail_refuses_a_wrong_smtp_url(cli_database, monkeypatch, capsys):
    monkeypatch.setenv("PEERAPP_SMTP_URL", "smtp://mail.internal?starttls=perhaps")
    assert cli.main(["send-mail"]) == 2
    assert "PEERAPP_SMTP_URL" in capsys.readouterr().err


def test_send_mail_loop_keeps_delivering_until_stopped(cli_database, monkeypatch, capsys):
    sink = Sink()
    engine = make_engine(cli_database)
    rounds = []

    pause, real_sleep = 0.123, time.sleep

    def sleep(seconds: float) -> None:
        if seconds != pause:  # someone else's wait (time.sleep is patched for all)
            real_sleep(seconds)
            return
        rounds.append(1)
        if len(rounds) == 1:
            with Session(engine) as db:
                queue(db)
        else:
            raise KeyboardInterrupt

    monkeypatch.setattr(cli, "MAIL_INTERVAL_SECONDS", pause)
    monkeypatch.setattr(cli.time, "sleep", sleep)
    with Session(engine) as db:
        queue(db)
    with smtp_server(sink) as port:
        monkeypatch.setenv("PEERAPP_SMTP_URL", f"smtp://127.0.0.1:{port}")
        assert cli.main(["send-mail", "--loop"]) == 0
    out = capsys.readouterr().out
    assert out.count("Sent 1, to retry later 0, failed 0.") == 2
    assert len(sink.received) == 2
