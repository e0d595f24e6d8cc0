"""Hiding people from your own directory results: for yourself only, idempotent, in SQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from service_helpers import make_person
from sqlmodel import col, func, select

from peerapp.models import Employee, HiddenPerson, Membership
from peerapp.services import Refused, hiding


def hidden_rows(db) -> set[tuple[int, int]]:
    """Every (viewer, hidden) pair, fresh from the database."""
    db.commit()
    db.expire_all()
    return set(db.exec(select(HiddenPerson.viewer_id, HiddenPerson.hidden_id)).all())


def shown_to(db, viewer) -> set[int]:
    db.expire_all()
    return set(db.exec(select(Employee.id).where(hiding.not_hidden_by(viewer.id))).all())


def test_hide_then_show_again(db, people):
    alice, bob = people["alice"], people["bob"]
    change = hiding.hide(db, viewer_id=alice.id, person_id=bob.id)
    assert change.changed and change.person.full_name == "Bob Baker"
    # Nothing left open: on SQLite an open transaction holds the write lock.
    assert not db.in_transaction()
    assert change.told == {alice.id}
    assert hidden_rows(db) == {(alice.id, bob.id)}
    assert [item.full_name for item in hiding.hidden_people(db, viewer_id=alice.id)] == [
        "Bob Baker"
    ]
    alice_id, bob_id = alice.id, bob.id
    shown = hiding.unhide(db, viewer_id=alice_id, person_id=bob_id)
    assert not db.in_transaction()
    assert shown.changed and shown.person.id == bob_id
    assert hidden_rows(db) == set()
    assert hiding.hidden_people(db, viewer_id=alice.id) == []


def test_hiding_or_showing_twice_changes_nothing_more(db, people):
    alice, bob = people["alice"], people["bob"]
    hiding.hide(db, viewer_id=alice.id, person_id=bob.id)
    again = hiding.hide(db, viewer_id=alice.id, person_id=bob.id)
    assert not again.changed and again.person.id == bob.id
    assert hidden_rows(db) == {(alice.id, bob.id)}
    hiding.unhide(db, viewer_id=alice.id, person_id=bob.id)
    assert not hiding.unhide(db, viewer_id=alice.id, person_id=bob.id).changed
    assert hidden_rows(db) == set()


def test_a_racing_second_insert_keeps_one_row(db, people):
    """Two clicks that both passed the check: the unique pair keeps one row, no error."""
    alice, bob = people["alice"], people["bob"]
    hiding.hide(db, viewer_id=alice.id, person_id=bob.id)
    assert db.execute(hiding._insert_once(db, alice.id, bob.id)).first() is None
    assert hidden_rows(db) == {(alice.id, bob.id)}


def test_each_person_hides_only_for_themselves(db, people):
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    hiding.hide(db, viewer_id=alice.id, person_id=carol.id)
    hiding.hide(db, viewer_id=bob.id, person_id=carol.id)
    # Bob showing Carol again touches Bob's row only.
    hiding.unhide(db, viewer_id=bob.id, person_id=carol.id)
    assert hidden_rows(db) == {(alice.id, carol.id)}
    assert hiding.hidden_people(db, viewer_id=bob.id) == []
    # Carol, who was hidden, cannot undo Alice's choice either.
    assert not hiding.unhide(db, viewer_id=carol.id, person_id=alice.id).changed
    assert hidden_rows(db) == {(alice.id, carol.id)}


def test_hiding_yourself_is_refused(db, people):
    with pytest.raises(Refused, match="can't hide yourself"):
        hiding.hide(db, viewer_id=people["alice"].id, person_id=people["alice"].id)
    assert hidden_rows(db) == set()


def test_hiding_someone_who_does_not_exist_or_left_is_refused_alike(db, people):
    alice, eve = people["alice"], people["eve"]
    db.execute(sa.update(Employee).where(col(Employee.id) == eve.id).values(is_active=False))
    db.commit()
    for person_id in (eve.id, 987_654):
        with pytest.raises(Refused, match="That person is not in the directory."):
            hiding.hide(db, viewer_id=alice.id, person_id=person_id)
    with pytest.raises(Refused, match="does not exist"):
        hiding.unhide(db, viewer_id=alice.id, person_id=987_654)
    assert hidden_rows(db) == set()


BAD_IDS = [None, True, False, 0, -1, 3.5, "2", "1 OR 1=1", [2], {"id": 2}, 2**31, 2**63, 10**40]


@pytest.mark.parametrize("bad", BAD_IDS, ids=repr)
def test_ids_that_are_not_ids_are_refused(db, people, bad):
    for service in (hiding.hide, hiding.unhide):
        with pytest.raises(Refused, match="That person is not valid."):
            service(db, viewer_id=people["alice"].id, person_id=bad)
    assert hidden_rows(db) == set()


def test_there_is_a_most_people_to_hide(db, program, people, monkeypatch):
    monkeypatch.setattr(hiding, "HIDDEN_MAX", 2)
    alice = people["alice"]
    for key in ("bob", "carol"):
        hiding.hide(db, viewer_id=alice.id, person_id=people[key].id)
    with pytest.raises(Refused, match="You have hidden 2 people, the most there can be"):
        hiding.hide(db, viewer_id=alice.id, person_id=people["dan"].id)
    # Hiding someone already hidden is still fine at the limit.
    assert not hiding.hide(db, viewer_id=alice.id, person_id=people["bob"].id).changed
    assert len(hidden_rows(db)) == 2


def test_the_profile_list_is_by_name_and_leaves_out_people_who_left(db, program, people):
    alice = people["alice"]
    zed = make_person(db, program, "zed Zimmer", job_title="Chef")
    for person in (zed, people["dan"], people["bob"], people["eve"]):
        hiding.hide(db, viewer_id=alice.id, person_id=person.id)
    db.execute(
        sa.update(Employee).where(col(Employee.id) == people["eve"].id).values(is_active=False)
    )
    db.commit()
    listed = hiding.hidden_people(db, viewer_id=alice.id)
    assert [item.full_name for item in listed] == ["Bob Baker", "Dan Dyer", "zed Zimmer"]
    assert listed[-1].job_title == "Chef"


def test_the_sql_condition_leaves_out_exactly_the_viewers_hidden_people(db, people):
    alice, bob, carol, dan = (people[key] for key in ("alice", "bob", "carol", "dan"))
    everyone = {person.id for person in people.values()}
    hiding.hide(db, viewer_id=alice.id, person_id=bob.id)
    hiding.hide(db, viewer_id=alice.id, person_id=carol.id)
    hiding.hide(db, viewer_id=dan.id, person_id=alice.id)
    assert shown_to(db, alice) == everyone - {bob.id, carol.id}
    assert shown_to(db, dan) == everyone - {alice.id}
    assert shown_to(db, bob) == everyone
    hidden = db.exec(select(Employee.id).where(~hiding.not_hidden_by(alice.id))).all()
    assert set(hidden) == {bob.id, carol.id}


def test_the_sql_condition_fits_the_directory_query(db, program, people):
    """ANDed into a query over employees joined to memberships, with a count, as the search."""
    alice = people["alice"]
    hiding.hide(db, viewer_id=alice.id, person_id=people["bob"].id)
    rows = db.exec(
        select(Employee.full_name, func.count().over())
        .join(Membership, col(Membership.employee_id) == col(Employee.id))
        .where(col(Membership.program_id) == program.id, hiding.not_hidden_by(alice.id))
        .order_by(col(Employee.full_name))
    ).all()
    assert [name for name, _ in rows] == [
        "Alice Archer",
        "Ann Admin",
        "Carol Cooper",
        "Dan Dyer",
        "Eve Ellis",
    ]
    assert {total for _, total in rows} == {5}


@pytest.mark.parametrize("bad", [True, "1", 0, None])
def test_the_sql_condition_takes_only_a_real_id(bad):
    with pytest.raises(Refused):
        hiding.not_hidden_by(bad)
