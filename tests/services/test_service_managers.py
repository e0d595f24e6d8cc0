"""Setting managers (console and service), and the directory's SQL condition for reporting lines.

Works on the org chart of ``org_chart.py``.
"""

from __future__ import annotations

import itertools

import pytest
import sqlalchemy as sa
from org_chart import make_org
from service_helpers import email_for, make_person, reload
from sqlmodel import Session, SQLModel, col, select

from peerapp import cli
from peerapp.db import make_engine
from peerapp.models import Employee, Membership
from peerapp.services import Refused, conflicts


@pytest.fixture
def org(db, program) -> dict[str, Employee]:
    return make_org(db, program)


# ---------------------------------------------------------------- setting managers


def manager_of(db, person: Employee) -> int | None:
    return reload(db, Employee, person.id).manager_id


def test_set_manager_sets_and_clears(db, org):
    changed = conflicts.set_manager(
        db, email=org["nia"].email.upper(), manager_email=org["otto"].email
    )
    assert changed.manager_id == org["otto"].id == manager_of(db, org["nia"])
    conflicts.set_manager(db, email=org["nia"].email, manager_email=None)
    assert manager_of(db, org["nia"]) is None


@pytest.mark.parametrize(
    ("person", "manager", "message"),
    [
        ("lena", "lena", "Lena Lead cannot be their own manager."),
        ("lena", "dana", "Dana Dev reports to Lena Lead"),  # a direct report
        ("cleo", "dora", "Dora Dev reports to Cleo Chief"),  # three levels down
    ],
)
def test_set_manager_refuses_self_and_cycles(db, org, person, manager, message):
    before = manager_of(db, org[person])
    with pytest.raises(Refused, match=message):
        conflicts.set_manager(db, email=org[person].email, manager_email=org[manager].email)
    assert manager_of(db, org[person]) == before


@pytest.mark.parametrize(
    ("email", "manager_email", "message"),
    [
        ("nobody@example.com", None, "There is no account with nobody@example.com."),
        ("nia.newcomer@example.com", "ghost@example.com", "ghost@example.com to be the manager"),
        ("not an email", None, "valid email"),
        (None, None, "Email is required"),
        ("nia.newcomer@example.com", 42, "Email must be text"),
    ],
)
def test_set_manager_refuses_unknown_or_malformed_people(db, org, email, manager_email, message):
    with pytest.raises(Refused, match=message):
        conflicts.set_manager(db, email=email, manager_email=manager_email)
    assert manager_of(db, org["nia"]) is None


def test_console_set_manager(db, org, tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    with Session(engine) as other:
        for name in ("Ada Park", "Bo Boss"):
            make_person(other, None, name)
    engine.dispose()
    monkeypatch.setenv("PEERAPP_DATABASE_URL", url)
    ada, bo = email_for("Ada Park"), email_for("Bo Boss")
    assert cli.main(["set-manager", "--email", ada, "--manager-email", bo]) == 0
    assert "Ada Park <ada.park@example.com> now reports to Bo Boss" in capsys.readouterr().out
    assert cli.main(["set-manager", "--email", bo, "--manager-email", ada]) == 1
    assert "Ada Park reports to Bo Boss" in capsys.readouterr().err
    assert cli.main(["set-manager", "--email", ada, "--none"]) == 0
    assert "Ada Park <ada.park@example.com> has no manager now." in capsys.readouterr().out
    with pytest.raises(SystemExit):  # one of --manager-email and --none, not both
        cli.main(["set-manager", "--email", ada, "--none", "--manager-email", bo])


# ---------------------------------------------------------------- the directory's condition


def shown_to(db, viewer: Employee) -> set[int]:
    db.expire_all()
    return set(db.exec(select(Employee.id).where(conflicts.not_in_reporting_line(viewer.id))).all())


EXCLUDED = {
    "cleo": {"vic", "otto", "lena", "liam", "ola"},
    "vic": {"cleo", "lena", "liam", "dana", "deniz", "dora"},
    "lena": {"vic", "cleo", "dana", "deniz"},
    "dana": {"lena", "vic"},
    "nia": set(),
}


@pytest.mark.parametrize("viewer", list(EXCLUDED))
def test_the_sql_condition_leaves_out_exactly_the_reporting_line(db, org, viewer):
    everyone = {person.id for person in org.values()}
    expected = everyone - {org[name].id for name in EXCLUDED[viewer]}
    assert shown_to(db, org[viewer]) == expected
    # Never NULL: its negation selects exactly the others.
    negated = db.exec(
        select(Employee.id).where(~conflicts.not_in_reporting_line(org[viewer].id))
    ).all()
    assert set(negated) == everyone - expected


def test_the_sql_condition_agrees_with_in_reporting_line_for_every_pair(db, org):
    people = list(org.values())
    for viewer in people:
        shown = shown_to(db, viewer)
        for other in people:
            in_line = conflicts.in_reporting_line(db, viewer.id, other.id)
            assert (other.id not in shown) is in_line, (viewer.full_name, other.full_name)


def test_the_sql_condition_fits_the_directory_query(db, program, org):
    """ANDed into a query over employees joined to memberships, as the search does."""
    lena = org["lena"]
    found = db.exec(
        select(Employee.full_name)
        .join(Membership, col(Membership.employee_id) == col(Employee.id))
        .where(
            col(Membership.program_id) == program.id,
            conflicts.not_in_reporting_line(lena.id),
            col(Employee.id) != lena.id,
        )
        .order_by(sa.func.lower(col(Employee.full_name)))
    ).all()
    assert found == ["Dora Dev", "Liam Lead", "Nia Newcomer", "Ola Other", "Otto Other"]


@pytest.mark.parametrize("bad", [True, "1", 0, -1, 2**63, None])
def test_the_sql_condition_takes_only_a_real_id(bad):
    with pytest.raises(Refused):
        conflicts.not_in_reporting_line(bad)


def test_every_pair_of_a_deeper_chart_agrees(db, program):
    """A deeper chart (a chain of six and side branches): SQL and Python still agree."""
    names = [f"Person {letter}" for letter in "ABCDEFGHIJ"]
    managers = [None, 0, 1, 2, 3, 4, 1, 6, 0, None]
    people = []
    for name, boss in zip(names, managers, strict=True):
        people.append(
            make_person(
                db,
                program,
                name,
                manager_email=people[boss].email if boss is not None else None,
            )
        )
    shown = {viewer.id: shown_to(db, viewer) for viewer in people}
    for viewer, other in itertools.product(people, repeat=2):
        in_line = conflicts.in_reporting_line(db, viewer.id, other.id)
        assert (other.id in shown[viewer.id]) is not in_line, (viewer.full_name, other.full_name)
