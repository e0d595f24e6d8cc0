"""Live channels and ended sessions, attacked over raw sockets.

A person's open tabs follow a shared channel; a browser picks its own tab
token. These cases try to take a channel by naming a socket after it, and check
that a tab whose session ended elsewhere goes silent without sending anything.
Each is one more parametrised ``test_forged_event_is_refused`` case, counted in
the attack suite's summary line, under the same ``attack`` checks (database
unchanged, nothing private reached any socket, no crash in peerapp).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import pytest

from tests.browser.attack.conftest import Attack, handler, names
from tests.browser.attack.test_forged_events import _inbox_updates, session_key
from tests.support.reflex_ws import ReflexClient, handler_name

CASES = {}


def case(function):
    """Register a case under its function name."""
    CASES[function.__name__.removeprefix("case_")] = function
    return function


def _listen(made: ReflexClient, seconds: float) -> None:
    """Take in whatever the server pushes to this tab for ``seconds``, sending nothing."""
    deadline = time.monotonic() + seconds
    saved = made.timeout
    try:
        while (left := deadline - time.monotonic()) > 0:
            made.timeout = left
            try:
                made._keep(made._recv())
            except TimeoutError:
                break
    finally:
        made.timeout = saved


def _until(made: ReflexClient, condition, seconds: float = 10.0) -> bool:
    """Listen until ``condition()`` holds (True) or ``seconds`` pass (False)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        _listen(made, 0.2)
    return True


def _channel_of(attack: Attack, key: str) -> str:
    """The real channel name of a cast member, as only the server can compute it."""
    from peerapp.services import channels

    with attack.app.db() as db:
        return channels.channel_name(channels.server_key(db), attack.scene.ids[key])


def _refused(made: ReflexClient) -> bool:
    try:
        made.connect(pathname="/inbox")
    except ConnectionError:
        return True
    return False


# --- 1. claiming somebody's channel --------------------------------------------------


@case
def case_socket_named_after_a_persons_channel(attack: Attack):
    """No account, a tab token equal to Walt's channel (old and new naming): refused."""
    walt = attack.scene.ids["walt"]
    for token in [f"inbox{walt}", _channel_of(attack, "walt")]:
        made = attack.client(token=token, viewer="anonymous")
        assert _refused(made), f"a socket named {token!r} was let in"


@case
def case_socket_with_a_token_reflex_never_makes(attack: Attack):
    """Tab tokens not of the UUID shape Reflex generates cannot connect at all."""
    sample = str(uuid.uuid4())
    for token in [
        "x",
        "inbox",
        sample.upper(),
        sample + "0",
        sample.replace("-", ""),
        sample[:-1] + "_",
        "../" + sample,
        "a" * 5000,
    ]:
        made = attack.client(token=token, viewer="anonymous")
        assert _refused(made), f"a socket named {token[:50]!r} was let in"


@case
def case_signed_in_on_a_tab_named_after_a_channel(attack: Attack):
    """Oscar signs in on a tab named after Walt's channel: refused before the sign-in."""
    made = attack.client(token=_channel_of(attack, "walt"))
    with pytest.raises(ConnectionError):
        made.connect(pathname="/inbox", storage={session_key(): attack.scene.oscar_token})


# --- 2. sessions ended elsewhere -------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    """Two people of their own for the ended-session cases (no other case touches them)."""

    sender: int
    recipient: int
    password: str = "quiet-tab-scene-password"


_PAIR: list[Pair] = []


@pytest.fixture(scope="module", autouse=True)
def pair(app_server) -> Pair:
    """Quinn sends requests to Rory, whose tabs are watched."""
    from peerapp.services import accounts, programs

    with app_server.db() as db:
        program_id = programs.default_program(db).id
        ids = [
            accounts.create_employee(
                db,
                email=f"{name.lower()}.quiet@attack.example.com",
                full_name=f"{name} Quiet",
                password=Pair.password,
                job_title="Scene Member",
                department="Attack Lab",
                program_id=program_id,
                roles={"peer"},
            ).id
            for name in ("Quinn", "Rory")
        ]
    _PAIR[:] = [Pair(sender=ids[0], recipient=ids[1])]
    return _PAIR[0]


def _token(attack: Attack, employee_id: int) -> str:
    from peerapp.services import sessions

    with attack.app.db() as db:
        return sessions.start_session(db, employee_id, days=1)


def _end_by_signing_out_everywhere(attack: Attack, people: Pair, token: str) -> None:
    elsewhere = attack.signed_in(token, pathname="/profile", viewer=None)
    elsewhere.send(handler("session", "sign_out_everywhere"), pathname="/profile")


def _end_by_signing_out_in_another_tab(attack: Attack, people: Pair, token: str) -> None:
    other_tab = attack.signed_in(token, pathname="/inbox", viewer=None)
    other_tab.send(handler("session", "sign_out"))


def _end_by_a_password_change_elsewhere(attack: Attack, people: Pair, token: str) -> None:
    from peerapp.state.account import AccountState

    # The person, signed in on another device, changes the password there (and
    # back, so each run starts from the same password).
    device = attack.signed_in(_token(attack, people.recipient), pathname="/profile", viewer=None)
    interim = "Ended-elsewhere-interim-9431"
    for old, new in [(people.password, interim), (interim, people.password)]:
        updates = device.send(
            handler_name(AccountState, "change_password"),
            {"form_data": {"current_password": old, "new_password": new, "repeat_password": new}},
            pathname="/profile",
        )
        assert any("Password changed" in str(u.get("events")) for u in updates), updates


def _quiet_tab_goes_silent(attack: Attack, end_session) -> None:
    """Rory's quiet tab stops receiving his pushes the moment his session ends elsewhere.

    The quiet tab sends nothing after its page load. A tab Rory opens afterwards
    with a new sign-in is the control: it does receive Quinn's request, so the
    push happened and the quiet tab's silence means something.
    """
    from sqlmodel import select

    from peerapp.models import PeerRequest
    from peerapp.services import requests

    people = _PAIR[0]
    token = _token(attack, people.recipient)
    quiet = attack.signed_in(token, pathname="/inbox", viewer=None)
    end_session(attack, people, token)
    session = names()["session"]
    assert _until(quiet, lambda: quiet.var(session, "session_ended") is True), (
        "the quiet tab was not told that its session ended"
    )
    assert quiet.var(session, "signed_in") is False
    attack.watch_from_now(quiet, "anonymous")
    first = len(quiet.received.frames)
    control = attack.signed_in(_token(attack, people.recipient), pathname="/inbox", viewer=None)
    control_first = len(control.received.frames)
    sender = attack.signed_in(_token(attack, people.sender), pathname="/directory", viewer=None)
    sender.send(handler("directory", "request_peer"), {"recipient_id": people.recipient})
    assert _until(control, lambda: bool(_inbox_updates(control, control_first))), (
        "the control tab never received the request: the push did not happen"
    )
    _listen(quiet, 1.0)
    assert not _inbox_updates(quiet, first), "a tab of an ended session still got the push"
    # Rory declines (his own action), so the pair is free for the next case.
    with attack.app.db() as db:
        request_id = db.exec(
            select(PeerRequest.id).where(
                PeerRequest.sender_id == people.sender,
                PeerRequest.recipient_id == people.recipient,
                PeerRequest.status == "pending",
            )
        ).one()
        requests.decline_request(db, request_id=request_id, actor_id=people.recipient)
    attack.rebaseline()  # sign-ins, the ending, the request and its decline are theirs


@case
def case_quiet_tab_after_sign_out_everywhere(attack: Attack):
    _quiet_tab_goes_silent(attack, _end_by_signing_out_everywhere)


@case
def case_quiet_tab_after_sign_out_in_another_tab(attack: Attack):
    _quiet_tab_goes_silent(attack, _end_by_signing_out_in_another_tab)


@case
def case_quiet_tab_after_a_password_change_elsewhere(attack: Attack):
    _quiet_tab_goes_silent(attack, _end_by_a_password_change_elsewhere)


# --- 5. what a signed-out tab still holds --------------------------------------------


@case
def case_reload_after_sign_out_shows_nothing_of_the_last_person(attack: Attack):
    """Oscar signs out; the same tab reloaded (same tab token) shows none of his data."""
    tab = attack.signed_in(attack.scene.token_for(attack.app, "oscar"), pathname="/profile")
    tab.send(handler("profile", "load"), pathname="/profile")
    loaded = tab.var(names()["profile"], "profile") or {}
    assert loaded.get("email"), "the profile did not load"
    tab.send(handler("session", "sign_out"), pathname="/profile")
    attack.rebaseline()  # signing out is Oscar's own change
    tab.close()
    attack.watch_from_now(tab, "anonymous")
    tab.connect(pathname="/profile")


CASE_NAMES = sorted(CASES)


@pytest.mark.parametrize("name", CASE_NAMES)
def test_forged_event_is_refused(name: str, attack: Attack):
    CASES[name](attack)
