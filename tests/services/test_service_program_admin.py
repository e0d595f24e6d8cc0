"""Programs as admins run them and people join them: kinds, dates, switches, archiving, joining."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from service_helpers import make_person, reload, send
from sqlmodel import col, func, select

from peerapp import models
from peerapp.clock import frozen_at
from peerapp.models import Membership, Pairing, PeerRequest, Program, RequestStatus
from peerapp.services import Refused, admin, cohorts, joining, programs, requests, sessions

NOON = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)


def count(db, model, *where) -> int:
    return db.exec(select(func.count()).select_from(model).where(*where)).one()


def statuses(db, program_id: int) -> dict[str, int]:
    rows = db.exec(
        select(PeerRequest.kind, PeerRequest.status, func.count())
        .where(PeerRequest.program_id == program_id)
        .group_by(PeerRequest.kind, PeerRequest.status)
    ).all()
    return {f"{kind}:{status}": n for kind, status, n in rows}


def cohort(db, boss, days_before: int = 10, days_after: int = 30, name: str = "Spring cohort"):
    today = programs.today()
    return admin.add_program(
        db,
        actor_id=boss.id,
        name=name,
        kind="cohort",
        starts_on=(today - timedelta(days=days_before)).isoformat(),
        ends_on=(today + timedelta(days=days_after)).isoformat(),
    )


@pytest.fixture
def boss(db, program):
    return make_person(db, program, "Bea Boss", roles=(), admin=True)


# ---------------------------------------------------------------- creating


def test_an_admin_creates_evergreen_with_peers_on_and_cohort_with_peers_off(db, boss):
    evergreen = admin.add_program(
        db, actor_id=boss.id, name="Always on", description="Open to everyone."
    )
    spring = cohort(db, boss)
    rows = {p.id: reload(db, Program, p.id) for p in (evergreen, spring)}
    assert (rows[evergreen.id].peer_mentorship_enabled, rows[evergreen.id].mentoring_enabled) == (
        True,
        True,
    )
    assert (rows[spring.id].peer_mentorship_enabled, rows[spring.id].mentoring_enabled) == (
        False,
        True,
    )
    assert rows[evergreen.id].description == "Open to everyone."
    assert programs.themes_of(rows[spring.id]) == list(models.DEFAULT_THEMES)


@pytest.mark.parametrize(
    ("starts", "ends", "message"),
    [
        (None, "2027-06-01", "needs a start date and an end date"),
        ("2027-06-01", "", "needs a start date and an end date"),
        ("2027-06-02", "2027-06-01", "cannot end before it starts"),
        ("June 1st", "2027-06-30", "must be a date"),
        ("2027-02-30", "2027-06-30", "must be a date"),
        (20270601, "2027-06-30", "must be a date"),
    ],
)
def test_a_cohort_needs_two_sensible_dates(db, boss, starts, ends, message):
    before = count(db, Program)
    with pytest.raises(Refused, match=message):
        admin.add_program(
            db, actor_id=boss.id, name="Bad", kind="cohort", starts_on=starts, ends_on=ends
        )
    db.rollback()
    assert count(db, Program) == before


def test_only_admins_create_and_archive_programs(db, program, people):
    before = count(db, Program)
    with pytest.raises(Refused, match="Only admins can create programs"):
        admin.add_program(db, actor_id=people["alice"].id, name="Mine")
    with pytest.raises(Refused, match="Only admins can archive programs"):
        admin.archive_program(db, actor_id=people["alice"].id, program_id=program.id)
    db.rollback()
    assert count(db, Program) == before
    assert reload(db, Program, program.id).archived_at is None


# ---------------------------------------------------------------- switches and themes


def test_switching_mentoring_off_cancels_only_mentoring_requests(db, program, people):
    p = people
    programs.set_roles(db, program_id=program.id, employee_id=p["bob"].id, roles={"peer", "mentor"})
    programs.set_roles(
        db, program_id=program.id, employee_id=p["alice"].id, roles={"peer", "mentee"}
    )
    db.commit()
    send(db, program, p["carol"], p["dan"])
    requests.send_request(
        db,
        program_id=program.id,
        sender_id=p["alice"].id,
        recipient_id=p["bob"].id,
        as_role="mentee",
    )

    change = admin.update_program_settings(
        db,
        actor_id=p["admin"].id,
        program_id=program.id,
        peer_mentorship_enabled=True,
        mentoring_enabled=False,
    )

    assert change.told == {p["alice"].id, p["bob"].id}
    assert statuses(db, program.id) == {"peer:pending": 1, "mentoring:cancelled": 1}
    assert reload(db, Program, program.id).mentoring_enabled is False
    with pytest.raises(Refused, match="Mentor–mentee pairing is turned off"):
        requests.send_request(
            db,
            program_id=program.id,
            sender_id=p["alice"].id,
            recipient_id=p["bob"].id,
            as_role="mentee",
        )


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Ship it\n  ship IT \n\nHiring well", "Ship it\nHiring well"),
        ("One theme", "One theme"),
    ],
)
def test_admins_edit_a_programs_themes(db, program, people, typed, stored):
    admin.update_program_settings(
        db,
        actor_id=people["admin"].id,
        program_id=program.id,
        peer_mentorship_enabled=True,
        themes=typed,
    )
    assert reload(db, Program, program.id).themes == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("\n \n", "at least one theme"),
        ("\n".join(f"Theme {n}" for n in range(13)), "at most 12 themes"),
        ("x" * 121, "A theme"),
        (["a list"], "Themes"),
    ],
)
def test_bad_themes_are_refused_and_change_nothing(db, program, people, typed, message):
    with pytest.raises(Refused, match=message):
        admin.update_program_settings(
            db,
            actor_id=people["admin"].id,
            program_id=program.id,
            peer_mentorship_enabled=True,
            themes=typed,
        )
    assert programs.themes_of(reload(db, Program, program.id)) == list(models.DEFAULT_THEMES)


# ---------------------------------------------------------------- archiving


def test_archiving_cancels_pending_requests_keeps_pairings_and_freezes_the_program(
    db, program, people
):
    p = people
    send(db, program, p["alice"], p["bob"])
    paired = send(db, program, p["carol"], p["dan"])
    requests.accept_request(db, request_id=paired.id, actor_id=p["dan"].id)

    change = admin.archive_program(db, actor_id=p["admin"].id, program_id=program.id)

    assert change.told == {p["alice"].id, p["bob"].id}
    assert statuses(db, program.id) == {"peer:cancelled": 1, "peer:accepted": 1}
    assert count(db, Pairing, Pairing.status == "active") == 1
    assert reload(db, Program, program.id).archived_at is not None
    with pytest.raises(Refused, match="is archived"):
        send(db, program, p["eve"], p["alice"])
    with pytest.raises(Refused, match="is archived"):
        admin.update_program_settings(
            db, actor_id=p["admin"].id, program_id=program.id, peer_mentorship_enabled=False
        )
    with pytest.raises(Refused, match="archived already"):
        admin.archive_program(db, actor_id=p["admin"].id, program_id=program.id)


# ---------------------------------------------------------------- joining


def test_joining_registers_roles_places_and_themes_and_makes_it_current(db, boss, people):
    spring = cohort(db, boss)
    alice = people["alice"]
    themes = programs.themes_of(spring)[:2]

    joining.join_program(
        db,
        program_id=spring.id,
        employee_id=alice.id,
        roles=["mentor"],
        capacity=1,
        mentee_capacity="4",
        themes=themes,
    )

    member = db.exec(select(Membership).where(Membership.program_id == spring.id)).one()
    assert (member.is_mentor, member.is_mentee, member.is_peer) == (True, False, False)
    assert (member.capacity, member.mentee_capacity) == (1, 4)
    assert member.themes.split("\n") == themes
    assert sessions.current_program_id(db, alice.id) == spring.id


def test_peer_is_offered_only_while_peer_pairing_is_on(db, boss, people):
    spring = cohort(db, boss)  # cohorts start with peer pairing off
    with pytest.raises(Refused, match="does not offer the peer role"):
        joining.join_program(
            db, program_id=spring.id, employee_id=people["alice"].id, roles=["peer", "mentee"]
        )
    assert count(db, Membership, Membership.program_id == spring.id) == 0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"roles": []}, "at least one role"),
        ({"roles": ["boss"]}, "Roles can only be"),
        ({"roles": ["mentee"], "capacity": -1}, "Peer places"),
        ({"roles": ["mentee"], "mentee_capacity": "lots"}, "Mentee places"),
        ({"roles": ["mentee"], "themes": ["Not a theme of it"]}, "program's themes"),
        ({"roles": ["mentee"], "program_id": 999_999}, "does not exist"),
        ({"roles": ["mentee"], "program_id": "1; drop"}, "not valid"),
    ],
)
def test_a_bad_join_is_refused_and_changes_nothing(db, boss, people, fields, message):
    spring = cohort(db, boss)
    arguments = {"program_id": spring.id, "employee_id": people["alice"].id, **fields}
    with pytest.raises(Refused, match=message):
        joining.join_program(db, **arguments)
    assert count(db, Membership, Membership.program_id == spring.id) == 0


def test_joining_twice_or_a_closed_program_is_refused(db, program, boss, people):
    alice = people["alice"]
    with pytest.raises(Refused, match="in .* already"):
        joining.join_program(db, program_id=program.id, employee_id=alice.id, roles=["peer"])
    over = cohort(db, boss, days_before=40, days_after=-1, name="Autumn cohort")
    with pytest.raises(Refused, match="ended on"):
        joining.join_program(db, program_id=over.id, employee_id=alice.id, roles=["mentee"])
    admin.archive_program(db, actor_id=boss.id, program_id=program.id)
    newcomer = make_person(db, None, "Nia New", roles=())
    with pytest.raises(Refused, match="is archived"):
        joining.join_program(db, program_id=program.id, employee_id=newcomer.id, roles=["peer"])
    assert count(db, Membership, Membership.employee_id == newcomer.id) == 0


def test_people_register_before_a_cohort_starts_but_requests_wait_for_it(db, boss, people):
    later = cohort(db, boss, days_before=-5, days_after=60)
    alice, bob = people["alice"], people["bob"]
    joining.join_program(db, program_id=later.id, employee_id=alice.id, roles=["mentee"])
    joining.join_program(db, program_id=later.id, employee_id=bob.id, roles=["mentor"])
    with pytest.raises(Refused, match="starts on .*: requests open then"):
        requests.send_request(
            db, program_id=later.id, sender_id=alice.id, recipient_id=bob.id, as_role="mentee"
        )
    assert count(db, PeerRequest, PeerRequest.program_id == later.id) == 0


# ---------------------------------------------------------------- the current program


def test_the_current_program_is_chosen_among_ones_own_and_any_for_admins(db, program, boss, people):
    spring = cohort(db, boss)
    alice = people["alice"]
    assert sessions.current_program_id(db, alice.id) == program.id
    with pytest.raises(Refused, match="not in it"):
        joining.choose_program(db, employee_id=alice.id, program_id=spring.id)
    assert sessions.current_program_id(db, alice.id) == program.id
    assert joining.choose_program(db, employee_id=boss.id, program_id=spring.id).id == spring.id
    assert sessions.current_program_id(db, boss.id) == spring.id
    assert [name for _, name in joining.switcher(db, employee_id=alice.id)] == [program.name]
    assert {name for _, name in joining.switcher(db, employee_id=boss.id)} == {
        program.name,
        spring.name,
    }


def test_the_session_resolves_to_the_chosen_program(db, program, boss, people):
    spring = cohort(db, boss)
    alice = people["alice"]
    joining.join_program(db, program_id=spring.id, employee_id=alice.id, roles=["mentee"])
    token = sessions.start_session(db, alice.id)
    assert sessions.resolve_session_in_program(db, token)[1] == spring.id
    joining.choose_program(db, employee_id=alice.id, program_id=program.id)
    assert sessions.resolve_session_in_program(db, token)[1] == program.id


def test_the_catalogue_lists_mine_joinable_and_for_admins_the_rest(db, program, boss, people):
    spring = cohort(db, boss)
    ended = cohort(db, boss, days_before=40, days_after=-2, name="Old cohort")
    alice = people["alice"]
    seen = joining.catalogue(db, employee_id=alice.id, current_program_id=program.id)
    assert [c.name for c in seen.mine] == [program.name]
    assert seen.mine[0].is_current and seen.mine[0].roles == ["peer"]
    assert [c.name for c in seen.joinable] == [spring.name]
    assert seen.others == []
    as_admin = joining.catalogue(db, employee_id=boss.id, current_program_id=program.id)
    assert [c.name for c in as_admin.others] == [ended.name]
    assert as_admin.others[0].closed_reason.startswith("Old cohort ended on")


# ---------------------------------------------------------------- the end of a cohort


def test_a_cohort_completes_its_pairings_and_closes_its_requests_once_it_ends(db, boss, people):
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    with frozen_at(NOON):
        spring = cohort(db, boss, days_before=5, days_after=20)
        joining.join_program(db, program_id=spring.id, employee_id=alice.id, roles=["mentor"])
        for person in (bob, carol):
            joining.join_program(db, program_id=spring.id, employee_id=person.id, roles=["mentee"])
        paired = requests.send_request(
            db, program_id=spring.id, sender_id=bob.id, recipient_id=alice.id, as_role="mentee"
        ).request
        requests.accept_request(db, request_id=paired.id, actor_id=alice.id)
        requests.send_request(
            db, program_id=spring.id, sender_id=carol.id, recipient_id=alice.id, as_role="mentee"
        )
    with frozen_at(NOON + timedelta(days=20)):  # its last day: still running
        assert cohorts.close_ended_cohorts(db).told == set()
    with frozen_at(NOON + timedelta(days=21)):
        change = cohorts.close_ended_cohorts(db)
        again = cohorts.close_ended_cohorts(db)

    assert change.told == {alice.id, bob.id, carol.id}
    assert again.told == set()
    pairing = db.exec(select(Pairing).where(Pairing.program_id == spring.id)).one()
    assert (pairing.status, pairing.end_outcome, pairing.ended_by_id) == (
        "ended",
        "completed",
        None,
    )
    assert statuses(db, spring.id) == {"mentoring:accepted": 1, "mentoring:cancelled": 1}
    cancelled = db.exec(
        select(PeerRequest).where(col(PeerRequest.status) == RequestStatus.CANCELLED.value)
    ).one()
    assert cancelled.close_reason.startswith("Spring cohort ended on ")
    assert reload(db, Program, spring.id).closed_at is not None


def test_evergreen_programs_never_end(db, program, people):
    paired = send(db, program, people["alice"], people["bob"])
    requests.accept_request(db, request_id=paired.id, actor_id=people["bob"].id)
    with frozen_at(NOON + timedelta(days=3650)):
        assert cohorts.close_ended_cohorts(db).told == set()
    assert count(db, Pairing, Pairing.status == "active") == 1


def test_dates_print_as_people_read_them(db, boss):
    spring = admin.add_program(
        db,
        actor_id=boss.id,
        name="Q2",
        kind="cohort",
        starts_on=date(2027, 4, 1),
        ends_on=date(2027, 6, 30),
    )
    with frozen_at(datetime(2027, 7, 1, tzinfo=UTC)):
        assert programs.closed_because(spring) == "Q2 ended on 30 June 2027."


def test_a_chosen_program_stops_counting_once_one_may_not_work_in_it(db, program, boss):
    spring = cohort(db, boss)
    joining.choose_program(db, employee_id=boss.id, program_id=spring.id)
    assert sessions.current_program_id(db, boss.id) == spring.id
    row = reload(db, models.Employee, boss.id)
    row.is_admin = False
    db.add(row)
    db.commit()
    assert sessions.current_program_id(db, boss.id) == program.id
