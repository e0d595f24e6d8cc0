"""Request lifecycle: final states, mutual requests, open-request limit, expiry, admin cancel."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from lifecycle_helpers import (
    ACCEPTED,
    CANCELLED,
    DECLINED,
    EXPIRED,
    PENDING,
    T0,
    WITHDRAWN,
    act,
    active_pairings,
    all_pairings,
    event_count,
    events,
    pair_of,
    pending_sent_by,
    request_count,
    request_row,
    save_profile,
    status_of,
)
from service_helpers import make_person, send
from sqlalchemy.exc import IntegrityError
from sqlmodel import func, select

from peerapp import cli, models
from peerapp.clock import frozen_at
from peerapp.db import make_engine
from peerapp.models import Membership, Pairing, PeerRequest, Program, RequestStatus
from peerapp.services import Refused, admin, history, inbox, programs, requests
from peerapp.state import wording


@pytest.fixture
def crowd(db, program):
    """Alice and seven more peers to send requests to."""
    alice = make_person(db, program, "Alice Archer")
    others = [make_person(db, program, f"Peer Number{i}") for i in range(7)]
    return alice, others


def test_statuses_are_exactly_the_lifecycle(db):
    assert {s.value for s in RequestStatus} == {
        PENDING,
        ACCEPTED,
        DECLINED,
        WITHDRAWN,
        EXPIRED,
        CANCELLED,
    }


def test_database_refuses_an_unknown_status(db, program, people):
    sent = send(db, program, people["alice"], people["bob"])
    with pytest.raises(IntegrityError):
        db.execute(sa.update(PeerRequest).where(PeerRequest.id == sent.id).values(status="lost"))
        db.commit()
    db.rollback()
    assert status_of(db, sent.id) == PENDING


# ---------------------------------------------------------------- no way out of a final state


def _finish(db, program, people, sent, final: str) -> None:
    alice, bob, boss = people["alice"], people["bob"], people["admin"]
    if final == ACCEPTED:
        act(db, "accept", sent.id, bob.id)
    elif final == DECLINED:
        act(db, "decline", sent.id, bob.id, reason="Busy")
    elif final == WITHDRAWN:
        act(db, "withdraw", sent.id, alice.id)
    elif final == CANCELLED:
        act(db, "cancel", sent.id, boss.id, reason="Duplicate of an older request")
    else:
        with frozen_at(T0 + timedelta(days=program.request_expiry_days)):
            requests.expire_due(db)


FINAL_STATES = [ACCEPTED, DECLINED, WITHDRAWN, EXPIRED, CANCELLED]
ACTIONS = ["accept", "decline", "withdraw", "cancel", "expire"]


@pytest.mark.parametrize("final", FINAL_STATES)
@pytest.mark.parametrize("then", ACTIONS)
def test_no_transition_out_of_any_final_state(db, program, people, final, then):
    alice, bob, boss = people["alice"], people["bob"], people["admin"]
    with frozen_at(T0):
        sent = send(db, program, alice, bob)
    _finish(db, program, people, sent, final)
    before = request_row(db, sent.id)
    snapshot = (before.status, before.closed_at, before.closed_by_id, before.close_reason)
    assert before.status == final
    history_before = events(db, sent.id)
    pairings_before = [(p.id, p.status) for p in all_pairings(db)]

    later = T0 + timedelta(days=60)
    with frozen_at(later):
        if then == "expire":
            assert requests.expire_due(db).told == set()
        else:
            actor = {"accept": bob, "decline": bob, "withdraw": alice, "cancel": boss}[then]
            with pytest.raises(Refused) as refused:
                act(db, then, sent.id, actor.id, reason="Again")
            assert "no longer pending" in refused.value.message
            if then != "cancel":
                assert refused.value.message.endswith(f"it was {final}.")

    after = request_row(db, sent.id)
    assert (after.status, after.closed_at, after.closed_by_id, after.close_reason) == snapshot
    assert events(db, sent.id) == history_before
    assert [(p.id, p.status) for p in all_pairings(db)] == pairings_before


# ---------------------------------------------------------------- mutual requests


def test_mutual_request_writes_one_acceptance_and_no_second_request(db, program, people):
    alice, bob = people["alice"], people["bob"]
    first = send(db, program, alice, bob)

    outcome = requests.send_request(
        db, program_id=program.id, sender_id=bob.id, recipient_id=alice.id
    )

    assert outcome.mutual and outcome.request.id == first.id
    assert request_count(db) == 1
    assert events(db, first.id) == [
        (alice.id, None, PENDING, ""),
        (bob.id, PENDING, ACCEPTED, ""),
    ]
    [pairing] = active_pairings(db)
    assert pair_of(pairing) == {alice.id, bob.id}
    # Now they are peers: neither can ask again.
    for sender, recipient in ((alice, bob), (bob, alice)):
        with pytest.raises(Refused, match="already peers"):
            send(db, program, sender, recipient)


def test_mutual_request_needs_a_free_place_for_the_one_asking_back(db, program, people):
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    first = send(db, program, alice, bob)
    # Bob fills his only place elsewhere; that cancels Alice's request (fill rule) ...
    save_profile(db, program, bob, capacity=1)
    act(db, "accept", send(db, program, carol, bob).id, bob.id)
    assert status_of(db, first.id) == CANCELLED

    # ... so asking back is now an ordinary new request, refused for lack of room.
    with pytest.raises(Refused, match=r"You have no places left \(1 of 1 used\)"):
        send(db, program, bob, alice)
    assert [p for p in active_pairings(db) if alice.id in pair_of(p)] == []
    assert request_count(db) == 2


def test_mutual_request_is_checked_against_capacity_under_lock(db, program, people):
    """If the asker-back is full although the request survived, the mutual yes is refused."""
    alice, bob = people["alice"], people["bob"]
    first = send(db, program, alice, bob)
    db.execute(
        sa.update(Membership)
        .where(Membership.program_id == program.id, Membership.employee_id == bob.id)
        .values(capacity=0)
    )
    db.commit()

    with pytest.raises(Refused, match="You have no places left"):
        send(db, program, bob, alice)

    assert status_of(db, first.id) == PENDING
    assert active_pairings(db) == []
    assert request_count(db) == 1


def test_mutual_request_is_allowed_at_the_open_request_limit(db, program, crowd):
    """Asking back accepts a request; it does not open a new one."""
    alice, others = crowd
    incoming = send(db, program, others[5], alice)
    for other in others[:5]:
        send(db, program, alice, other)
    with pytest.raises(Refused, match="5 of 5"):
        send(db, program, alice, others[6])

    outcome = requests.send_request(
        db, program_id=program.id, sender_id=alice.id, recipient_id=others[5].id
    )

    assert outcome.mutual
    assert status_of(db, incoming.id) == ACCEPTED
    assert pending_sent_by(db, program, alice) == 5


def test_mutual_request_to_a_paused_member_who_asked_first_pairs(db, program, people):
    """Pause stops new requests; it does not stop saying yes to the paused person's own ask."""
    alice, bob = people["alice"], people["bob"]
    first = send(db, program, alice, bob)
    save_profile(db, program, alice, paused=True)

    outcome = requests.send_request(
        db, program_id=program.id, sender_id=bob.id, recipient_id=alice.id
    )

    assert outcome.mutual
    assert status_of(db, first.id) == ACCEPTED
    assert len(active_pairings(db)) == 1


# ---------------------------------------------------------------- open-request limit


def test_sixth_open_request_is_refused_with_five_of_five(db, program, crowd):
    alice, others = crowd
    assert db.get(Program, program.id).open_request_limit == models.DEFAULT_OPEN_REQUEST_LIMIT
    for other in others[:5]:
        send(db, program, alice, other)

    with pytest.raises(Refused) as refused:
        send(db, program, alice, others[5])

    assert "5 of 5" in refused.value.message
    assert "open requests" in refused.value.message
    assert pending_sent_by(db, program, alice) == 5
    assert request_count(db) == 5


@pytest.mark.parametrize("closing", ["withdraw", "decline", "accept", "cancel", "expire"])
def test_closing_an_open_request_frees_a_slot(db, program, crowd, closing):
    alice, others = crowd
    boss = make_person(db, program, "Ann Admin", roles=(), admin=True)
    with frozen_at(T0):
        sent = [send(db, program, alice, other) for other in others[:5]]
    first = sent[0]
    moment = T0 + timedelta(days=1)
    if closing == "withdraw":
        act(db, closing, first.id, alice.id)
    elif closing in ("decline", "accept"):
        act(db, closing, first.id, others[0].id)
    elif closing == "cancel":
        act(db, closing, first.id, boss.id)
    else:
        # Only the first request is due: move its deadline, then sweep.
        db.execute(sa.update(PeerRequest).where(PeerRequest.id == first.id).values(expires_at=T0))
        db.commit()
        with frozen_at(moment):
            requests.expire_due(db)
    assert status_of(db, first.id) != PENDING
    assert pending_sent_by(db, program, alice) == 4

    with frozen_at(moment):
        sixth = send(db, program, alice, others[5])
        with pytest.raises(Refused, match="5 of 5"):
            send(db, program, alice, others[6])
    assert status_of(db, sixth.id) == PENDING


def test_incoming_requests_do_not_count_against_the_limit(db, program, crowd):
    alice, others = crowd
    for other in others[:5]:
        send(db, program, other, alice)
    send(db, program, alice, others[5])
    assert pending_sent_by(db, program, alice) == 1


def test_the_limit_is_counted_per_program(db, program, crowd):
    alice, others = crowd
    other_program = programs.create_program(db, "Second evergreen")
    for person in (alice, *others):
        programs.set_roles(db, program_id=other_program.id, employee_id=person.id, roles={"peer"})
    db.commit()
    for other in others[:5]:
        send(db, program, alice, other)
    # A full program does not block the other one.
    elsewhere = send(db, other_program, alice, others[0])
    assert status_of(db, elsewhere.id) == PENDING


# ---------------------------------------------------------------- expiry


def test_request_deadline_is_created_plus_the_programs_expiry_days(db, program, people):
    with frozen_at(T0):
        sent = send(db, program, people["alice"], people["bob"])
    row = request_row(db, sent.id)
    assert row.created_at == T0
    assert row.expires_at == T0 + timedelta(days=models.DEFAULT_EXPIRY_DAYS)


def test_expire_due_expires_exactly_at_the_deadline(db, program, people):
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    with frozen_at(T0):
        due = send(db, program, alice, bob)
    with frozen_at(T0 + timedelta(days=2)):
        later = send(db, program, carol, alice)
    deadline = T0 + timedelta(days=14)

    with frozen_at(deadline - timedelta(seconds=1)):
        assert requests.expire_due(db).told == set()
    assert (status_of(db, due.id), status_of(db, later.id)) == (PENDING, PENDING)

    with frozen_at(deadline):
        affected = requests.expire_due(db).told

    assert affected == {alice.id, bob.id}
    row = request_row(db, due.id)
    assert row.status == EXPIRED
    assert row.closed_at == deadline
    assert row.closed_by_id is None
    assert row.close_reason == "No answer within 14 days."
    # The one sent later is not due yet.
    assert status_of(db, later.id) == PENDING
    assert events(db, due.id)[-1] == (None, PENDING, EXPIRED, "No answer within 14 days.")
    assert events(db, later.id) == [(carol.id, None, PENDING, "")]


def test_expire_due_is_idempotent(db, program, people):
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    with frozen_at(T0):
        first = send(db, program, alice, bob)
        second = send(db, program, carol, alice)
    with frozen_at(T0 + timedelta(days=20)):
        assert requests.expire_due(db).told == {alice.id, bob.id, carol.id}
        history_size = event_count(db)
        rows = [request_row(db, r.id) for r in (first, second)]
        snapshot = [(r.status, r.closed_at, r.close_reason) for r in rows]

        assert requests.expire_due(db).told == set()

    assert event_count(db) == history_size
    rows = [request_row(db, r.id) for r in (first, second)]
    assert [(r.status, r.closed_at, r.close_reason) for r in rows] == snapshot


def test_expiry_leaves_closed_requests_and_pairings_alone(db, program, people):
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    with frozen_at(T0):
        accepted = send(db, program, alice, bob)
        act(db, "accept", accepted.id, bob.id)
        declined = send(db, program, carol, alice)
        act(db, "decline", declined.id, alice.id, reason="Not now")
    with frozen_at(T0 + timedelta(days=30)):
        assert requests.expire_due(db).told == set()
    assert status_of(db, accepted.id) == ACCEPTED
    assert request_row(db, declined.id).close_reason == "Not now"
    assert len(active_pairings(db)) == 1


def test_expiry_reason_names_the_deadline_the_request_was_sent_with(db, program, people):
    """Changing the program's expiry days later does not rewrite old deadlines or reasons."""
    alice, bob, carol, boss = people["alice"], people["bob"], people["carol"], people["admin"]
    with frozen_at(T0):
        old = send(db, program, alice, bob)
        admin.update_program_settings(
            db,
            actor_id=boss.id,
            program_id=program.id,
            peer_mentorship_enabled=True,
            request_expiry_days=7,
        )
        new = send(db, program, carol, alice)
    assert request_row(db, old.id).expires_at == T0 + timedelta(days=14)
    assert request_row(db, new.id).expires_at == T0 + timedelta(days=7)

    with frozen_at(T0 + timedelta(days=7)):
        assert requests.expire_due(db).told == {carol.id, alice.id}
    assert request_row(db, new.id).close_reason == "No answer within 7 days."
    assert status_of(db, old.id) == PENDING

    with frozen_at(T0 + timedelta(days=14)):
        requests.expire_due(db)
    assert request_row(db, old.id).close_reason == "No answer within 14 days."


def test_one_day_expiry_reads_in_the_singular(db, program, people):
    alice, bob, boss = people["alice"], people["bob"], people["admin"]
    admin.update_program_settings(
        db,
        actor_id=boss.id,
        program_id=program.id,
        peer_mentorship_enabled=True,
        request_expiry_days=1,
    )
    with frozen_at(T0):
        sent = send(db, program, alice, bob)
    with frozen_at(T0 + timedelta(days=1)):
        requests.expire_due(db)
    assert request_row(db, sent.id).close_reason == "No answer within 1 day."


def test_expired_request_reads_as_expired_in_both_inboxes(db, program, people):
    alice, bob = people["alice"], people["bob"]
    with frozen_at(T0):
        sent = send(db, program, alice, bob)
    with frozen_at(T0 + timedelta(days=15)):
        requests.expire_due(db)
        for person in (alice, bob):
            box = inbox.load_inbox(db, program_id=program.id, employee_id=person.id)
            assert box.incoming == [] and box.outgoing == []
            [item] = box.history
            assert item.id == sent.id
            assert (item.status, item.closed_by_id) == (EXPIRED, None)
            assert wording.request_status(item) == "Expired: No answer within 14 days"
            assert wording.request_expires(item, T0 + timedelta(days=15)) == ""


def test_an_expired_pair_can_start_over(db, program, people):
    alice, bob = people["alice"], people["bob"]
    with frozen_at(T0):
        first = send(db, program, alice, bob)
    with frozen_at(T0 + timedelta(days=15)):
        requests.expire_due(db)
        again = send(db, program, bob, alice)
        outcome = act(db, "accept", again.id, alice.id)
    assert outcome.mutual is False
    assert status_of(db, first.id) == EXPIRED
    assert status_of(db, again.id) == ACCEPTED


def test_cli_expire_requests_expires_due_ones_and_is_idempotent(cli_database, capsys):
    from sqlmodel import Session

    engine = make_engine(cli_database)
    with Session(engine) as db:
        program = programs.default_program(db)
        alice, bob, carol = (make_person(db, program, n) for n in ("Al Ant", "Bo Bee", "Cy Cat"))
        with frozen_at(T0):
            due = send(db, program, alice, bob).id
        with frozen_at(T0 + timedelta(days=10)):
            not_due = send(db, program, carol, alice).id

    with frozen_at(T0 + timedelta(days=14, hours=1)):
        assert cli.main(["expire-requests"]) == 0
        assert "Expired requests concerning 2 people." in capsys.readouterr().out
        assert cli.main(["expire-requests"]) == 0
        assert "Expired requests concerning 0 people." in capsys.readouterr().out

    with Session(engine) as db:
        rows = {r.id: r for r in db.exec(select(PeerRequest)).all()}
        assert rows[due].status == EXPIRED
        assert rows[due].close_reason == "No answer within 14 days."
        assert rows[not_due].status == PENDING
        assert len(events(db, due)) == 2
        assert len(events(db, not_due)) == 1
    engine.dispose()


def test_cli_expire_requests_explains_a_database_without_tables(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PEERAPP_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    assert cli.main(["expire-requests"]) == 2
    assert "reflex db migrate" in capsys.readouterr().err


# ---------------------------------------------------------------- an admin cancels one request


def test_admin_cancels_a_pending_request_with_a_reason(db, program, people):
    alice, bob, boss = people["alice"], people["bob"], people["admin"]
    sent = send(db, program, alice, bob)
    other = send(db, program, alice, people["carol"])

    outcome = requests.cancel_request(
        db, request_id=sent.id, actor_id=boss.id, reason="  Reported as spam  "
    )

    row = request_row(db, sent.id)
    assert row.status == CANCELLED
    assert row.closed_by_id == boss.id
    assert row.close_reason == "Reported as spam"
    assert row.closed_at is not None
    assert outcome.told == {alice.id, bob.id}
    assert status_of(db, other.id) == PENDING
    assert events(db, sent.id)[-1] == (boss.id, PENDING, CANCELLED, "Reported as spam")
    for person in (alice, bob):
        [item] = [
            i
            for i in inbox.load_inbox(db, program_id=program.id, employee_id=person.id).history
            if i.id == sent.id
        ]
        assert (item.closed_by_id, item.steps[-1].actor_id) == (boss.id, boss.id)
        assert wording.request_status(item) == "Cancelled: Reported as spam"
        assert wording.step(item, item.steps[-1]) == "Cancelled by an admin: Reported as spam"


@pytest.mark.parametrize("who", ["sender", "recipient", "peer", "inactive admin"])
def test_non_admin_cannot_cancel_a_request(db, program, people, who):
    alice, bob, boss = people["alice"], people["bob"], people["admin"]
    sent = send(db, program, alice, bob)
    actor = {"sender": alice, "recipient": bob, "peer": people["carol"], "inactive admin": boss}[
        who
    ]
    if who == "inactive admin":
        boss.is_active = False
        db.add(boss)
        db.commit()

    with pytest.raises(Refused, match="Only program admins"):
        requests.cancel_request(db, request_id=sent.id, actor_id=actor.id, reason="Because")

    row = request_row(db, sent.id)
    assert (row.status, row.close_reason, row.closed_by_id) == (PENDING, "", None)
    assert len(events(db, sent.id)) == 1


@pytest.mark.parametrize(
    ("reason", "meaning"),
    [
        ("", "(?i)reason is required"),
        ("   ", "(?i)reason is required"),
        (None, "(?i)reason is required"),
        ("r" * (models.REASON_MAX + 1), f"at most {models.REASON_MAX}"),
        (42, "(?i)reason must be text"),
    ],
)
def test_admin_cancel_needs_a_valid_reason(db, program, people, reason, meaning):
    sent = send(db, program, people["alice"], people["bob"])
    with pytest.raises(Refused, match=meaning):
        requests.cancel_request(db, request_id=sent.id, actor_id=people["admin"].id, reason=reason)
    assert status_of(db, sent.id) == PENDING


def test_admin_cannot_cancel_a_missing_or_closed_request(db, program, people):
    alice, bob, boss = people["alice"], people["bob"], people["admin"]
    sent = send(db, program, alice, bob)
    act(db, "decline", sent.id, bob.id, reason="No thanks")

    for request_id in (sent.id, sent.id + 100):
        with pytest.raises(Refused, match="does not exist or is no longer pending"):
            requests.cancel_request(db, request_id=request_id, actor_id=boss.id, reason="Tidy")

    row = request_row(db, sent.id)
    assert (row.status, row.close_reason, row.closed_by_id) == (DECLINED, "No thanks", bob.id)
    assert len(events(db, sent.id)) == 2


def test_cancelled_request_frees_the_pair_for_a_new_request(db, program, people):
    alice, bob, boss = people["alice"], people["bob"], people["admin"]
    sent = send(db, program, alice, bob)
    act(db, "cancel", sent.id, boss.id)
    again = send(db, program, alice, bob)
    assert status_of(db, again.id) == PENDING
    db.expire_all()
    pending = db.exec(select(PeerRequest.id).where(PeerRequest.status == PENDING)).all()
    assert list(pending) == [again.id]


@pytest.mark.parametrize("action", ["accept", "decline", "withdraw"])
def test_an_overdue_request_expires_when_someone_acts_on_it(db, program, people, action):
    """Between sweeps, a request past its deadline is not answerable: it expires there and then."""
    alice, bob = people["alice"], people["bob"]
    with frozen_at(T0):
        sent = send(db, program, alice, bob)
    actor = alice if action == "withdraw" else bob
    with frozen_at(T0 + timedelta(days=14, minutes=1)), pytest.raises(Refused) as refused:
        act(db, action, sent.id, actor.id)
    assert "expired" in refused.value.message
    assert "14 days" in refused.value.message
    row = request_row(db, sent.id)
    assert row.status == EXPIRED and row.closed_by_id is None
    steps = history.steps_for(db, [sent.id])[sent.id]
    assert [(s.from_status, s.to_status) for s in steps] == [(None, PENDING), (PENDING, EXPIRED)]
    assert db.exec(select(func.count()).select_from(Pairing)).one() == 0
    with frozen_at(T0 + timedelta(days=15)):
        assert requests.expire_due(db).told == set()


def test_a_request_just_before_its_deadline_can_still_be_accepted(db, program, people):
    alice, bob = people["alice"], people["bob"]
    with frozen_at(T0):
        sent = send(db, program, alice, bob)
    with frozen_at(T0 + timedelta(days=14) - timedelta(seconds=1)):
        outcome = act(db, "accept", sent.id, bob.id)
    assert outcome.pairing is not None
    assert status_of(db, sent.id) == ACCEPTED
