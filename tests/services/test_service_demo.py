"""The demo organisation seeded into an empty database."""

from __future__ import annotations

import random
from collections import Counter

import pytest
import sqlalchemy as sa
from sqlmodel import Session, SQLModel, func, select

from peerapp.db import make_engine
from peerapp.models import Employee, Membership, Pairing, PeerRequest, RequestStatus
from peerapp.services import Refused, accounts, demo, demo_names, demo_org, inbox, programs
from peerapp.services.demo import DEMO_LOGINS, DEMO_PASSWORD


def count(db, model) -> int:
    db.expire_all()
    return db.exec(select(func.count()).select_from(model)).one()


def test_seed_fills_an_empty_database_once(db):
    assert demo.is_empty(db)

    logins = demo.seed(db)

    assert count(db, Employee) == 300
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
        demo.seed(db, people=demo.MIN_PEOPLE)
    assert count(db, Employee) == 1


def test_a_demo_larger_than_the_name_pairs_gets_middle_initials(db, monkeypatch):
    # Two first names and two last names make four pairs; the rest need an initial.
    monkeypatch.setattr(demo_names, "FIRST_NAMES", ["Ana", "Ben"])
    monkeypatch.setattr(demo_names, "LAST_NAMES", ["Lopez", "Meyer"])
    demo.seed(db, people=demo.MIN_PEOPLE)
    people = db.exec(select(Employee)).all()
    assert len(people) == demo.MIN_PEOPLE
    assert len({person.full_name for person in people}) == demo.MIN_PEOPLE
    assert len({person.email for person in people}) == demo.MIN_PEOPLE
    initialled = [person for person in people if ". " in person.full_name]
    assert len(initialled) == demo.MIN_PEOPLE - 3 - 4
    for person in initialled:
        first, initial, last = person.full_name.split()
        assert person.email == f"{first.lower()}.{initial[0].lower()}.{last.lower()}@example.com"


@pytest.mark.parametrize("people", [0, -1, demo.MIN_PEOPLE - 1, demo.MAX_PEOPLE + 1])
def test_a_demo_size_out_of_range_is_refused(db, people):
    with pytest.raises(Refused, match="between 20 and 1,000,000 people"):
        demo.seed(db, people=people)
    assert demo.is_empty(db)


def test_a_million_names_make_a_million_different_emails():
    assert demo_names.capacity() >= demo.MAX_PEOPLE
    # An email spells out first name, initial and last name: distinct parts, distinct emails.
    for parts in (demo_names.FIRST_NAMES, demo_names.LAST_NAMES):
        assert all(part.isalpha() and part.isascii() for part in parts)
        assert len({part.lower() for part in parts}) == len(parts)
    for number in (0, 1, 73_934, 73_935, 1_000_000, demo_names.capacity() - 1):
        assert demo_names.number_of(demo_names.name_at(number)[0]) == number
    picked = demo_names.pick_names(random.Random(1), 100_000, {"Ava Costa"})
    assert len(set(picked)) == 100_000
    assert demo_names.number_of("Ava Costa") not in picked


@pytest.mark.parametrize("size", [1, 2, 11, 20, 300, 5_000])
def test_the_organisation_is_a_tree_of_teams_of_five_to_ten(size):
    org = demo_org.shape(random.Random(size), size)
    assert len(org) == size
    assert org.managers[0] is None and org.titles[0] == "Chief Executive Officer"
    # A manager always comes first: nobody manages themselves and no chain loops.
    assert all(m is not None and m < p for p, m in enumerate(org.managers) if p)
    teams = Counter(m for m in org.managers if m is not None)
    last_of_department = {
        max(p for p, m in teams.items() if org.departments[p] == d)
        for d in {org.departments[p] for p in teams}
    }
    spans = [n for m, n in teams.items() if m and m not in last_of_department]
    assert all(demo_org.MIN_SPAN <= n <= demo_org.MAX_SPAN for n in spans)
    for position in range(1, size):
        manager = org.managers[position]
        if manager:  # below the heads everyone works in their manager's department
            assert org.departments[position] == org.departments[manager]


def test_a_large_demo_is_a_company_in_bulk(db):
    people = 20_000
    seen = []
    demo.seed(db, people=people, progress=lambda written, total: seen.append((written, total)))
    assert seen[-1] == (people, people)

    rows = db.exec(select(Employee.id, Employee.email, Employee.full_name, Employee.manager_id))
    employees = {id_: (email, name, manager) for id_, email, name, manager in rows.all()}
    assert len(employees) == people
    assert len({email for email, _, _ in employees.values()}) == people
    assert len({name for _, name, _ in employees.values()}) == people
    managers = {id_: manager for id_, (_, _, manager) in employees.items()}
    assert [id_ for id_, manager in managers.items() if manager is None] == [1]
    assert all(
        manager in managers and manager != id_ for id_, manager in managers.items() if manager
    )
    for start in managers:  # walking up always reaches the chief executive
        steps, person = 0, start
        while managers[person] is not None:
            person, steps = managers[person], steps + 1
            assert steps < 20, f"a loop above {start}"
    spans = Counter(manager for manager in managers.values() if manager)
    assert sum(5 <= n <= 10 for n in spans.values()) / len(spans) > 0.95

    peers, mentors, mentees = db.exec(
        select(
            func.sum(sa.cast(Membership.is_peer, sa.Integer)),
            func.sum(sa.cast(Membership.is_mentor, sa.Integer)),
            func.sum(sa.cast(Membership.is_mentee, sa.Integer)),
        ).where(Membership.program_id == programs.default_program(db).id)
    ).one()
    assert 0.77 < peers / people < 0.83
    assert 0.22 < mentors / people < 0.28
    assert 0.27 < mentees / people < 0.33

    for login in DEMO_LOGINS:
        person = accounts.authenticate(db, login.email, DEMO_PASSWORD)
        assert person is not None and person.manager_id is not None
        assert person.created_at is not None
    alex = accounts.authenticate(db, DEMO_LOGINS[1].email, DEMO_PASSWORD)
    assert programs.roles_of(programs.membership(db, programs.default_program(db).id, alex.id)) == [
        "mentee",
        "peer",
    ]
    # Requests stay among a bounded set of people, and the next account gets a fresh id.
    assert count(db, PeerRequest) < 250
    newcomer = accounts.create_employee(
        db, email="new.hire@example.com", full_name="New Hire", password=None
    )
    assert newcomer.id == people + 1


def test_the_same_seed_gives_the_same_organisation(db):
    other = make_engine("sqlite://")
    SQLModel.metadata.create_all(other)
    with Session(other) as elsewhere:
        demo.seed(elsewhere, people=500, rng_seed=11)
        expected = _snapshot(elsewhere)
    other.dispose()

    demo.seed(db, people=500, rng_seed=11)

    assert _snapshot(db) == expected


def test_another_seed_gives_another_organisation(db):
    demo.seed(db, people=200, rng_seed=1)
    first = _snapshot(db)
    other = make_engine("sqlite://")
    SQLModel.metadata.create_all(other)
    with Session(other) as elsewhere:
        demo.seed(elsewhere, people=200, rng_seed=2)
        assert _snapshot(elsewhere) != first
    other.dispose()


def _snapshot(db) -> tuple:
    db.expire_all()
    people = db.exec(
        select(
            Employee.id,
            Employee.full_name,
            Employee.email,
            Employee.job_title,
            Employee.department,
            Employee.location,
            Employee.bio,
            Employee.skills,
            Employee.learning_goals,
            Employee.manager_id,
            Employee.is_admin,
        ).order_by(Employee.id)
    ).all()
    members = db.exec(
        select(
            Membership.program_id,
            Membership.employee_id,
            Membership.is_peer,
            Membership.is_mentor,
            Membership.is_mentee,
            Membership.themes,
        ).order_by(Membership.program_id, Membership.employee_id)
    ).all()
    asked = db.exec(
        select(
            PeerRequest.sender_id, PeerRequest.recipient_id, PeerRequest.kind, PeerRequest.status
        ).order_by(PeerRequest.id)
    ).all()
    return tuple(map(tuple, people)), tuple(map(tuple, members)), tuple(map(tuple, asked))
