"""Editing one's own profile, and what dropping the peer role does to requests."""

from __future__ import annotations

import pytest
from service_helpers import make_person, reload, send
from sqlmodel import select

from peerapp import models
from peerapp.models import Employee, Membership, PeerRequest, RequestStatus
from peerapp.services import Refused, profiles, programs, requests

FORM = {
    "full_name": "Alice Archer",
    "job_title": "Staff Engineer",
    "department": "Engineering",
    "location": "Lisbon",
    "bio": "Builds things.",
    "skills": "Python, SQL",
    "learning_goals": "Public speaking",
    "roles": ["peer"],
}


def save(db, program, actor, **changes):
    values = {**FORM, **changes}
    return profiles.update_profile(db, program_id=program.id, actor_id=actor.id, **values)


def roles_in_db(db, program, person) -> list[str]:
    db.expire_all()
    member = db.exec(
        select(Membership).where(
            Membership.program_id == program.id, Membership.employee_id == person.id
        )
    ).first()
    return programs.roles_of(member)


def snapshot(db, person) -> dict:
    row = reload(db, Employee, person.id)
    return {name: getattr(row, name) for name in FORM if name != "roles"}


@pytest.fixture
def alice(db, program):
    return make_person(db, program, "Alice Archer")


def test_update_profile_saves_fields_and_roles(db, program, alice):
    change = save(
        db,
        program,
        alice,
        full_name="  Alice A. Archer ",
        job_title="Principal Engineer",
        department="Platform",
        location="Remote (EU)",
        bio="Likes\tdatabases.",
        skills="Python,  python , Go,, Kubernetes",
        learning_goals="Negotiation",
        roles=["mentor", "Peer"],
    )

    row = reload(db, Employee, alice.id)
    assert row.full_name == "Alice A. Archer"
    assert row.job_title == "Principal Engineer"
    assert row.department == "Platform"
    assert row.location == "Remote (EU)"
    assert row.skills == "Python, Go, Kubernetes"
    assert row.learning_goals == "Negotiation"
    assert roles_in_db(db, program, alice) == ["mentor", "peer"]
    assert change.profile.roles == ["mentor", "peer"]
    assert change.profile.full_name == "Alice A. Archer"
    assert change.told == set()

    save(db, program, alice, roles="mentee")
    assert roles_in_db(db, program, alice) == ["mentee"]


def test_update_profile_creates_membership_for_a_newcomer(db, program):
    newcomer = make_person(db, None, "Nina New")
    assert roles_in_db(db, program, newcomer) == []
    save(db, program, newcomer, full_name="Nina New", roles=["peer", "mentee"])
    assert roles_in_db(db, program, newcomer) == ["mentee", "peer"]


@pytest.mark.parametrize(
    ("changes", "meaning"),
    [
        ({"full_name": "   "}, "(?i)full name.*required"),
        ({"full_name": "n" * (models.NAME_MAX + 1)}, f"at most {models.NAME_MAX}"),
        ({"bio": "b" * (models.BIO_MAX + 1)}, f"at most {models.BIO_MAX}"),
        ({"skills": "s" * (models.SKILLS_MAX + 1)}, f"at most {models.SKILLS_MAX}"),
        ({"location": 12}, "(?i)location must be text"),
        ({"roles": ["peer", "overlord"]}, "(?i)roles"),
        ({"roles": None}, "(?i)roles"),
    ],
)
def test_refused_update_changes_nothing(db, program, alice, changes, meaning):
    save(db, program, alice, roles=["peer", "mentor"])
    before = snapshot(db, alice)
    roles_before = roles_in_db(db, program, alice)

    # Every other field changes too, so a half-applied save would show.
    with pytest.raises(Refused, match=meaning):
        save(
            db,
            program,
            alice,
            **{
                "job_title": "CHANGED",
                "department": "CHANGED",
                "bio": "CHANGED",
                "roles": ["mentee"],
                **changes,
            },
        )

    assert snapshot(db, alice) == before
    assert roles_in_db(db, program, alice) == roles_before


def test_inactive_or_unknown_person_cannot_save(db, program, alice):
    alice.is_active = False
    db.add(alice)
    db.commit()
    with pytest.raises(Refused, match="does not exist"):
        save(db, program, alice, job_title="Sneaky")
    assert reload(db, Employee, alice.id).job_title != "Sneaky"

    with pytest.raises(Refused, match="does not exist"):
        profiles.update_profile(db, program_id=program.id, actor_id=alice.id + 99, **FORM)


def test_dropping_peer_role_cancels_own_pending_requests_both_ways(db, program, alice):
    bob = make_person(db, program, "Bob Baker")
    carol = make_person(db, program, "Carol Cooper")
    dan = make_person(db, program, "Dan Dyer")
    outgoing = send(db, program, alice, bob)
    incoming = send(db, program, carol, alice)
    others = send(db, program, bob, dan)
    accepted = send(db, program, dan, alice)
    requests.accept_request(db, request_id=accepted.id, actor_id=alice.id)

    change = save(db, program, alice, roles=["mentor"])

    assert change.told == {alice.id, bob.id, carol.id}
    assert roles_in_db(db, program, alice) == ["mentor"]
    for request_id in (outgoing.id, incoming.id):
        row = reload(db, PeerRequest, request_id)
        assert row.status == RequestStatus.CANCELLED.value
        assert row.closed_by_id == alice.id
        assert row.close_reason.strip()
    # Requests between other people, and closed ones, are left alone.
    assert reload(db, PeerRequest, others.id).status == RequestStatus.PENDING.value
    assert reload(db, PeerRequest, accepted.id).status == RequestStatus.ACCEPTED.value
    # And Alice can no longer be asked.
    with pytest.raises(Refused, match="not taking part"):
        send(db, program, bob, alice)


def test_keeping_peer_role_cancels_nothing(db, program, alice):
    bob = make_person(db, program, "Bob Baker")
    pending = send(db, program, alice, bob)

    change = save(db, program, alice, job_title="New title", roles=["peer", "mentor"])

    assert change.told == set()
    assert reload(db, PeerRequest, pending.id).status == RequestStatus.PENDING.value


def test_dropping_peer_role_in_one_program_leaves_other_program_alone(db, program, alice):
    other = programs.create_program(db, "Other")
    bob = make_person(db, program, "Bob Baker")
    for person in (alice, bob):
        programs.set_roles(db, program_id=other.id, employee_id=person.id, roles={"peer"})
    db.commit()
    here = send(db, program, alice, bob)
    there = send(db, other, alice, bob)

    save(db, program, alice, roles=[])

    assert reload(db, PeerRequest, here.id).status == RequestStatus.CANCELLED.value
    assert reload(db, PeerRequest, there.id).status == RequestStatus.PENDING.value
    assert roles_in_db(db, other, alice) == ["peer"]
