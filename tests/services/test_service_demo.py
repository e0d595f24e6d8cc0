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
