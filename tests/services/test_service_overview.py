"""The admins' program overview: what it counts, over which days, and who may see it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from service_helpers import make_person, send

from peerapp.clock import frozen_at
from peerapp.services import Refused, admin, overview, pairings, programs, requests

NOW = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)


@pytest.fixture
def people(db, program):
    names = ("Alice Archer", "Bob Baker", "Carol Cooper", "Dan Dyer", "Eve Ellis", "Fay Fox")
    found = {name.split()[0].lower(): make_person(db, program, name) for name in names}
    found["admin"] = make_person(db, program, "Ann Admin", roles=("mentor",), admin=True)
    found["mentor"] = make_person(db, program, "Max Mentor", roles=("mentor",))
    return found


def figures(db, program, people):
    return overview.program_overview(db, actor_id=people["admin"].id, program_id=program.id)


def accept(db, request, by):
    return requests.accept_request(db, request_id=request.id, actor_id=by.id)


@pytest.mark.parametrize("who", ["peer", "inactive admin", "unknown"])
def test_only_active_admins_see_the_overview(db, program, people, who):
    actor_id = {"peer": people["alice"].id, "unknown": 10_000}.get(who)
    if who == "inactive admin":
        people["admin"].is_active = False
        db.add(people["admin"])
        db.commit()
        actor_id = people["admin"].id

    with pytest.raises(Refused, match="Only program admins can see"):
        overview.program_overview(db, actor_id=actor_id, program_id=program.id)


def test_a_program_without_activity_counts_its_peers_and_nothing_else(db, program, people):
    seen = figures(db, program, people)

    # Six peers; the admin and the mentor have no peer role.
    assert (seen.peers, seen.paused_peers, seen.peers_paired, seen.active_pairings) == (6, 0, 0, 0)
    assert (seen.pending_requests, seen.sent, seen.pairings_started) == (0, 0, 0)
    assert seen.acceptance_percent is None
    assert seen.paired_percent == 0


def test_recent_requests_are_counted_by_what_became_of_them(db, program, people):
    p = people
    with frozen_at(NOW - timedelta(days=2)):
        accept(db, send(db, program, p["alice"], p["bob"]), p["bob"])
        declined = send(db, program, p["carol"], p["dan"])
        requests.decline_request(db, request_id=declined.id, actor_id=p["dan"].id)
        withdrawn = send(db, program, p["dan"], p["eve"])
        requests.withdraw_request(db, request_id=withdrawn.id, actor_id=p["dan"].id)
        send(db, program, p["eve"], p["alice"])
    with frozen_at(NOW - timedelta(days=25)):
        send(db, program, p["fay"], p["carol"])
    with frozen_at(NOW - timedelta(days=5)):
        # Sent 25 days ago with the default 14 days to answer: it has expired.
        requests.expire_due(db)

    with frozen_at(NOW):
        seen = figures(db, program, people)

    assert seen.sent == 5
    assert (seen.accepted, seen.declined, seen.expired, seen.withdrawn_or_cancelled) == (1, 1, 1, 1)
    assert seen.pending_requests == 1
    assert seen.acceptance_percent == 33
    assert (seen.active_pairings, seen.pairings_started, seen.peers_paired) == (1, 1, 2)
    assert seen.paired_percent == 33


def test_the_window_is_the_last_30_days_but_the_current_state_counts_everything(
    db, program, people
):
    p = people
    with frozen_at(NOW - timedelta(days=31)):
        accept(db, send(db, program, p["alice"], p["bob"]), p["bob"])
        send(db, program, p["carol"], p["dan"])
    with frozen_at(NOW - timedelta(days=29)):
        accept(db, send(db, program, p["eve"], p["fay"]), p["fay"])

    with frozen_at(NOW):
        seen = figures(db, program, people)

    # Both pairings and the old pending request are current; only the newer are recent.
    assert (seen.active_pairings, seen.peers_paired, seen.pending_requests) == (2, 4, 1)
    assert (seen.sent, seen.accepted, seen.pairings_started) == (1, 1, 1)


def test_ended_pairings_count_as_ended_not_active(db, program, people):
    p = people
    with frozen_at(NOW - timedelta(days=40)):
        pairing = accept(db, send(db, program, p["alice"], p["bob"]), p["bob"]).pairing
    with frozen_at(NOW - timedelta(days=3)):
        pairings.end_pairing(db, pairing_id=pairing.id, actor_id=p["alice"].id, outcome="completed")

    with frozen_at(NOW):
        seen = figures(db, program, people)

    assert (seen.active_pairings, seen.pairings_started, seen.pairings_ended) == (0, 0, 1)
    assert seen.peers_paired == 0


def test_paused_inactive_and_former_peers(db, program, people):
    p = people
    accept(db, send(db, program, p["alice"], p["bob"]), p["bob"])
    accept(db, send(db, program, p["carol"], p["dan"]), p["dan"])
    membership = programs.membership(db, program.id, p["eve"].id)
    membership.paused = True
    db.add(membership)
    db.commit()
    # Dan leaves the company, Carol drops the peer role: their pairing stays on
    # record, but neither of them is a peer of the program any more.
    admin.set_employee_active(db, actor_id=p["admin"].id, employee_id=p["dan"].id, active=False)
    programs.set_roles(db, program_id=program.id, employee_id=p["carol"].id, roles={"mentee"})

    seen = figures(db, program, people)

    assert (seen.peers, seen.paused_peers) == (4, 1)
    assert (seen.active_pairings, seen.peers_paired) == (2, 2)
    assert seen.paired_percent == 50


def test_other_programs_are_not_counted(db, program, people):
    other = programs.create_program(db, "Cohort 2026")
    other.peer_mentorship_enabled = True
    db.add(other)
    db.commit()
    outsider = make_person(db, other, "Olga Other")
    insider = make_person(db, other, "Ian Insider")
    send(db, other, outsider, insider)

    seen = figures(db, program, people)

    assert (seen.peers, seen.pending_requests, seen.sent) == (6, 0, 0)


def test_someone_in_two_pairings_is_one_paired_peer(db, program, people):
    p = people
    accept(db, send(db, program, p["alice"], p["bob"]), p["bob"])
    accept(db, send(db, program, p["carol"], p["alice"]), p["alice"])

    seen = figures(db, program, people)

    assert (seen.active_pairings, seen.peers_paired) == (2, 3)
