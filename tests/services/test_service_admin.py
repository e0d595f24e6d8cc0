"""Program settings: only admins switch peer mentorship, and switching it off cancels requests."""

from __future__ import annotations

import pytest
from service_helpers import make_person, reload, send
from sqlmodel import select

from peerapp.models import Pairing, PairingStatus, PeerRequest, Program, RequestStatus
from peerapp.services import Refused, admin, requests


@pytest.fixture
def people(db, program):
    names = ("Ann Admin", "Alice Archer", "Bob Baker", "Carol Cooper", "Dan Dyer", "Eve Ellis")
    ann, *rest = names
    return {
        "admin": make_person(db, program, ann, roles=("mentor",), admin=True),
        **{name.split()[0].lower(): make_person(db, program, name) for name in rest},
    }


def turn(db, program, actor, enabled):
    return admin.update_program_settings(
        db, actor_id=actor.id, program_id=program.id, peer_mentorship_enabled=enabled
    )


def all_requests(db) -> dict[int, PeerRequest]:
    db.expire_all()
    return {r.id: r for r in db.exec(select(PeerRequest)).all()}


@pytest.mark.parametrize("who", ["peer", "inactive admin", "unknown"])
def test_non_admin_is_refused_and_nothing_changes(db, program, people, who):
    pending = send(db, program, people["alice"], people["bob"])
    if who == "peer":
        actor_id = people["carol"].id
    elif who == "inactive admin":
        people["admin"].is_active = False
        db.add(people["admin"])
        db.commit()
        actor_id = people["admin"].id
    else:
        actor_id = 10_000

    with pytest.raises(Refused, match="Only program admins"):
        admin.update_program_settings(
            db, actor_id=actor_id, program_id=program.id, peer_mentorship_enabled=False
        )

    assert reload(db, Program, program.id).peer_mentorship_enabled is True
    assert reload(db, PeerRequest, pending.id).status == RequestStatus.PENDING.value


@pytest.mark.parametrize("value", ["false", "off", 0, 1, None, "True"])
def test_non_bool_value_is_refused(db, program, people, value):
    pending = send(db, program, people["alice"], people["bob"])

    with pytest.raises(Refused, match="on or off"):
        turn(db, program, people["admin"], value)

    assert reload(db, Program, program.id).peer_mentorship_enabled is True
    assert reload(db, PeerRequest, pending.id).status == RequestStatus.PENDING.value


def test_unknown_program_is_refused(db, program, people):
    with pytest.raises(Refused, match="does not exist"):
        admin.update_program_settings(
            db,
            actor_id=people["admin"].id,
            program_id=program.id + 50,
            peer_mentorship_enabled=False,
        )
    assert reload(db, Program, program.id).peer_mentorship_enabled is True


def test_disabling_cancels_pending_requests_and_keeps_pairings(db, program, people):
    p = people
    first = send(db, program, p["alice"], p["bob"])
    second = send(db, program, p["carol"], p["alice"])
    accepted = send(db, program, p["dan"], p["eve"])
    requests.accept_request(db, request_id=accepted.id, actor_id=p["eve"].id)
    declined = send(db, program, p["eve"], p["carol"])
    requests.decline_request(db, request_id=declined.id, actor_id=p["carol"].id, reason="Busy")

    change = turn(db, program, p["admin"], False)

    assert change.program.peer_mentorship_enabled is False
    assert reload(db, Program, program.id).peer_mentorship_enabled is False
    assert change.told == {p["alice"].id, p["bob"].id, p["carol"].id}
    rows = all_requests(db)
    for request_id in (first.id, second.id):
        row = rows[request_id]
        assert row.status == RequestStatus.CANCELLED.value
        assert row.close_reason.strip()
        assert row.closed_by_id == p["admin"].id
        assert row.closed_at is not None
    # Requests already closed keep their outcome.
    assert rows[accepted.id].status == RequestStatus.ACCEPTED.value
    assert rows[declined.id].status == RequestStatus.DECLINED.value
    assert rows[declined.id].close_reason == "Busy"
    assert rows[declined.id].closed_by_id == p["carol"].id
    # The pairing stays active.
    pairings = list(db.exec(select(Pairing)).all())
    assert [(x.status, x.request_id) for x in pairings] == [
        (PairingStatus.ACTIVE.value, accepted.id)
    ]


def test_disabling_only_touches_its_own_program(db, program, people):
    other = admin.programs.create_program(db, "Other evergreen")
    for person in (people["alice"], people["bob"]):
        admin.programs.set_roles(db, program_id=other.id, employee_id=person.id, roles={"peer"})
    db.commit()
    here = send(db, program, people["alice"], people["bob"])
    there = send(db, other, people["alice"], people["bob"])

    turn(db, program, people["admin"], False)

    assert reload(db, PeerRequest, here.id).status == RequestStatus.CANCELLED.value
    assert reload(db, PeerRequest, there.id).status == RequestStatus.PENDING.value
    assert reload(db, Program, other.id).peer_mentorship_enabled is True


def test_sending_and_accepting_refused_while_disabled(db, program, people):
    turn(db, program, people["admin"], False)

    with pytest.raises(Refused, match=requests.PEER_MENTORSHIP_OFF):
        send(db, program, people["alice"], people["bob"])
    assert all_requests(db) == {}


def test_accept_refused_when_program_disabled_without_cancelling(db, program, people):
    """A request still pending in a disabled program (e.g. a race) cannot be accepted."""
    pending = send(db, program, people["alice"], people["bob"])
    row = db.get(Program, program.id)
    row.peer_mentorship_enabled = False
    db.add(row)
    db.commit()

    with pytest.raises(Refused, match=requests.PEER_MENTORSHIP_OFF):
        requests.accept_request(db, request_id=pending.id, actor_id=people["bob"].id)

    assert reload(db, PeerRequest, pending.id).status == RequestStatus.PENDING.value
    assert list(db.exec(select(Pairing)).all()) == []


def test_re_enabling_allows_requests_again(db, program, people):
    old = send(db, program, people["alice"], people["bob"])
    turn(db, program, people["admin"], False)

    change = turn(db, program, people["admin"], True)

    assert change.program.peer_mentorship_enabled is True
    assert change.told == set()
    assert reload(db, Program, program.id).peer_mentorship_enabled is True
    # The cancelled request stays cancelled; a new one between the same two is fine.
    assert reload(db, PeerRequest, old.id).status == RequestStatus.CANCELLED.value
    new = send(db, program, people["alice"], people["bob"])
    assert reload(db, PeerRequest, new.id).status == RequestStatus.PENDING.value
    requests.accept_request(db, request_id=new.id, actor_id=people["bob"].id)
    assert reload(db, PeerRequest, new.id).status == RequestStatus.ACCEPTED.value


def test_setting_the_current_value_changes_nothing(db, program, people):
    pending = send(db, program, people["alice"], people["bob"])

    change = turn(db, program, people["admin"], True)

    assert change.told == set()
    assert reload(db, PeerRequest, pending.id).status == RequestStatus.PENDING.value

    turn(db, program, people["admin"], False)
    again = turn(db, program, people["admin"], False)
    assert again.told == set()
    assert again.program.peer_mentorship_enabled is False
