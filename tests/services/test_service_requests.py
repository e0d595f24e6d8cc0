"""Peer requests: who may send, answer and withdraw, and which transitions exist."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from service_helpers import make_person, pending_between, reload, send
from sqlalchemy.exc import IntegrityError
from sqlmodel import func, select

from peerapp import models
from peerapp.models import Pairing, PairingStatus, PeerRequest, RequestStatus
from peerapp.services import Refused, closing, programs, requests

PENDING = RequestStatus.PENDING.value


@pytest.fixture
def alice(db, program):
    return make_person(db, program, "Alice Archer")


@pytest.fixture
def bob(db, program):
    return make_person(db, program, "Bob Baker")


@pytest.fixture
def carol(db, program):
    return make_person(db, program, "Carol Cooper")


def request_count(db) -> int:
    db.expire_all()
    return db.exec(select(func.count()).select_from(PeerRequest)).one()


def pairings(db) -> list[Pairing]:
    db.expire_all()
    return list(db.exec(select(Pairing)).all())


def status_of(db, request_id: int) -> str:
    return reload(db, PeerRequest, request_id).status


# ---------------------------------------------------------------- sending


def test_peer_sends_to_peer_and_request_is_pending(db, program, alice, bob):
    outcome = requests.send_request(
        db, program_id=program.id, sender_id=alice.id, recipient_id=bob.id, message="  Hi Bob!  "
    )

    row = reload(db, PeerRequest, outcome.request.id)
    assert row.status == PENDING
    assert (row.sender_id, row.recipient_id) == (alice.id, bob.id)
    assert (row.person_low_id, row.person_high_id) == tuple(sorted((alice.id, bob.id)))
    assert row.program_id == program.id
    assert row.message == "Hi Bob!"
    assert row.closed_at is None and row.closed_by_id is None
    assert outcome.told == {alice.id, bob.id}
    assert pairings(db) == []


def test_send_to_self_is_refused(db, program, alice):
    with pytest.raises(Refused, match="yourself"):
        send(db, program, alice, alice)
    assert request_count(db) == 0


def test_sender_without_peer_role_is_refused(db, program, bob):
    mentor = make_person(db, program, "Mona Mentor", roles=("mentor", "mentee"))
    with pytest.raises(Refused, match="(?i)add the peer role"):
        send(db, program, mentor, bob)
    assert request_count(db) == 0


def test_inactive_sender_is_refused(db, program, alice, bob):
    alice.is_active = False
    db.add(alice)
    db.commit()
    with pytest.raises(Refused):
        send(db, program, alice, bob)
    assert request_count(db) == 0


def test_sender_who_is_peer_only_in_another_program_is_refused(db, program, bob):
    other = programs.create_program(db, "Elsewhere")
    outsider = make_person(db, other, "Olly Outsider", roles=("peer",))
    with pytest.raises(Refused, match="(?i)peer role"):
        send(db, program, outsider, bob)
    assert request_count(db) == 0


def test_recipient_without_peer_role_is_refused(db, program, alice):
    mentor = make_person(db, program, "Mona Mentor", roles=("mentor",))
    with pytest.raises(Refused, match="not taking part in peer mentorship"):
        send(db, program, alice, mentor)
    assert request_count(db) == 0


def test_recipient_who_is_not_a_member_is_refused(db, program, alice):
    stranger = make_person(db, None, "Sid Stranger")
    with pytest.raises(Refused, match="not taking part in peer mentorship"):
        send(db, program, alice, stranger)
    assert request_count(db) == 0


def test_inactive_recipient_is_refused(db, program, alice, bob):
    bob.is_active = False
    db.add(bob)
    db.commit()
    with pytest.raises(Refused, match="not taking part in peer mentorship"):
        send(db, program, alice, bob)
    assert request_count(db) == 0


def test_nonexistent_recipient_gets_the_same_refusal_as_a_non_peer(db, program, alice, bob):
    missing_id = alice.id + bob.id + 1000
    with pytest.raises(Refused, match="not taking part in peer mentorship"):
        requests.send_request(
            db, program_id=program.id, sender_id=alice.id, recipient_id=missing_id
        )
    assert request_count(db) == 0


@pytest.mark.parametrize("bad_id", ["2", 2.0, -1, 0, True, False, None, [2], 2**31, 2**63, 10**40])
def test_recipient_id_must_be_a_positive_int(db, program, alice, bad_id):
    make_person(db, program, "Bob Baker")  # a real peer whose id could be 1 or 2
    with pytest.raises(Refused, match="not valid"):
        requests.send_request(db, program_id=program.id, sender_id=alice.id, recipient_id=bad_id)
    assert request_count(db) == 0


def test_message_over_limit_is_refused_and_limit_itself_is_fine(db, program, alice, bob):
    with pytest.raises(Refused, match=f"(?i)message.*at most {models.MESSAGE_MAX}"):
        send(db, program, alice, bob, message="m" * (models.MESSAGE_MAX + 1))
    assert request_count(db) == 0

    sent = send(db, program, alice, bob, message="m" * models.MESSAGE_MAX)
    assert len(reload(db, PeerRequest, sent.id).message) == models.MESSAGE_MAX


def test_message_that_is_not_text_is_refused(db, program, alice, bob):
    with pytest.raises(Refused, match="(?i)message must be text"):
        send(db, program, alice, bob, message={"html": "<b>"})
    assert request_count(db) == 0


def test_send_refused_when_peer_mentorship_is_disabled(db, alice, bob):
    today = programs.today()
    cohort = programs.create_program(
        db,
        "Cohort",
        kind=models.ProgramKind.COHORT.value,
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=30),
    )
    programs.set_roles(db, program_id=cohort.id, employee_id=alice.id, roles={"peer"})
    programs.set_roles(db, program_id=cohort.id, employee_id=bob.id, roles={"peer"})
    db.commit()

    with pytest.raises(Refused, match=requests.PEER_MENTORSHIP_OFF):
        send(db, cohort, alice, bob)
    assert request_count(db) == 0


def test_send_refused_for_nonexistent_program(db, program, alice, bob):
    with pytest.raises(Refused, match="program does not exist"):
        requests.send_request(
            db, program_id=program.id + 100, sender_id=alice.id, recipient_id=bob.id
        )
    assert request_count(db) == 0


def test_duplicate_pending_request_same_direction_is_refused(db, program, alice, bob):
    first = send(db, program, alice, bob)

    with pytest.raises(Refused, match=f"already have a pending request to {bob.full_name}"):
        send(db, program, alice, bob, message="again")

    assert [r.id for r in pending_between(db, alice, bob)] == [first.id]
    assert request_count(db) == 1


def test_reverse_request_while_pending_is_mutual_and_pairs_at_once(db, program, alice, bob):
    first = send(db, program, alice, bob, message="Pair on SQL?")

    outcome = requests.send_request(
        db, program_id=program.id, sender_id=bob.id, recipient_id=alice.id, message="Yes!"
    )

    assert outcome.mutual is True
    # Asking back is a yes to the original request: no second request is created.
    assert outcome.request.id == first.id
    assert request_count(db) == 1
    row = reload(db, PeerRequest, first.id)
    assert row.status == RequestStatus.ACCEPTED.value
    assert row.closed_by_id == bob.id
    assert row.message == "Pair on SQL?"
    assert pending_between(db, alice, bob) == []
    [pairing] = pairings(db)
    assert pairing.status == PairingStatus.ACTIVE.value
    assert pairing.request_id == first.id
    assert {pairing.person_low_id, pairing.person_high_id} == {alice.id, bob.id}
    assert outcome.pairing is not None and outcome.pairing.id == pairing.id
    assert outcome.told == {alice.id, bob.id}


def test_a_normal_send_and_accept_are_not_mutual(db, program, alice, bob):
    outcome = requests.send_request(
        db, program_id=program.id, sender_id=alice.id, recipient_id=bob.id
    )
    assert outcome.mutual is False
    accepted = requests.accept_request(db, request_id=outcome.request.id, actor_id=bob.id)
    assert accepted.mutual is False


def test_already_paired_people_cannot_request_again(db, program, alice, bob):
    accepted = send(db, program, alice, bob)
    requests.accept_request(db, request_id=accepted.id, actor_id=bob.id)

    for sender, recipient in ((alice, bob), (bob, alice)):
        with pytest.raises(Refused, match=f"already peers with {recipient.full_name}"):
            send(db, program, sender, recipient)

    assert pending_between(db, alice, bob) == []
    assert request_count(db) == 1


def test_pending_requests_with_different_people_are_independent(db, program, alice, bob, carol):
    send(db, program, alice, bob)
    send(db, program, alice, carol)
    send(db, program, carol, bob)
    assert request_count(db) == 3


# ---------------------------------------------------------------- accepting


def test_recipient_accepts_and_exactly_one_active_pairing_starts(db, program, alice, bob):
    sent = send(db, program, alice, bob)

    outcome = requests.accept_request(db, request_id=sent.id, actor_id=bob.id)

    row = reload(db, PeerRequest, sent.id)
    assert row.status == RequestStatus.ACCEPTED.value
    assert row.closed_by_id == bob.id
    assert row.closed_at is not None
    found = pairings(db)
    assert len(found) == 1
    pairing = found[0]
    assert pairing.status == PairingStatus.ACTIVE.value
    assert pairing.request_id == sent.id
    assert pairing.program_id == program.id
    assert {pairing.person_low_id, pairing.person_high_id} == {alice.id, bob.id}
    assert outcome.pairing is not None and outcome.pairing.id == pairing.id
    assert outcome.told == {alice.id, bob.id}


@pytest.mark.parametrize("who", ["sender", "third party"])
def test_only_the_recipient_can_accept(db, program, alice, bob, carol, who):
    sent = send(db, program, alice, bob)
    actor = alice if who == "sender" else carol

    with pytest.raises(Refused) as refused:
        requests.accept_request(db, request_id=sent.id, actor_id=actor.id)

    if who == "sender":
        assert "Only the person who received a request" in refused.value.message
    else:
        # A stranger learns nothing about the request, not even that it exists.
        assert "does not exist" in refused.value.message
    assert status_of(db, sent.id) == PENDING
    assert pairings(db) == []
    # The recipient still can.
    requests.accept_request(db, request_id=sent.id, actor_id=bob.id)
    assert status_of(db, sent.id) == RequestStatus.ACCEPTED.value


@pytest.mark.parametrize("action", ["accept", "decline", "withdraw"])
def test_third_party_is_told_the_request_does_not_exist(db, program, alice, bob, carol, action):
    sent = send(db, program, alice, bob)
    missing = sent.id + 1000

    for request_id in (sent.id, missing):
        with pytest.raises(Refused) as refused:
            _act(db, action, request_id, carol.id)
        assert "does not exist" in refused.value.message
        # Same words for an existing request as for a missing one: no leak.
        assert alice.full_name not in refused.value.message
        assert bob.full_name not in refused.value.message

    assert status_of(db, sent.id) == PENDING


def test_third_party_gets_no_leak_about_a_closed_request(db, program, alice, bob, carol):
    sent = send(db, program, alice, bob)
    requests.decline_request(db, request_id=sent.id, actor_id=bob.id, reason="Busy")

    with pytest.raises(Refused, match="does not exist"):
        requests.accept_request(db, request_id=sent.id, actor_id=carol.id)
    assert status_of(db, sent.id) == RequestStatus.DECLINED.value


@pytest.mark.parametrize("bad_id", [0, -5, True, "1", None])
@pytest.mark.parametrize("action", ["accept", "decline", "withdraw"])
def test_request_id_must_be_a_positive_int(db, program, alice, bob, action, bad_id):
    sent = send(db, program, alice, bob)
    actor = alice if action == "withdraw" else bob
    with pytest.raises(Refused, match="not valid"):
        _act(db, action, bad_id, actor.id)
    assert status_of(db, sent.id) == PENDING


# ---------------------------------------------------------------- declining and withdrawing


def test_recipient_declines_with_reason_stored(db, program, alice, bob):
    sent = send(db, program, alice, bob)

    outcome = requests.decline_request(
        db, request_id=sent.id, actor_id=bob.id, reason="  Too busy this quarter  "
    )

    row = reload(db, PeerRequest, sent.id)
    assert row.status == RequestStatus.DECLINED.value
    assert row.close_reason == "Too busy this quarter"
    assert row.closed_by_id == bob.id
    assert row.closed_at is not None
    assert outcome.told == {alice.id, bob.id}
    assert pairings(db) == []


def test_only_the_recipient_can_decline(db, program, alice, bob):
    sent = send(db, program, alice, bob)
    with pytest.raises(Refused, match="Only the person who received a request"):
        requests.decline_request(db, request_id=sent.id, actor_id=alice.id, reason="no")
    row = reload(db, PeerRequest, sent.id)
    assert row.status == PENDING
    assert row.close_reason == ""


def test_decline_reason_over_limit_is_refused(db, program, alice, bob):
    sent = send(db, program, alice, bob)
    with pytest.raises(Refused, match=f"at most {models.REASON_MAX}"):
        requests.decline_request(
            db, request_id=sent.id, actor_id=bob.id, reason="r" * (models.REASON_MAX + 1)
        )
    assert status_of(db, sent.id) == PENDING


def test_sender_withdraws(db, program, alice, bob):
    sent = send(db, program, alice, bob)

    requests.withdraw_request(db, request_id=sent.id, actor_id=alice.id)

    row = reload(db, PeerRequest, sent.id)
    assert row.status == RequestStatus.WITHDRAWN.value
    assert row.closed_by_id == alice.id
    assert row.closed_at is not None


def test_only_the_sender_can_withdraw(db, program, alice, bob):
    sent = send(db, program, alice, bob)
    with pytest.raises(Refused, match="Only the person who sent a request can withdraw"):
        requests.withdraw_request(db, request_id=sent.id, actor_id=bob.id)
    assert status_of(db, sent.id) == PENDING


# ---------------------------------------------------------------- final states


FINISH = {
    "accept": RequestStatus.ACCEPTED.value,
    "decline": RequestStatus.DECLINED.value,
    "withdraw": RequestStatus.WITHDRAWN.value,
}


@pytest.mark.parametrize("first", list(FINISH))
@pytest.mark.parametrize("then", ["accept", "decline", "withdraw"])
def test_no_transition_out_of_a_final_state(db, program, alice, bob, first, then):
    sent = send(db, program, alice, bob)
    _act(db, first, sent.id, alice.id if first == "withdraw" else bob.id)
    pairings_before = [(p.id, p.status) for p in pairings(db)]

    with pytest.raises(Refused) as refused:
        _act(db, then, sent.id, alice.id if then == "withdraw" else bob.id)

    assert "no longer pending" in refused.value.message
    assert FINISH[first] in refused.value.message
    row = reload(db, PeerRequest, sent.id)
    assert row.status == FINISH[first]
    assert [(p.id, p.status) for p in pairings(db)] == pairings_before


def test_double_accept_creates_one_pairing(db, program, alice, bob):
    sent = send(db, program, alice, bob)
    requests.accept_request(db, request_id=sent.id, actor_id=bob.id)
    with pytest.raises(Refused, match="no longer pending"):
        requests.accept_request(db, request_id=sent.id, actor_id=bob.id)
    assert len(pairings(db)) == 1


def test_cancelled_request_cannot_be_answered(db, program, alice, bob):
    sent = send(db, program, alice, bob)
    closing.cancel_pending(db, program_id=program.id, actor_id=None, reason="Closed by tests")
    db.commit()
    for action, actor in (("accept", bob), ("decline", bob), ("withdraw", alice)):
        with pytest.raises(Refused, match="no longer pending: it was cancelled"):
            _act(db, action, sent.id, actor.id)
    assert status_of(db, sent.id) == RequestStatus.CANCELLED.value
    assert pairings(db) == []


@pytest.mark.parametrize("closing", ["decline", "withdraw"])
@pytest.mark.parametrize("direction", ["same", "reverse"])
def test_new_request_allowed_after_decline_or_withdraw(db, program, alice, bob, closing, direction):
    first = send(db, program, alice, bob)
    _act(db, closing, first.id, alice.id if closing == "withdraw" else bob.id)

    sender, recipient = (alice, bob) if direction == "same" else (bob, alice)
    second = send(db, program, sender, recipient)

    assert second.id != first.id
    assert [r.id for r in pending_between(db, alice, bob)] == [second.id]
    assert status_of(db, first.id) == FINISH[closing]


# ---------------------------------------------------------------- database guards


def _raw_request(program, sender, recipient, status=PENDING) -> PeerRequest:
    low, high = sorted((sender.id, recipient.id))
    return PeerRequest(
        program_id=program.id,
        sender_id=sender.id,
        recipient_id=recipient.id,
        person_low_id=low,
        person_high_id=high,
        status=status,
    )


@pytest.mark.parametrize("direction", ["same", "reverse"])
def test_database_allows_one_pending_request_per_pair(db, program, alice, bob, direction):
    send(db, program, alice, bob)
    sender, recipient = (alice, bob) if direction == "same" else (bob, alice)

    db.add(_raw_request(program, sender, recipient))
    with pytest.raises(IntegrityError):
        db.commit()
    db.rollback()

    assert request_count(db) == 1


def test_unique_pending_index_is_partial(db, program, alice, bob):
    """Closed requests between the same two people do not collide with each other."""
    send(db, program, alice, bob)
    for status in (RequestStatus.DECLINED, RequestStatus.WITHDRAWN, RequestStatus.DECLINED):
        db.add(_raw_request(program, alice, bob, status=status.value))
    db.commit()
    assert request_count(db) == 4


def test_database_allows_one_active_pairing_per_pair(db, program, alice, bob):
    sent = send(db, program, alice, bob)
    requests.accept_request(db, request_id=sent.id, actor_id=bob.id)
    low, high = sorted((alice.id, bob.id))

    db.add(Pairing(program_id=program.id, person_low_id=low, person_high_id=high))
    with pytest.raises(IntegrityError):
        db.commit()
    db.rollback()

    assert len(pairings(db)) == 1


def test_database_refuses_request_to_self(db, program, alice):
    with pytest.raises(IntegrityError):
        db.execute(
            sa.insert(PeerRequest).values(
                program_id=program.id,
                sender_id=alice.id,
                recipient_id=alice.id,
                person_low_id=alice.id,
                person_high_id=alice.id + 1,
                status=PENDING,
            )
        )
        db.commit()
    db.rollback()
    assert request_count(db) == 0


# ---------------------------------------------------------------- helpers


def _act(db, action: str, request_id, actor_id: int):
    if action == "accept":
        return requests.accept_request(db, request_id=request_id, actor_id=actor_id)
    if action == "decline":
        return requests.decline_request(db, request_id=request_id, actor_id=actor_id, reason="")
    return requests.withdraw_request(db, request_id=request_id, actor_id=actor_id)


@pytest.mark.parametrize("huge", [2**31, 2**63, 10**40])
def test_ids_beyond_the_id_columns_are_refused_not_crashed(db, program, alice, huge):
    """A forged huge id used to reach the driver and fail (SQLite OverflowError)."""
    for action in (requests.accept_request, requests.withdraw_request):
        with pytest.raises(Refused, match="not valid"):
            action(db, request_id=huge, actor_id=alice.id)
    with pytest.raises(Refused, match="not valid"):
        requests.decline_request(db, request_id=huge, actor_id=alice.id)
