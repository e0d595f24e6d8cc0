"""The demo organisation seeded into an empty database."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from peerapp.models import Employee, Pairing, PeerRequest, RequestStatus
from peerapp.services import Refused, accounts, demo, inbox, programs
from peerapp.services.demo import DEMO_LOGINS, DEMO_PASSWORD


def count(db, model) -> int:
    db.expire_all()
    return db.exec(select(func.count()).select_from(model)).one()


def test_seed_fills_an_empty_database_once(db):
    assert demo.is_empty(db)

    logins = demo.seed(db)

    assert count(db, Employee) >= 300
    assert not demo.is_empty(db)
    assert [login.email for login in logins] == [login.email for login in DEMO_LOGINS]
    for login in logins:
        employee = accounts.authenticate(db, login.email, DEMO_PASSWORD)
        assert employee is not None, login.email
        assert employee.full_name == login.full_name
        assert accounts.authenticate(db, login.email, DEMO_PASSWORD + "x") is None
    admin = accounts.authenticate(db, DEMO_LOGINS[0].email, DEMO_PASSWORD)
    assert programs.is_admin(db, admin.id)

    # The demo has something to look at: requests in every state and pairings.
    statuses = set(db.exec(select(PeerRequest.status).distinct()).all())
    assert {
        RequestStatus.PENDING.value,
        RequestStatus.ACCEPTED.value,
        RequestStatus.DECLINED.value,
    } <= statuses
    assert count(db, Pairing) > 0
    program = programs.default_program(db)
    alex = accounts.authenticate(db, DEMO_LOGINS[1].email, DEMO_PASSWORD)
    alex_box = inbox.load_inbox(db, program_id=program.id, employee_id=alex.id)
    assert alex_box.incoming and alex_box.outgoing and alex_box.peers

    employees = count(db, Employee)
    requests_before = count(db, PeerRequest)
    with pytest.raises(Refused, match="already has employees"):
        demo.seed(db)
    assert count(db, Employee) == employees
    assert count(db, PeerRequest) == requests_before


def test_seed_refused_when_anyone_exists(db):
    accounts.create_employee(db, email="first@example.com", full_name="First", password=None)
    with pytest.raises(Refused, match="already has employees"):
        demo.seed(db, people=10)
    assert count(db, Employee) == 1


def test_a_demo_larger_than_the_name_pairs_gets_middle_initials(db, monkeypatch):
    # Two first names and two last names make four pairs; ten people used to loop forever.
    monkeypatch.setattr(demo, "FIRST_NAMES", ["Ana", "Ben"])
    monkeypatch.setattr(demo, "LAST_NAMES", ["Lopez", "Meyer"])
    demo.seed(db, people=13)
    people = db.exec(select(Employee)).all()
    assert len(people) == 13
    assert len({person.full_name for person in people}) == 13
    assert len({person.email for person in people}) == 13
    initialled = [person for person in people if ". " in person.full_name]
    assert len(initialled) == 13 - 3 - 4
    for person in initialled:
        first, initial, last = person.full_name.split()
        assert person.email == f"{first.lower()}.{initial[0].lower()}.{last.lower()}@example.com"


@pytest.mark.parametrize("people", [0, -1, demo.MAX_PEOPLE + 1])
def test_a_demo_size_out_of_range_is_refused(db, people):
    with pytest.raises(Refused, match="between 1 and"):
        demo.seed(db, people=people)
    assert demo.is_empty(db)
