"""Nobody pairs with their manager, manager's manager or direct reports, whatever is sent.

Every test works on the org chart of ``org_chart.py``; managers are changed
with ``conflicts.set_manager`` (its own rules: test_service_managers.py).
"""

from __future__ import annotations

import pytest
from org_chart import make_org
from service_helpers import reload
from sqlmodel import func, select

from peerapp.models import Employee, Pairing, PeerRequest
from peerapp.services import Refused, conflicts, requests

# Each side a sender can take: a peer request, asking to be mentored, offering to mentor.
SIDES = ["peer", "mentee", "mentor"]


@pytest.fixture
def org(db, program) -> dict[str, Employee]:
    return make_org(db, program)


def send(db, program, sender, recipient, side="peer"):
    return requests.send_request(
        db, program_id=program.id, sender_id=sender.id, recipient_id=recipient.id, as_role=side
    )


def counts(db) -> tuple[int, int]:
    db.expire_all()
    return (
        db.exec(select(func.count()).select_from(PeerRequest)).one(),
        db.exec(select(func.count()).select_from(Pairing)).one(),
    )


def refusal_for(name: str) -> str:
    return f"You can't pair with {name}: they are in your reporting line."


# ---------------------------------------------------------------- who is in a line

IN_LINE = [
    ("dana", "lena"),  # manager
    ("dana", "vic"),  # manager's manager
    ("lena", "dana"),  # direct report
    ("vic", "dana"),  # a report's report: Vic is Dana's manager's manager
    ("ola", "otto"),
    ("ola", "cleo"),
    ("liam", "cleo"),
]
NOT_IN_LINE = [
    ("dana", "cleo"),  # three levels up
    ("dana", "deniz"),  # same manager
    ("dana", "liam"),  # manager's peer
    ("dana", "dora"),  # cousins
    ("dana", "ola"),  # another branch
    ("dana", "nia"),  # nobody's report
    ("lena", "liam"),
]


@pytest.mark.parametrize(("first", "second"), IN_LINE + NOT_IN_LINE)
def test_in_reporting_line_is_two_levels_up_from_either_side(db, org, first, second):
    expected = (first, second) in IN_LINE
    assert conflicts.in_reporting_line(db, org[first].id, org[second].id) is expected
    assert conflicts.in_reporting_line(db, org[second].id, org[first].id) is expected


def test_nobody_is_in_their_own_line_and_unknown_people_in_none(db, org):
    assert not conflicts.in_reporting_line(db, org["dana"].id, org["dana"].id)
    assert not conflicts.in_reporting_line(db, org["dana"].id, 987_654)


# ---------------------------------------------------------------- sending


@pytest.mark.parametrize("side", SIDES)
@pytest.mark.parametrize(
    ("sender", "recipient"),
    [("dana", "lena"), ("dana", "vic"), ("lena", "dana"), ("vic", "dana")],
    ids=["to-manager", "to-managers-manager", "to-direct-report", "to-reports-report"],
)
def test_a_request_within_a_reporting_line_is_refused(db, program, org, side, sender, recipient):
    with pytest.raises(Refused) as refused:
        send(db, program, org[sender], org[recipient], side)
    assert str(refused.value) == refusal_for(org[recipient].full_name)
    assert counts(db) == (0, 0)


@pytest.mark.parametrize("side", SIDES)
@pytest.mark.parametrize("recipient", ["deniz", "cleo", "dora", "nia"])
def test_colleagues_outside_the_line_can_pair(db, program, org, side, recipient):
    outcome = send(db, program, org["dana"], org[recipient], side)
    requests.accept_request(db, request_id=outcome.request.id, actor_id=org[recipient].id)
    assert counts(db) == (1, 1)


# ---------------------------------------------------------------- accepting


# After Dana sent Nia a request, an admin changes managers so that, seen from Nia...
NEW_LINES = {
    "dana-is-now-her-manager": [("nia", "dana")],
    "dana-is-now-her-managers-manager": [("ola", "dana"), ("nia", "ola")],
    "dana-now-reports-to-her": [("dana", "nia")],
    "dana-now-reports-to-her-report": [("lena", "nia")],
}


@pytest.mark.parametrize("side", SIDES)
@pytest.mark.parametrize("new_line", list(NEW_LINES))
def test_accepting_is_refused_when_the_line_changed_after_sending(db, program, org, side, new_line):
    dana, nia = org["dana"], org["nia"]
    request_id = send(db, program, dana, nia, side).request.id
    for person, manager in NEW_LINES[new_line]:
        conflicts.set_manager(db, email=org[person].email, manager_email=org[manager].email)
    with pytest.raises(Refused) as refused:
        requests.accept_request(db, request_id=request_id, actor_id=nia.id)
    assert str(refused.value) == refusal_for(dana.full_name)
    assert reload(db, PeerRequest, request_id).status == "pending"
    assert counts(db) == (1, 0)


def test_asking_back_after_the_line_changed_is_refused_too(db, program, org):
    """Nia sending Dana the same request would accept hers at once: it is a send, refused."""
    dana, nia = org["dana"], org["nia"]
    request_id = send(db, program, dana, nia).request.id
    conflicts.set_manager(db, email=nia.email, manager_email=dana.email)
    with pytest.raises(Refused, match="reporting line"):
        send(db, program, nia, dana)
    assert reload(db, PeerRequest, request_id).status == "pending"
    assert counts(db) == (1, 0)


def test_a_request_sent_after_the_manager_left_the_line_goes_through(db, program, org):
    conflicts.set_manager(db, email=org["dana"].email, manager_email=org["liam"].email)
    outcome = send(db, program, org["dana"], org["lena"])
    requests.accept_request(db, request_id=outcome.request.id, actor_id=org["lena"].id)
    assert counts(db) == (1, 1)
