"""How the admins' figures are worded, including a program with no activity yet."""

from __future__ import annotations

from dataclasses import fields

from peerapp.services.overview import Overview
from peerapp.state.overview import now_rows, recent_rows


def overview(**changes) -> Overview:
    base = dict(
        peers=8,
        paused_peers=1,
        peers_paired=2,
        active_pairings=1,
        pending_requests=3,
        sent=9,
        accepted=2,
        declined=1,
        expired=1,
        withdrawn_or_cancelled=2,
        pairings_started=2,
        pairings_ended=1,
    )
    return Overview(**(base | changes))


def shown(rows) -> dict[str, tuple[str, str]]:
    return {row.label: (row.value, row.detail) for row in rows}


def test_figures_of_an_active_program():
    now = shown(now_rows(overview()))
    recent = shown(recent_rows(overview()))

    assert now["Peers"] == ("8", "1 paused")
    assert now["Peers with a partner"] == ("2", "25% of peers, in 1 active pairing")
    assert now["Requests waiting for an answer"] == ("3", "")
    # 9 sent: 4 answered or expired, 2 withdrawn or cancelled, so 3 still waiting.
    assert recent["Requests sent"] == ("9", "3 still waiting")
    assert recent["Accepted"] == ("50%", "2 accepted, 1 declined, 1 expired")
    assert recent["Pairings started"] == ("2", "1 pairing ended")


def test_a_program_without_peers_or_answers_says_so_instead_of_dividing_by_zero():
    empty = Overview(**{f.name: 0 for f in fields(Overview) if f.name != "window_days"})

    now = shown(now_rows(empty))
    recent = shown(recent_rows(empty))

    assert now["Peers"] == ("0", "")
    assert now["Peers with a partner"] == ("0", "no peers yet")
    assert recent["Accepted"] == ("—", "no answers yet")
    assert recent["Pairings started"] == ("0", "0 pairings ended")


def test_email_delivery_is_summed_up_with_the_latest_failures():
    from datetime import UTC, datetime

    from peerapp.services.mail_failures import FailedMail, Failures
    from peerapp.state.overview import mail_rows, mail_summary

    assert mail_summary(Failures(0, [])) == "Every email has been delivered or is on its way."
    failed = FailedMail(
        "bob@example.com",
        "A reminder",
        "550 5.1.1 no such user",
        1,
        datetime(2026, 3, 2, 9, 5, tzinfo=UTC),
    )
    seen = Failures(3, [failed])
    assert mail_summary(seen) == "3 emails could not be delivered."
    assert mail_summary(Failures(1, [failed])) == "1 email could not be delivered."
    (row,) = mail_rows(seen)
    assert (row.recipient, row.subject, row.error, row.attempts, row.queued) == (
        "bob@example.com",
        "A reminder",
        "550 5.1.1 no such user",
        "1",
        "02 Mar 2026, 09:05 UTC",
    )
