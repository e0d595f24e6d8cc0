"""Mentoring requests beside peer requests: sides, mentee places, switches, cohorts, themes.

A request's ``as_role`` is the side its sender takes: ``mentee`` asks the
recipient to mentor them, ``mentor`` offers to mentor the recipient. Every test
checks what the database holds afterwards (requests, pairings, history), not
only the answer.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from service_helpers import make_person, reload
from sqlmodel import select

from peerapp import models
from peerapp.clock import frozen_at
from peerapp.models import Membership, Pairing, PeerRequest, Program, RequestEvent
from peerapp.services import Refused, admin, places, programs, requests

PENDING, ACCEPTED, CANCELLED, DECLINED = "pending", "accepted", "cancelled", "declined"
PEER, MENTORING = "peer", "mentoring"
THEMES = list(models.DEFAULT_THEMES)


# ---------------------------------------------------------------- people and helpers


@pytest.fixture
def cast(db, program):
    """People with different roles in the default program, keyed by first name.

    mona: mentor only; mel: mentee only; mia: mentee and peer; max: mentor and
    peer; morgan: all three; pat: peer only.
    """
    roles = {
        "Mona Mentor": ("mentor",),
        "Mel Mentee": ("mentee",),
        "Mia Both": ("mentee", "peer"),
        "Max Both": ("mentor", "peer"),
        "Morgan All": ("mentor", "mentee", "peer"),
        "Pat Peer": ("peer",),
    }
    return {
        name.split()[0].lower(): make_person(db, program, name, roles=held)
        for name, held in roles.items()
    }


def send(db, program, sender, recipient, as_role, **extra):
    """Send through the service; returns the outcome."""
    return requests.send_request(
        db,
        program_id=program.id,
        sender_id=sender.id,
        recipient_id=recipient.id,
        as_role=as_role,
        **extra,
    )


def ask(db, program, mentee, mentor, **extra):
    """``mentee`` asks ``mentor`` to mentor them."""
    return send(db, program, mentee, mentor, places.MENTEE, **extra)


def offer(db, program, mentor, mentee, **extra):
    """``mentor`` offers to mentor ``mentee``."""
    return send(db, program, mentor, mentee, places.MENTOR, **extra)


def accept(db, request, actor):
    return requests.accept_request(db, request_id=request.id, actor_id=actor.id)


def request_rows(db) -> list[tuple]:
    """Every request as (sender, recipient, kind, mentor, status), in id order."""
    db.commit()
    db.expire_all()
    rows = db.exec(select(PeerRequest).order_by(PeerRequest.id)).all()
    return [(r.sender_id, r.recipient_id, r.kind, r.mentor_id, r.status) for r in rows]


def pairing_rows(db) -> list[tuple]:
    """Every pairing as (low, high, kind, mentor, status, request), in id order."""
    db.commit()
    db.expire_all()
    rows = db.exec(select(Pairing).order_by(Pairing.id)).all()
    return [
        (p.person_low_id, p.person_high_id, p.kind, p.mentor_id, p.status, p.request_id)
        for p in rows
    ]


def status_of(db, request) -> str:
    return reload(db, PeerRequest, request.id).status


def history_of(db, request) -> list[tuple]:
    """(actor, from, to) of each transition of the request, oldest first."""
    db.expire_all()
    rows = db.exec(
        select(RequestEvent).where(RequestEvent.request_id == request.id).order_by(RequestEvent.id)
    ).all()
    return [(e.actor_id, e.from_status, e.to_status) for e in rows]


def low_high(a, b) -> tuple[int, int]:
    return min(a.id, b.id), max(a.id, b.id)


def set_member(db, program, person, **values) -> None:
    """Change a membership with a plain UPDATE (no service sets mentee places yet)."""
    db.execute(
        sa.update(Membership)
        .where(Membership.program_id == program.id, Membership.employee_id == person.id)
        .values(**values)
    )
    db.commit()
    db.expire_all()


def set_program(db, program, **values) -> None:
    """Change a program with a plain UPDATE (no service switches mentoring yet)."""
    db.execute(sa.update(Program).where(Program.id == program.id).values(**values))
    db.commit()
    db.expire_all()


# ---------------------------------------------------------------- the two directions


def test_mentee_asks_mentor_and_the_mentor_accepts(db, program, cast):
    mel, mona = cast["mel"], cast["mona"]

    sent = ask(db, program, mel, mona, message="Could you mentor me?")

    assert sent.told == {mel.id, mona.id} and sent.mutual is False
    assert request_rows(db) == [(mel.id, mona.id, MENTORING, mona.id, PENDING)]
    assert pairing_rows(db) == []
    assert history_of(db, sent.request) == [(mel.id, None, PENDING)]

    accepted = accept(db, sent.request, mona)

    assert accepted.pairing is not None
    assert request_rows(db) == [(mel.id, mona.id, MENTORING, mona.id, ACCEPTED)]
    assert pairing_rows(db) == [
        (*low_high(mel, mona), MENTORING, mona.id, "active", sent.request.id)
    ]
    assert history_of(db, sent.request) == [(mel.id, None, PENDING), (mona.id, PENDING, ACCEPTED)]


def test_mentor_offers_to_mentee_and_the_mentee_accepts(db, program, cast):
    mona, mel = cast["mona"], cast["mel"]

    sent = offer(db, program, mona, mel)
    assert request_rows(db) == [(mona.id, mel.id, MENTORING, mona.id, PENDING)]

    accept(db, sent.request, mel)

    assert request_rows(db) == [(mona.id, mel.id, MENTORING, mona.id, ACCEPTED)]
    assert pairing_rows(db) == [
        (*low_high(mel, mona), MENTORING, mona.id, "active", sent.request.id)
    ]


@pytest.mark.parametrize("direction", ["ask", "offer"])
def test_only_the_recipient_answers_a_mentoring_request(db, program, cast, direction):
    mona, mel = cast["mona"], cast["mel"]
    sent = ask(db, program, mel, mona) if direction == "ask" else offer(db, program, mona, mel)
    sender = mel if direction == "ask" else mona

    with pytest.raises(Refused, match="Only the person who received a request can answer it"):
        accept(db, sent.request, sender)

    assert status_of(db, sent.request) == PENDING
    assert pairing_rows(db) == []


@pytest.mark.parametrize(
    ("sender", "recipient", "as_role", "message"),
    [
        # Asking someone who is not a mentor (a peer, a mentee, a mentor of no one).
        ("mel", "pat", "mentee", "That person is not a mentor in this program."),
        ("mel", "mia", "mentee", "That person is not a mentor in this program."),
        # Offering to someone who is not looking for a mentor.
        ("mona", "pat", "mentor", "That person is not looking for a mentor in this program."),
        ("mona", "max", "mentor", "That person is not looking for a mentor in this program."),
        # The sender lacks the role of the side they take.
        ("pat", "mona", "mentee", "Add the mentee role to your profile to ask for a mentor."),
        ("pat", "mel", "mentor", "Add the mentor role to your profile to offer mentoring."),
        ("mel", "mona", "mentor", "Add the mentor role to your profile to offer mentoring."),
        ("mona", "pat", "peer", "Add the peer role to your profile to send peer requests."),
        # A peer request to someone who is only a mentor or a mentee.
        ("pat", "mona", "peer", "That person is not taking part in peer mentorship."),
        ("pat", "mel", "peer", "That person is not taking part in peer mentorship."),
    ],
)
def test_sides_need_the_right_roles(db, program, cast, sender, recipient, as_role, message):
    with pytest.raises(Refused) as refused:
        send(db, program, cast[sender], cast[recipient], as_role)

    assert refused.value.message == message
    assert request_rows(db) == []


@pytest.mark.parametrize(
    "as_role",
    ["admin", 3, None, ["mentor"], ("mentee",), "Mentor", " mentor", "", b"mentor", True],
)
def test_forged_sides_are_refused(db, program, cast, as_role):
    # Morgan holds every role: only the value of as_role can be at fault.
    with pytest.raises(Refused, match="Choose how to pair"):
        send(db, program, cast["morgan"], cast["mia"], as_role)

    assert request_rows(db) == []


def test_mentee_cannot_send_to_themselves_either_way(db, program, cast):
    morgan = cast["morgan"]
    for as_role in ("mentee", "mentor"):
        with pytest.raises(Refused, match="yourself"):
            send(db, program, morgan, morgan, as_role)
    assert request_rows(db) == []


# ---------------------------------------------------------------- mentee places


def test_mentee_places_come_from_mentee_capacity_not_peer_capacity(db, program, cast):
    max_, mel, mia, morgan = cast["max"], cast["mel"], cast["mia"], cast["morgan"]
    # No peer place left, two mentee places.
    set_member(db, program, max_, capacity=0, mentee_capacity=2)

    for mentee in (mel, mia):
        accept(db, ask(db, program, mentee, max_).request, max_)

    assert sorted(p[3] for p in pairing_rows(db)) == [max_.id, max_.id]
    with pytest.raises(Refused) as refused:
        ask(db, program, morgan, max_)
    assert refused.value.message == "Max Both has no places left for another mentee right now."
    with pytest.raises(Refused) as refused:
        offer(db, program, max_, morgan)
    assert refused.value.message == (
        "You have no mentee places left (2 of 2 used). End a pairing or raise your capacity "
        "on your profile first."
    )
    # Peer places are a separate count: none are used, none are left.
    with pytest.raises(Refused, match=r"You have no places left \(0 of 0 used\)"):
        send(db, program, max_, cast["pat"], places.PEER)
    assert [r[4] for r in request_rows(db)] == [ACCEPTED, ACCEPTED]
    assert len(pairing_rows(db)) == 2


def test_mentor_with_no_mentee_places_still_pairs_as_a_peer(db, program, cast):
    max_, pat, mia = cast["max"], cast["pat"], cast["mia"]
    set_member(db, program, max_, mentee_capacity=0)

    with pytest.raises(Refused, match="no places left for another mentee"):
        ask(db, program, mia, max_)
    peer = send(db, program, pat, max_, places.PEER)
    accept(db, peer.request, max_)

    assert request_rows(db) == [(pat.id, max_.id, PEER, None, ACCEPTED)]
    assert pairing_rows(db) == [(*low_high(pat, max_), PEER, None, "active", peer.request.id)]


def test_a_mentee_takes_no_place(db, program, cast):
    mia, mona, max_, morgan = cast["mia"], cast["mona"], cast["max"], cast["morgan"]
    # Mia has no peer place and no mentee place: neither limits being mentored.
    set_member(db, program, mia, capacity=0, mentee_capacity=0)

    for mentor in (mona, max_, morgan):
        accept(db, ask(db, program, mia, mentor).request, mentor)

    assert sorted(p[3] for p in pairing_rows(db)) == sorted([mona.id, max_.id, morgan.id])
    assert [r[4] for r in request_rows(db)] == [ACCEPTED] * 3
    db.expire_all()
    assert places.active_pairings(db, program.id, mia.id, places.MENTEE) == 3
    assert places.active_pairings(db, program.id, mia.id, places.PEER) == 0


def test_filling_the_last_mentee_place_cancels_only_the_mentors_mentoring_requests(
    db, program, cast
):
    morgan, mel, mia, pat, mona, max_ = (
        cast[name] for name in ("morgan", "mel", "mia", "pat", "mona", "max")
    )
    set_member(db, program, morgan, mentee_capacity=1)
    asked = ask(db, program, mel, morgan).request  # Morgan would mentor Mel
    offered = offer(db, program, morgan, mia).request  # Morgan would mentor Mia
    peer_in = send(db, program, pat, morgan, places.PEER).request
    peer_out = send(db, program, morgan, mia, places.PEER).request
    mentee_side = ask(db, program, morgan, mona).request  # Morgan as a mentee
    elsewhere = ask(db, program, mel, max_).request  # Mel asks another mentor too

    accepted = accept(db, asked, morgan)

    assert status_of(db, asked) == ACCEPTED
    assert status_of(db, offered) == CANCELLED
    for untouched in (peer_in, peer_out, mentee_side, elsewhere):
        assert status_of(db, untouched) == PENDING
    cancelled = reload(db, PeerRequest, offered.id)
    assert cancelled.close_reason == "Morgan All has no places left for another mentee."
    assert cancelled.closed_by_id is None
    assert history_of(db, offered) == [(morgan.id, None, PENDING), (None, PENDING, CANCELLED)]
    assert accepted.told == {mel.id, morgan.id, mia.id}
    assert pairing_rows(db) == [(*low_high(mel, morgan), MENTORING, morgan.id, "active", asked.id)]


def test_accept_is_refused_when_the_mentor_has_no_place_left(db, program, cast):
    mona, mel, mia = cast["mona"], cast["mel"], cast["mia"]
    to_mel = offer(db, program, mona, mel).request
    from_mia = ask(db, program, mia, mona).request
    # Places taken away behind the services' back: both requests are still pending.
    set_member(db, program, mona, mentee_capacity=0)

    with pytest.raises(Refused) as refused:
        accept(db, to_mel, mel)
    assert refused.value.message == "Mona Mentor has no places left for another mentee right now."
    with pytest.raises(Refused, match=r"no mentee places left \(0 of 0 used\)"):
        accept(db, from_mia, mona)

    assert [r[4] for r in request_rows(db)] == [PENDING, PENDING]
    assert pairing_rows(db) == []


def test_ending_a_mentoring_pairing_frees_the_mentee_place(db, program, cast):
    from peerapp.services import pairings

    mona, mel, mia = cast["mona"], cast["mel"], cast["mia"]
    set_member(db, program, mona, mentee_capacity=1)
    first = accept(db, ask(db, program, mel, mona).request, mona).pairing
    with pytest.raises(Refused, match="no places left for another mentee"):
        ask(db, program, mia, mona)

    pairings.end_pairing(db, pairing_id=first.id, actor_id=mel.id, outcome="completed")
    again = ask(db, program, mia, mona).request

    assert status_of(db, again) == PENDING
    assert [p[4] for p in pairing_rows(db)] == ["ended"]


# ---------------------------------------------------------------- two kinds between two people


def test_peers_and_mentoring_between_the_same_two_people_coexist(db, program, cast):
    morgan, mia = cast["morgan"], cast["mia"]

    peer = send(db, program, morgan, mia, places.PEER).request
    mentoring = ask(db, program, mia, morgan).request
    assert request_rows(db) == [
        (morgan.id, mia.id, PEER, None, PENDING),
        (mia.id, morgan.id, MENTORING, morgan.id, PENDING),
    ]
    # One pending request per pair and kind.
    with pytest.raises(Refused, match="already have a pending request to Mia Both"):
        send(db, program, morgan, mia, places.PEER)
    with pytest.raises(Refused, match="already have a pending request to Morgan All"):
        ask(db, program, mia, morgan)

    accept(db, peer, mia)
    accept(db, mentoring, morgan)

    pair = low_high(morgan, mia)
    assert pairing_rows(db) == [
        (*pair, PEER, None, "active", peer.id),
        (*pair, MENTORING, morgan.id, "active", mentoring.id),
    ]
    # One active pairing per pair and kind, whoever would mentor.
    with pytest.raises(Refused, match="You are already peers with Mia Both"):
        send(db, program, morgan, mia, places.PEER)
    with pytest.raises(Refused, match="You and Morgan All already have a mentoring pairing"):
        ask(db, program, mia, morgan)
    programs.set_roles(db, program_id=program.id, employee_id=mia.id, roles={"mentor", "peer"})
    db.commit()
    with pytest.raises(Refused, match="You and Morgan All already have a mentoring pairing"):
        offer(db, program, mia, morgan)
    assert len(request_rows(db)) == 2 and len(pairing_rows(db)) == 2
    db.expire_all()
    # The peer pairing uses a peer place of each; the mentoring one a mentee place of Morgan's.
    assert places.active_pairings(db, program.id, morgan.id, places.PEER) == 1
    assert places.active_pairings(db, program.id, morgan.id, places.MENTOR) == 1
    assert places.active_pairings(db, program.id, mia.id, places.PEER) == 1
    assert places.active_pairings(db, program.id, mia.id, places.MENTOR) == 0


@pytest.mark.parametrize("first", ["ask", "offer"])
def test_mutual_mentoring_request_pairs_at_once(db, program, cast, first):
    mona, mel = cast["mona"], cast["mel"]
    if first == "ask":
        original = ask(db, program, mel, mona).request
        answer = offer(db, program, mona, mel)
        first_sender, answerer = mel, mona
    else:
        original = offer(db, program, mona, mel).request
        answer = ask(db, program, mel, mona)
        first_sender, answerer = mona, mel

    assert answer.mutual is True and answer.request.id == original.id
    assert answer.told == {mona.id, mel.id}
    assert request_rows(db) == [(first_sender.id, answerer.id, MENTORING, mona.id, ACCEPTED)]
    assert pairing_rows(db) == [(*low_high(mona, mel), MENTORING, mona.id, "active", original.id)]
    assert history_of(db, original) == [
        (first_sender.id, None, PENDING),
        (answerer.id, PENDING, ACCEPTED),
    ]


def test_mentoring_request_in_the_opposite_direction_is_refused_while_the_first_is_pending(
    db, program, cast
):
    morgan, max_ = cast["morgan"], cast["max"]
    programs.set_roles(db, program_id=program.id, employee_id=max_.id, roles={"mentor", "mentee"})
    db.commit()
    first = ask(db, program, morgan, max_).request  # Morgan asks Max to mentor Morgan

    with pytest.raises(Refused) as refused:
        ask(db, program, max_, morgan)  # Max asks Morgan to mentor Max
    assert refused.value.message == (
        "Morgan All has already sent you a mentoring request: answer it in your inbox first."
    )
    with pytest.raises(Refused, match="already have a pending request to Max Both"):
        offer(db, program, morgan, max_)  # Morgan offers to mentor Max: still Morgan's turn
    assert request_rows(db) == [(morgan.id, max_.id, MENTORING, max_.id, PENDING)]

    requests.decline_request(db, request_id=first.id, actor_id=max_.id)
    second = ask(db, program, max_, morgan).request

    assert request_rows(db) == [
        (morgan.id, max_.id, MENTORING, max_.id, DECLINED),
        (max_.id, morgan.id, MENTORING, morgan.id, PENDING),
    ]
    assert second.mentor_id == morgan.id
    assert pairing_rows(db) == []


def test_a_peer_request_back_is_no_answer_to_a_mentoring_request(db, program, cast):
    morgan, mia = cast["morgan"], cast["mia"]
    mentoring = ask(db, program, mia, morgan).request

    peer = send(db, program, morgan, mia, places.PEER)

    assert peer.mutual is False
    assert status_of(db, mentoring) == PENDING
    assert [r[2:] for r in request_rows(db)] == [
        (MENTORING, morgan.id, PENDING),
        (PEER, None, PENDING),
    ]
    assert pairing_rows(db) == []


def test_open_request_limit_counts_requests_of_every_kind(db, program, cast):
    morgan = cast["morgan"]
    set_program(db, program, open_request_limit=2)
    send(db, program, morgan, cast["pat"], places.PEER)
    ask(db, program, morgan, cast["mona"])

    with pytest.raises(Refused, match="You have 2 of 2 open requests"):
        offer(db, program, morgan, cast["mel"])
    with pytest.raises(Refused, match="You have 2 of 2 open requests"):
        send(db, program, morgan, cast["mia"], places.PEER)
    assert [r[2] for r in request_rows(db)] == [PEER, MENTORING]


def test_a_paused_mentor_receives_no_new_mentoring_requests(db, program, cast):
    mona, mel, mia = cast["mona"], cast["mel"], cast["mia"]
    offered = offer(db, program, mona, mia).request
    set_member(db, program, mona, paused=True)

    with pytest.raises(Refused) as refused:
        ask(db, program, mel, mona)
    assert refused.value.message == "Mona Mentor is not taking new mentoring requests right now."
    # Pausing stops new requests only: Mona still offers, and Mia's yes to her offer pairs.
    offer(db, program, mona, mel)
    assert ask(db, program, mia, mona).mutual is True

    assert request_rows(db) == [
        (mona.id, mia.id, MENTORING, mona.id, ACCEPTED),
        (mona.id, mel.id, MENTORING, mona.id, PENDING),
    ]
    assert pairing_rows(db) == [(*low_high(mona, mia), MENTORING, mona.id, "active", offered.id)]


# ---------------------------------------------------------------- switching a kind off


def test_mentoring_off_refuses_mentoring_but_leaves_peer_requests_alone(db, program, cast):
    morgan, mia, pat, mel = cast["morgan"], cast["mia"], cast["pat"], cast["mel"]
    mentoring = ask(db, program, mia, morgan).request
    peer = send(db, program, pat, morgan, places.PEER).request
    set_program(db, program, mentoring_enabled=False)

    off = "Mentor–mentee pairing is turned off in this program."
    with pytest.raises(Refused) as refused:
        ask(db, program, mel, morgan)
    assert refused.value.message == off
    with pytest.raises(Refused, match=off):
        accept(db, mentoring, morgan)
    with pytest.raises(Refused, match=off):
        offer(db, program, morgan, mia)  # would be a yes to Mia's request
    assert status_of(db, mentoring) == PENDING

    accept(db, peer, morgan)
    send(db, program, mia, pat, places.PEER)

    assert request_rows(db) == [
        (mia.id, morgan.id, MENTORING, morgan.id, PENDING),
        (pat.id, morgan.id, PEER, None, ACCEPTED),
        (mia.id, pat.id, PEER, None, PENDING),
    ]
    assert pairing_rows(db) == [(*low_high(pat, morgan), PEER, None, "active", peer.id)]

    set_program(db, program, mentoring_enabled=True)
    accept(db, mentoring, morgan)
    assert status_of(db, mentoring) == ACCEPTED


def test_peer_mentorship_off_refuses_peer_requests_but_leaves_mentoring_alone(db, program, cast):
    morgan, mia, pat, mel = cast["morgan"], cast["mia"], cast["pat"], cast["mel"]
    mentoring = ask(db, program, mia, morgan).request
    peer = send(db, program, pat, morgan, places.PEER).request
    set_program(db, program, peer_mentorship_enabled=False)

    with pytest.raises(Refused, match=requests.PEER_MENTORSHIP_OFF):
        send(db, program, mia, pat, places.PEER)
    with pytest.raises(Refused, match=requests.PEER_MENTORSHIP_OFF):
        accept(db, peer, morgan)
    with pytest.raises(Refused, match=requests.PEER_MENTORSHIP_OFF):
        send(db, program, morgan, pat, places.PEER)  # would be a yes to Pat's request

    accept(db, mentoring, morgan)
    ask(db, program, mel, morgan)

    assert request_rows(db) == [
        (mia.id, morgan.id, MENTORING, morgan.id, ACCEPTED),
        (pat.id, morgan.id, PEER, None, PENDING),
        (mel.id, morgan.id, MENTORING, morgan.id, PENDING),
    ]
    assert [p[2] for p in pairing_rows(db)] == [MENTORING]


def test_admin_turning_peer_mentorship_off_cancels_only_peer_requests(db, program, cast):
    morgan, mia, pat = cast["morgan"], cast["mia"], cast["pat"]
    ann = make_person(db, program, "Ann Admin", roles=(), admin=True)
    mentoring = ask(db, program, mia, morgan).request
    peer = send(db, program, pat, morgan, places.PEER).request

    change = admin.update_program_settings(
        db, actor_id=ann.id, program_id=program.id, peer_mentorship_enabled=False
    )

    assert change.told == {pat.id, morgan.id}
    assert status_of(db, peer) == CANCELLED
    assert status_of(db, mentoring) == PENDING
    accept(db, mentoring, morgan)
    assert [p[2] for p in pairing_rows(db)] == [MENTORING]


# ---------------------------------------------------------------- cohorts


COHORT_START, COHORT_END = date(2031, 6, 1), date(2031, 6, 30)


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.fixture
def cohort(db, cast):
    made = programs.create_program(
        db, "Summer cohort", kind="cohort", starts_on=COHORT_START, ends_on=COHORT_END
    )
    cohort_roles = (
        ("mel", {"mentee"}),
        ("mona", {"mentor"}),
        ("pat", {"peer"}),
        ("mia", {"peer", "mentee"}),
    )
    for person, roles in cohort_roles:
        programs.set_roles(db, program_id=made.id, employee_id=cast[person].id, roles=roles)
    db.commit()
    return made


def test_cohort_takes_requests_only_between_its_dates(db, cohort, cast):
    mel, mona, mia = cast["mel"], cast["mona"], cast["mia"]

    with frozen_at(at(COHORT_START - timedelta(days=1), 23)), pytest.raises(Refused) as refused:
        ask(db, cohort, mel, mona)
    assert refused.value.message == "Summer cohort starts on 1 June 2031: requests open then."
    assert request_rows(db) == []

    with frozen_at(at(COHORT_START, 0)):
        first = ask(db, cohort, mel, mona).request
        accept(db, first, mona)
    with frozen_at(at(COHORT_END, 23)):
        last = offer(db, cohort, mona, mia).request
        accept(db, last, mia)
    assert request_rows(db) == [
        (mel.id, mona.id, MENTORING, mona.id, ACCEPTED),
        (mona.id, mia.id, MENTORING, mona.id, ACCEPTED),
    ]

    with frozen_at(at(COHORT_END + timedelta(days=1), 0)), pytest.raises(Refused) as refused:
        ask(db, cohort, cast["pat"], mona)
    assert refused.value.message == "Summer cohort ended on 30 June 2031."
    assert len(request_rows(db)) == 2 and len(pairing_rows(db)) == 2


def test_cohort_refuses_accepting_after_its_end(db, cohort, cast):
    mel, mona = cast["mel"], cast["mona"]
    with frozen_at(at(COHORT_END - timedelta(days=1))):
        pending = offer(db, cohort, mona, mel).request

    with frozen_at(at(COHORT_END + timedelta(days=1))), pytest.raises(Refused, match="ended on"):
        accept(db, pending, mel)

    assert request_rows(db) == [(mona.id, mel.id, MENTORING, mona.id, PENDING)]
    assert pairing_rows(db) == []


def test_cohort_starts_with_peer_mentorship_off(db, cohort, cast):
    with frozen_at(at(COHORT_START)), pytest.raises(Refused, match=requests.PEER_MENTORSHIP_OFF):
        send(db, cohort, cast["pat"], cast["mia"], places.PEER)
    assert request_rows(db) == []


# ---------------------------------------------------------------- themes


def themes_of(db, request) -> str:
    return reload(db, PeerRequest, request.id).themes


def test_themes_are_stored_one_a_line_in_the_programs_order(db, program, cast):
    chosen = [THEMES[3], THEMES[0], f"  {THEMES[1]} "]

    sent = ask(db, program, cast["mel"], cast["mona"], themes=chosen).request

    assert themes_of(db, sent) == "\n".join([THEMES[0], THEMES[1], THEMES[3]])


def test_themes_may_come_as_lines_of_text_and_repeat(db, program, cast):
    text = f"{THEMES[2]}\n\n{THEMES[2]}\n{THEMES[4]}\n"

    sent = send(db, program, cast["pat"], cast["mia"], places.PEER, themes=text).request

    assert themes_of(db, sent) == f"{THEMES[2]}\n{THEMES[4]}"


def test_no_themes_is_fine(db, program, cast):
    sent = offer(db, program, cast["mona"], cast["mel"]).request
    assert themes_of(db, sent) == ""


@pytest.mark.parametrize(
    ("themes", "message"),
    [
        (["Underwater basket weaving"], "Themes: choose from the program's themes."),
        ([THEMES[0], "Made up"], "Themes: choose from the program's themes."),
        ([THEMES[0].upper()], "Themes: choose from the program's themes."),
        ([THEMES[0], None], "Themes: choose from the program's themes."),
        ([["nested"]], "Themes: choose from the program's themes."),
        (THEMES[:4], "Choose at most 3 themes."),
        (42, "Themes must be a list."),
        ({THEMES[0]}, "Themes must be a list."),
        (None, "Themes must be a list."),
    ],
)
def test_themes_outside_the_program_or_too_many_are_refused(db, program, cast, themes, message):
    with pytest.raises(Refused) as refused:
        ask(db, program, cast["mel"], cast["mona"], themes=themes)

    assert refused.value.message == message
    assert request_rows(db) == []


def test_themes_are_the_requests_own_programs(db, program, cast):
    other = programs.create_program(db, "Data guild")
    set_program(db, other, themes="Query tuning\nDashboards")
    for person, roles in (("mel", {"mentee"}), ("mona", {"mentor"})):
        programs.set_roles(db, program_id=other.id, employee_id=cast[person].id, roles=roles)
    db.commit()

    with pytest.raises(Refused, match="choose from the program's themes"):
        ask(db, program, cast["mel"], cast["mona"], themes=["Dashboards"])
    with pytest.raises(Refused, match="choose from the program's themes"):
        ask(db, other, cast["mel"], cast["mona"], themes=[THEMES[0]])
    sent = ask(db, other, cast["mel"], cast["mona"], themes=["Dashboards", "Query tuning"])

    assert themes_of(db, sent.request) == "Query tuning\nDashboards"
    assert [r.program_id for r in db.exec(select(PeerRequest)).all()] == [other.id]


# ---------------------------------------------------------------- two programs


@pytest.fixture
def guild(db):
    return programs.create_program(db, "Data guild")


def join(db, program, person, *roles: str, **values) -> None:
    programs.set_roles(db, program_id=program.id, employee_id=person.id, roles=set(roles))
    db.commit()
    if values:
        set_member(db, program, person, **values)


def test_roles_in_another_program_do_not_count(db, program, guild, cast):
    mel, pat = cast["mel"], cast["pat"]
    # Pat mentors in the guild only; Mel is a mentee in the default program only.
    join(db, guild, pat, "mentor")

    with pytest.raises(Refused, match="not a mentor in this program"):
        ask(db, program, mel, pat)
    with pytest.raises(Refused, match="Add the mentee role"):
        ask(db, guild, mel, pat)
    with pytest.raises(Refused, match="Add the mentor role"):
        offer(db, program, pat, mel)
    assert request_rows(db) == []


def test_places_and_pending_requests_are_counted_per_program(db, program, guild, cast):
    mel, mona = cast["mel"], cast["mona"]
    join(db, guild, mel, "mentee")
    join(db, guild, mona, "mentor", mentee_capacity=1)
    set_member(db, program, mona, mentee_capacity=1)

    in_guild = ask(db, guild, mel, mona).request
    # A pending request in the guild neither blocks nor answers one in the default program.
    offered = offer(db, program, mona, mel)
    assert offered.mutual is False
    accept(db, in_guild, mona)
    # Mona's one mentee place in the guild is taken; the one in the default program is free.
    assert status_of(db, offered.request) == PENDING
    accept(db, offered.request, mel)

    db.commit()
    db.expire_all()
    rows = db.exec(select(PeerRequest).order_by(PeerRequest.id)).all()
    assert [(r.program_id, r.status) for r in rows] == [
        (guild.id, ACCEPTED),
        (program.id, ACCEPTED),
    ]
    pairs = db.exec(select(Pairing).order_by(Pairing.id)).all()
    assert [(p.program_id, p.mentor_id, p.status) for p in pairs] == [
        (guild.id, mona.id, "active"),
        (program.id, mona.id, "active"),
    ]


def test_filling_places_cancels_requests_of_that_program_only(db, program, guild, cast):
    mel, mia, mona = cast["mel"], cast["mia"], cast["mona"]
    for person in (mel, mia):
        join(db, guild, person, "mentee")
    join(db, guild, mona, "mentor")
    set_member(db, program, mona, mentee_capacity=1)
    asked = ask(db, program, mel, mona).request
    other_here = ask(db, program, mia, mona).request
    in_guild = ask(db, guild, mia, mona).request

    accept(db, asked, mona)

    assert status_of(db, other_here) == CANCELLED
    assert status_of(db, in_guild) == PENDING


def test_pause_and_open_request_limit_are_per_program(db, program, guild, cast):
    mel, mona, mia = cast["mel"], cast["mona"], cast["mia"]
    join(db, guild, mel, "mentee")
    join(db, guild, mona, "mentor", paused=True)
    join(db, guild, mia, "mentor")
    join(db, guild, cast["morgan"], "mentor")
    set_program(db, guild, open_request_limit=1)

    with pytest.raises(Refused, match="not taking new mentoring requests"):
        ask(db, guild, mel, mona)
    ask(db, program, mel, mona)  # paused in the guild only
    ask(db, program, mel, cast["max"])  # two open in the default program...
    ask(db, guild, mel, mia)  # ...do not use the guild's one slot
    with pytest.raises(Refused, match="You have 1 of 1 open requests"):
        ask(db, guild, mel, cast["morgan"])

    db.commit()
    db.expire_all()
    rows = db.exec(select(PeerRequest).order_by(PeerRequest.id)).all()
    assert [(r.program_id, r.recipient_id, r.status) for r in rows] == [
        (program.id, mona.id, PENDING),
        (program.id, cast["max"].id, PENDING),
        (guild.id, mia.id, PENDING),
    ]


def test_a_request_of_one_program_cannot_be_answered_by_a_send_in_another(db, program, guild, cast):
    mel, mona = cast["mel"], cast["mona"]
    join(db, guild, mel, "mentee")
    join(db, guild, mona, "mentor")
    here = ask(db, program, mel, mona).request
    there = offer(db, guild, mona, mel)

    assert there.mutual is False
    assert status_of(db, here) == PENDING
    db.expire_all()
    rows = db.exec(select(PeerRequest).order_by(PeerRequest.id)).all()
    assert [(r.program_id, r.status) for r in rows] == [(program.id, PENDING), (guild.id, PENDING)]
    assert pairing_rows(db) == []


# ---------------------------------------------------------------- profile changes


def test_dropping_the_peer_role_cancels_only_peer_requests(db, program, cast):
    from lifecycle_helpers import save_profile

    morgan, pat, mel = cast["morgan"], cast["pat"], cast["mel"]
    peer = send(db, program, pat, morgan, places.PEER).request
    mentoring_in = ask(db, program, mel, morgan).request
    mentoring_out = ask(db, program, morgan, cast["mona"]).request

    saved = save_profile(db, program, morgan, roles=["mentee", "mentor"])

    assert saved.told == {pat.id, morgan.id}
    assert status_of(db, peer) == CANCELLED
    assert status_of(db, mentoring_in) == PENDING
    assert status_of(db, mentoring_out) == PENDING
    accept(db, mentoring_in, morgan)
    assert pairing_rows(db) == [
        (*low_high(mel, morgan), MENTORING, morgan.id, "active", mentoring_in.id)
    ]


def test_no_peer_place_left_cancels_only_peer_requests(db, program, cast):
    from lifecycle_helpers import save_profile

    morgan, pat, mel = cast["morgan"], cast["pat"], cast["mel"]
    peer = send(db, program, morgan, pat, places.PEER).request
    mentoring = offer(db, program, morgan, mel).request

    saved = save_profile(db, program, morgan, capacity=0)

    assert saved.told == {pat.id, morgan.id}
    assert status_of(db, peer) == CANCELLED
    assert status_of(db, mentoring) == PENDING
    accept(db, mentoring, mel)
    assert [p[2] for p in pairing_rows(db)] == [MENTORING]


def test_dropping_the_mentor_role_cancels_only_requests_in_which_one_would_mentor(
    db, program, cast
):
    from lifecycle_helpers import save_profile

    morgan, pat, mel, mona = cast["morgan"], cast["pat"], cast["mel"], cast["mona"]
    peer = send(db, program, pat, morgan, places.PEER).request
    would_mentor = ask(db, program, mel, morgan).request
    would_be_mentored = ask(db, program, morgan, mona).request

    saved = save_profile(db, program, morgan, roles=["mentee", "peer"])

    assert saved.told == {mel.id, morgan.id}
    assert status_of(db, would_mentor) == CANCELLED
    assert reload(db, PeerRequest, would_mentor.id).close_reason == (
        "Morgan All is no longer a mentor in this program."
    )
    assert status_of(db, peer) == PENDING
    assert status_of(db, would_be_mentored) == PENDING
    assert pairing_rows(db) == []


def test_no_mentee_place_left_cancels_only_requests_in_which_one_would_mentor(db, program, cast):
    from lifecycle_helpers import save_profile

    morgan, pat, mel, mona = cast["morgan"], cast["pat"], cast["mel"], cast["mona"]
    peer = send(db, program, morgan, pat, places.PEER).request
    offered = offer(db, program, morgan, mel).request
    would_be_mentored = ask(db, program, morgan, mona).request

    saved = save_profile(db, program, morgan, mentee_capacity=0)

    assert saved.told == {mel.id, morgan.id}
    assert saved.profile.mentee_capacity == 0
    assert status_of(db, offered) == CANCELLED
    assert status_of(db, peer) == PENDING
    assert status_of(db, would_be_mentored) == PENDING


# ---------------------------------------------------------------- the unique indexes decide


def test_a_pairing_found_only_by_the_unique_index_is_refused_in_words(db, program, cast):
    mel, mona = cast["mel"], cast["mona"]
    asked = ask(db, program, mel, mona).request
    # The pairing a racing transaction committed after this accept read its facts.
    low, high = low_high(mel, mona)
    db.add(
        Pairing(
            program_id=program.id,
            person_low_id=low,
            person_high_id=high,
            kind=MENTORING,
            mentor_id=mona.id,
        )
    )
    db.commit()

    with pytest.raises(Refused) as refused:
        accept(db, asked, mona)

    assert refused.value.message == "You two already have a mentoring pairing."
    assert request_rows(db) == [(mel.id, mona.id, MENTORING, mona.id, PENDING)]
    assert [p[5] for p in pairing_rows(db)] == [None]
    assert history_of(db, asked) == [(mel.id, None, PENDING)]


def test_a_request_found_only_by_the_unique_index_is_refused_in_words(
    db, program, cast, monkeypatch
):
    mel, mona = cast["mel"], cast["mona"]
    ask(db, program, mel, mona)
    real = places.send_facts

    def facts_read_before_it_landed(*args, **kwargs):
        return dataclasses.replace(real(*args, **kwargs), pending_id=None)

    monkeypatch.setattr(places, "send_facts", facts_read_before_it_landed)
    with pytest.raises(Refused) as refused:
        offer(db, program, mona, mel)

    assert refused.value.message == "There is already a pending request between you and Mel Mentee."
    assert request_rows(db) == [(mel.id, mona.id, MENTORING, mona.id, PENDING)]
    assert pairing_rows(db) == []
