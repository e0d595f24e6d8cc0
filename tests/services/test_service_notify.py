"""What people are told when requests and pairings change: notices, and email in the outbox.

Each test runs a real service and then reads the database: which notices exist
for whom with which delivery, and what the outbox's messages say when parsed as
a mail client would parse them. Nothing is sent over SMTP here.
"""

from __future__ import annotations

import html
from datetime import timedelta
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from lifecycle_helpers import T0, act
from notice_helpers import bodies, count, mails, notice_rows, notices
from service_helpers import make_person, send
from sqlmodel import select

from peerapp.clock import frozen_at
from peerapp.models import Employee, Notice, OutboxMessage, Pairing, PeerRequest
from peerapp.models.mentoring import MESSAGE_MAX, NAME_MAX, REASON_MAX
from peerapp.services import Refused, admin, mail_render, notify, pairings, preferences, requests
from peerapp.services.unit import unit_of_work
from tests.browser.xss_payloads import PAYLOADS

RECEIVED, ACCEPTED, DECLINED = "request_received", "request_accepted", "request_declined"
EXPIRED, CANCELLED, REMINDER = "request_expired", "request_cancelled", "reminder"
STARTED, ENDED, TYPE_OFF = "pairing_started", "pairing_ended", "pairing_type_off"
AT_ONCE, DIGEST, APP_ONLY = "at_once", "digest", "app_only"


@pytest.fixture(autouse=True)
def public_url(monkeypatch):
    monkeypatch.setenv("PEERAPP_PUBLIC_URL", "https://peers.example.com/")
    monkeypatch.setenv("PEERAPP_MAIL_FROM", "Peers <peers@example.com>")


def test_a_new_request_tells_the_recipient_by_email_at_once(db, program, people):
    alice, bob = people["alice"], people["bob"]
    request = send(db, program, alice, bob, "Coffee next week?")
    assert notices(db) == [(bob.id, RECEIVED, AT_ONCE)]
    (message,) = mails(db)
    assert message["To"].addresses[0].addr_spec == bob.email
    assert message["To"].addresses[0].display_name == "Bob Baker"
    assert message["From"].addresses[0].addr_spec == "peers@example.com"
    assert message["Subject"] == "Alice Archer asks you to be peers"
    plain, rich = bodies(message)
    assert "Hello Bob Baker," in plain and "Their note: Coffee next week?" in plain
    assert f"https://peers.example.com/inbox?program={program.id}" in plain
    assert f'href="https://peers.example.com/inbox?program={program.id}"' in rich
    assert "https://peers.example.com/unsubscribe?token=" in plain
    assert message["List-Unsubscribe"].startswith("<https://peers.example.com/api/unsubscribe?")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Message-ID"].endswith("@example.com>")
    row = db.exec(select(OutboxMessage)).one()
    assert (row.status, row.category, row.to_address) == ("queued", "requests_for_me", bob.email)
    # As written on the wire: one line a mail client reads as an address, no encoded words.
    (line,) = [x for x in row.content.splitlines() if x.startswith("List-Unsubscribe:")]
    assert line.startswith("List-Unsubscribe: <https://peers.example.com/api/unsubscribe?token=")
    assert line.endswith(">") and "=?" not in line
    assert row.message_id == message["Message-ID"]
    assert notice_rows(db)[0].request_id == request.id


def test_the_unsubscribe_link_turns_off_exactly_that_category(db, program, people):
    from urllib.parse import parse_qs, urlsplit

    from peerapp.services import unsubscribe

    send(db, program, people["alice"], people["bob"])
    link = mails(db)[0]["List-Unsubscribe"].strip("<>")
    token = parse_qs(urlsplit(link).query)["token"][0]
    unsubscribe.apply(db, token)
    chosen = preferences.deliveries(db, people["bob"].id)
    assert chosen["requests_for_me"] == APP_ONLY and chosen["answers"] == AT_ONCE


def test_mentoring_requests_say_who_would_mentor_whom_and_the_themes(db, program):
    mona = make_person(db, program, "Mona Mentor", roles=("mentor",))
    mel = make_person(db, program, "Mel Mentee", roles=("mentee",))
    theme = program.themes.splitlines()[0]
    requests.send_request(
        db,
        program_id=program.id,
        sender_id=mel.id,
        recipient_id=mona.id,
        as_role="mentee",
        themes=[theme],
    )
    mel2 = make_person(db, program, "Mo Mentee", roles=("mentee",))
    requests.send_request(
        db, program_id=program.id, sender_id=mona.id, recipient_id=mel2.id, as_role="mentor"
    )
    asked, offered = mails(db)
    assert asked["Subject"] == "Mel Mentee asks you to be their mentor"
    assert f"Themes: {theme}" in bodies(asked)[0]
    assert offered["Subject"] == "Mona Mentor offers to mentor you"


def test_accepting_tells_the_sender_at_once_and_both_of_the_pairing_in_the_digest(
    db, program, people
):
    alice, bob = people["alice"], people["bob"]
    request = send(db, program, alice, bob)
    act(db, "accept", request.id, bob.id)
    assert notices(db)[1:] == [
        (alice.id, ACCEPTED, AT_ONCE),
        (alice.id, STARTED, DIGEST),
        (bob.id, STARTED, DIGEST),
    ]
    subjects = [message["Subject"] for message in mails(db)]
    assert subjects == [
        "Alice Archer asks you to be peers",
        "Bob Baker accepted your request to be peers",
    ]
    assert f"https://peers.example.com/peers?program={program.id}" in bodies(mails(db)[1])[0]


def test_a_decline_tells_the_sender_with_the_reason(db, program, people):
    alice, bob = people["alice"], people["bob"]
    request = send(db, program, alice, bob)
    act(db, "decline", request.id, bob.id, reason="Too busy this quarter")
    assert notices(db)[1:] == [(alice.id, DECLINED, AT_ONCE)]
    message = mails(db)[1]
    assert message["Subject"] == "Bob Baker declined your request to be peers"
    assert "Their reason: Too busy this quarter" in bodies(message)[0]
    assert notice_rows(db)[1].detail == "Too busy this quarter"


def test_a_withdrawal_tells_the_recipient_and_not_the_sender(db, program, people):
    alice, bob = people["alice"], people["bob"]
    request = send(db, program, alice, bob)
    act(db, "withdraw", request.id, alice.id)
    assert notices(db)[1:] == [(bob.id, CANCELLED, AT_ONCE)]
    assert mails(db)[1]["Subject"] == "Alice Archer withdrew their request"


def test_an_admin_cancel_tells_the_sender_why(db, program, people):
    alice, bob = people["alice"], people["bob"]
    request = send(db, program, alice, bob)
    act(db, "cancel", request.id, people["admin"].id, reason="Duplicate of another request")
    assert notices(db)[1:] == [(alice.id, CANCELLED, AT_ONCE)]
    message = mails(db)[1]
    assert message["Subject"] == "Your request to Bob Baker was cancelled"
    assert "Why: Duplicate of another request" in bodies(message)[0]


def test_expiry_tells_each_sender_once(db, program, people):
    with frozen_at(T0):
        first = send(db, program, people["alice"], people["bob"])
        send(db, program, people["carol"], people["bob"])
    with frozen_at(T0 + timedelta(days=program.request_expiry_days, minutes=1)):
        requests.expire_due(db)
        requests.expire_due(db)
    told = [(n.employee_id, n.kind) for n in notice_rows(db) if n.kind == EXPIRED]
    assert told == [(people["alice"].id, EXPIRED), (people["carol"].id, EXPIRED)]
    expired = [m for m in mails(db) if "expired" in m["Subject"]]
    assert [m["Subject"] for m in expired] == ["Your request to Bob Baker expired"] * 2
    assert "No answer within 14 days." in bodies(expired[0])[0]
    assert notice_rows(db)[2].request_id == first.id


def test_ending_a_pairing_tells_the_other_person_only(db, program, people):
    alice, bob = people["alice"], people["bob"]
    act(db, "accept", send(db, program, alice, bob).id, bob.id)
    pairing = db.exec(select(Pairing)).one()
    pairings.end_pairing(db, pairing_id=pairing.id, actor_id=alice.id, outcome="completed")
    ended = [n for n in notice_rows(db) if n.kind == ENDED]
    assert [(n.employee_id, n.actor_id, n.delivery) for n in ended] == [(bob.id, alice.id, DIGEST)]


def test_switching_peer_mentorship_off_tells_everyone_once_and_says_what_it_did(
    db, program, people
):
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    send(db, program, alice, bob)
    send(db, program, alice, carol)
    before = len(notices(db))
    admin.update_program_settings(
        db, actor_id=people["admin"].id, program_id=program.id, peer_mentorship_enabled=False
    )
    after = notice_rows(db)[before:]
    assert sorted(n.employee_id for n in after) == sorted([alice.id, bob.id, carol.id])
    assert {n.kind for n in after} == {TYPE_OFF}
    assert {n.detail for n in after} == {admin.CANCELLED_BY_SETTINGS}
    assert {n.delivery for n in after} == {DIGEST}  # program news: the digest by default


@pytest.mark.parametrize("choice", [AT_ONCE, DIGEST, APP_ONLY])
def test_each_persons_choice_decides_whether_mail_is_written(db, program, people, choice):
    alice, bob = people["alice"], people["bob"]
    preferences.set_delivery(db, bob.id, "requests_for_me", choice)
    preferences.set_delivery(db, alice.id, "pairings", AT_ONCE)
    act(db, "accept", send(db, program, alice, bob).id, bob.id)
    kinds = {(n.employee_id, n.kind): n.delivery for n in notice_rows(db)}
    assert kinds[bob.id, RECEIVED] == choice
    assert kinds[alice.id, STARTED] == AT_ONCE and kinds[bob.id, STARTED] == DIGEST
    to_bob = [m for m in mails(db) if m["To"].addresses[0].addr_spec == bob.email]
    assert len(to_bob) == (1 if choice == AT_ONCE else 0)
    assert [m["Subject"] for m in mails(db) if "peers" in m["Subject"].lower()][-1] == (
        "You and Bob Baker are now peers"
    )


def test_a_refused_change_tells_nobody(db, program, people):
    alice, bob = people["alice"], people["bob"]
    request = send(db, program, alice, bob)
    with pytest.raises(Refused):
        act(db, "decline", request.id, alice.id, reason="not mine to decline")
    with pytest.raises(Refused):
        send(db, program, alice, bob)
    db.rollback()
    assert notices(db) == [(bob.id, RECEIVED, AT_ONCE)]
    assert count(db, OutboxMessage) == 1


def test_a_change_that_rolls_back_leaves_neither_notice_nor_mail(db, program, people):
    bob = people["bob"]
    with pytest.raises(RuntimeError), unit_of_work(db):
        notify.tell(db, employee_id=bob.id, kind=RECEIVED, program_id=program.id)
        raise RuntimeError("the change failed after telling")
    assert count(db, Notice) == 0 and count(db, OutboxMessage) == 0


def test_telling_a_request_twice_is_a_no_op_that_keeps_the_callers_transaction(db, program, people):
    bob = people["bob"]
    request = send(db, program, people["alice"], bob)
    with unit_of_work(db):
        again = notify.tell(
            db, employee_id=bob.id, kind=RECEIVED, program_id=program.id, request_id=request.id
        )
        first = notify.tell(db, employee_id=bob.id, kind=REMINDER, request_id=request.id)
        twice = notify.tell(db, employee_id=bob.id, kind=REMINDER, request_id=request.id)
    assert (again, first, twice) == (0, 1, 0)
    assert [kind for _, kind, _ in notices(db)] == [RECEIVED, REMINDER]
    assert count(db, OutboxMessage) == 2


def test_no_email_for_people_who_are_inactive(db, program, people):
    bob = people["bob"]
    bob_row = db.get(Employee, bob.id)
    bob_row.is_active = False
    db.commit()
    notify.tell(db, employee_id=bob.id, kind=RECEIVED, program_id=program.id)
    db.commit()
    assert notices(db) == [(bob.id, RECEIVED, AT_ONCE)]
    assert count(db, OutboxMessage) == 0


def test_cancelling_many_requests_costs_the_same_queries_as_cancelling_a_few(db, program, people):
    others = [make_person(db, program, f"Person {i:02d}") for i in range(24)]
    for person in others[::2]:
        preferences.set_delivery(db, person.id, "program_news", AT_ONCE)

    def statements_to_switch_off(senders):
        for person in senders:
            send(db, program, person, people["alice"])
        seen: list[str] = []
        listen = lambda *args: seen.append(args[2])  # noqa: E731
        sa.event.listen(db.get_bind(), "before_cursor_execute", listen)
        try:
            admin.update_program_settings(
                db,
                actor_id=people["admin"].id,
                program_id=program.id,
                peer_mentorship_enabled=False,
            )
        finally:
            sa.event.remove(db.get_bind(), "before_cursor_execute", listen)
        admin.update_program_settings(
            db, actor_id=people["admin"].id, program_id=program.id, peer_mentorship_enabled=True
        )
        # The history's rows are flushed one by one on SQLite (that is the ORM, not telling).
        return len([sql for sql in seen if not sql.startswith("INSERT INTO requestevent")])

    few, many = statements_to_switch_off(others[:2]), statements_to_switch_off(others[2:24])
    assert many == few
    assert count(db, OutboxMessage) == 24 + 12  # requests alice received, then the news


class _Markup(HTMLParser):
    """Every tag and attribute of an HTML body, to prove typed text added none."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes += attrs


def _markup(rich: str) -> _Markup:
    parser = _Markup()
    parser.feed(rich)
    return parser


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_names_notes_and_reasons_stay_text(db, program, people, payload):
    bob = people["bob"]
    mallory = make_person(db, program, "Mallory")
    db.get(Employee, mallory.id).full_name = payload[:NAME_MAX]
    db.commit()
    request = send(db, program, mallory, bob, payload[:MESSAGE_MAX])
    act(db, "decline", request.id, bob.id, reason=payload[:REASON_MAX])
    received, declined = mails(db)
    for message in (received, declined):
        plain, rich = bodies(message)
        markup = _markup(rich)
        assert markup.tags <= {
            "html",
            "head",
            "meta",
            "title",
            "body",
            "p",
            "h3",
            "a",
            "hr",
            "small",
            "br",
        }
        assert {name for name, _ in markup.attributes} <= {"lang", "charset", "href"}
        hrefs = [value or "" for name, value in markup.attributes if name == "href"]
        assert all(href.startswith("https://peers.example.com/") for href in hrefs)
    # Compared with what was stored: the services clean typed text (control characters) first.
    stored = db.get(PeerRequest, request.id)
    note, reason = stored.message, stored.close_reason
    as_html = lambda text: html.escape(text, quote=True).replace("\n", "<br>")  # noqa: E731
    assert as_html(note) in bodies(received)[1]
    assert f"Their note: {note}" in bodies(received)[0]
    assert f"Their reason: {reason}" in bodies(declined)[0]
    assert as_html(reason) in bodies(declined)[1]


@pytest.mark.parametrize(
    "name",
    [
        "Eve\r\nBcc: victim@example.com",
        "Eve\nSubject: you won",
        "Eve\u2028Bcc: victim@example.com",
        '"Eve, the =?utf-8?q?boss?=" <ceo@example.com>',
        "Ève Ünïcødé 👋",
        "\x07\x1b[31mEve\t\x7f",
    ],
)
def test_a_hostile_display_name_cannot_add_headers_or_break_the_change(db, program, people, name):
    alice, eve = people["alice"], people["eve"]
    db.get(Employee, eve.id).full_name = name
    db.get(Employee, alice.id).full_name = name
    db.commit()
    request = send(db, program, alice, eve)
    assert request.status == "pending"
    (message,) = mails(db)
    assert message["Bcc"] is None and message["Cc"] is None
    assert [a.addr_spec for a in message["To"].addresses] == [eve.email]
    assert "\n" not in message["Subject"] and "\r" not in message["Subject"]
    assert message["Subject"].endswith("asks you to be peers")
    if "=?" not in name:  # a reader decodes what looks like an encoded word: display only
        assert message["To"].addresses[0].display_name == mail_render.header_text(name)


def test_an_unsubscribe_key_made_in_a_change_that_rolls_back_is_not_kept(db, program, people):
    from urllib.parse import parse_qs, urlsplit

    from peerapp.services import channels, unsubscribe

    channels.forget_cached_keys()
    bob = people["bob"]
    with pytest.raises(RuntimeError), unit_of_work(db):
        notify.tell(db, employee_id=bob.id, kind=RECEIVED, program_id=program.id)
        raise RuntimeError("the change failed after its email was written")
    send(db, program, people["alice"], bob)
    channels.forget_cached_keys()  # another worker: it knows only what the database holds
    link = mails(db)[0]["List-Unsubscribe"].strip("<>")
    token = parse_qs(urlsplit(link).query)["token"][0]
    assert unsubscribe.read(db, token).employee_id == bob.id
