"""Programs and the roles an employee holds in one."""

from __future__ import annotations

from datetime import date

import pytest
from service_helpers import make_person, reload
from sqlmodel import func, select

from peerapp.models import Membership, Program, ProgramKind
from peerapp.services import Refused, admin, programs


def test_new_evergreen_program_has_peer_mentorship_on(db):
    created = programs.create_program(db, "Always on")
    row = reload(db, Program, created.id)
    assert row.kind == ProgramKind.EVERGREEN.value
    assert row.peer_mentorship_enabled is True


def test_new_cohort_program_has_peer_mentorship_off(db):
    created = programs.create_program(
        db,
        "Spring cohort",
        kind=ProgramKind.COHORT.value,
        starts_on=date(2027, 3, 1),
        ends_on="2027-05-31",
    )
    row = reload(db, Program, created.id)
    assert row.kind == ProgramKind.COHORT.value
    assert row.peer_mentorship_enabled is False
    assert row.mentoring_enabled is True
    assert (row.starts_on, row.ends_on) == (date(2027, 3, 1), date(2027, 5, 31))


@pytest.mark.parametrize("kind", ["weekly", "", "EVERGREEN", None])
def test_create_program_refuses_unknown_kind(db, kind):
    with pytest.raises(Refused, match="Evergreen or Cohort"):
        programs.create_program(db, "Odd", kind=kind)
    db.rollback()
    assert db.exec(select(func.count()).select_from(Program)).one() == 0


def test_default_program_is_created_once(db):
    first = programs.default_program(db)
    second = programs.default_program(db)
    assert first.id == second.id
    assert first.peer_mentorship_enabled is True
    assert db.exec(select(func.count()).select_from(Program)).one() == 1


def test_get_program_refuses_missing_or_invalid_id(db, program):
    assert programs.get_program(db, program.id).id == program.id
    with pytest.raises(Refused, match="does not exist"):
        programs.get_program(db, program.id + 1000)
    for bad in (0, -1, True, "1", None):
        with pytest.raises(Refused, match="not valid"):
            programs.get_program(db, bad)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (["peer"], {"peer"}),
        (("Mentor", " mentee "), {"mentor", "mentee"}),
        ({"peer", "mentor", "mentee"}, {"peer", "mentor", "mentee"}),
        ("peer, mentor", {"peer", "mentor"}),
        ([], set()),
        ("", set()),
    ],
)
def test_parse_roles_accepts_known_roles(value, expected):
    assert programs.parse_roles(value) == expected


@pytest.mark.parametrize("value", [["peer", "admin"], ["wizard"], "peer,boss", [None], [1]])
def test_parse_roles_refuses_unknown_roles(value):
    with pytest.raises(Refused, match="only be mentor, mentee and peer"):
        programs.parse_roles(value)


@pytest.mark.parametrize("value", [None, 7, True, {"peer": True}, object()])
def test_parse_roles_refuses_non_list_input(value):
    with pytest.raises(Refused, match="(?i)roles must be a list"):
        programs.parse_roles(value)


def test_set_roles_gives_exactly_the_roles_asked_for(db, program):
    person = make_person(db, program, "Role Player", roles=())
    assert programs.roles_of(programs.membership(db, program.id, person.id)) == []

    programs.set_roles(db, program_id=program.id, employee_id=person.id, roles={"mentor", "peer"})
    db.commit()
    assert programs.roles_of(reload(db, Membership, _membership_id(db, program, person))) == [
        "mentor",
        "peer",
    ]

    programs.set_roles(db, program_id=program.id, employee_id=person.id, roles={"mentee"})
    db.commit()
    row = reload(db, Membership, _membership_id(db, program, person))
    assert (row.is_mentor, row.is_mentee, row.is_peer) == (False, True, False)

    programs.set_roles(db, program_id=program.id, employee_id=person.id, roles=set())
    db.commit()
    row = reload(db, Membership, _membership_id(db, program, person))
    assert (row.is_mentor, row.is_mentee, row.is_peer) == (False, False, False)

    # Still one membership row, updated in place.
    count = db.exec(
        select(func.count()).select_from(Membership).where(Membership.employee_id == person.id)
    ).one()
    assert count == 1


def test_set_roles_is_per_program(db, program):
    other = programs.create_program(db, "Other program")
    person = make_person(db, program, "Two Programs", roles=("peer",))
    programs.set_roles(db, program_id=other.id, employee_id=person.id, roles={"mentor"})
    db.commit()

    assert programs.roles_of(programs.membership(db, program.id, person.id)) == ["peer"]
    assert programs.roles_of(programs.membership(db, other.id, person.id)) == ["mentor"]


def test_set_roles_refuses_unknown_role_and_keeps_old_ones(db, program):
    person = make_person(db, program, "Keeps Roles", roles=("peer",))
    with pytest.raises(Refused):
        programs.set_roles(db, program_id=program.id, employee_id=person.id, roles={"king"})
    row = reload(db, Membership, _membership_id(db, program, person))
    assert programs.roles_of(row) == ["peer"]


def test_is_admin_only_for_active_admins(db, program):
    admin = make_person(db, program, "Ann Admin", admin=True)
    plain = make_person(db, program, "Pat Plain")
    assert programs.is_admin(db, admin.id) is True
    assert programs.is_admin(db, plain.id) is False
    assert programs.is_admin(db, admin.id + plain.id + 100) is False
    admin.is_active = False
    db.add(admin)
    db.commit()
    assert programs.is_admin(db, admin.id) is False


def _membership_id(db, program, person) -> int:
    return db.exec(
        select(Membership.id).where(
            Membership.program_id == program.id, Membership.employee_id == person.id
        )
    ).one()


def test_member_ids_are_the_active_members_of_that_program_only(db, program, people):
    other = programs.create_program(db, "Elsewhere")
    outsider = make_person(db, other, "Olga Outsider")
    no_program = make_person(db, None, "Nina Nowhere")
    admin.set_employee_active(
        db, actor_id=people["admin"].id, employee_id=people["carol"].id, active=False
    )

    members = programs.member_ids(db, program.id)

    expected = sorted(p.id for key, p in people.items() if key != "carol")
    assert members == expected
    assert outsider.id not in members and no_program.id not in members
    assert programs.member_ids(db, other.id) == [outsider.id]
