"""What one client may cost the server: frame size, log volume, event rate, sockets.

Raw WebSocket clients like the forged-event cases, through the same ``attack``
fixture (no database change, no leak, no crash inside peerapp); each test also
checks what the server did with its resources.
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid

import pytest
from websockets.exceptions import ConnectionClosed

from tests.browser.attack.conftest import SCENE_PASSWORD, Attack, handler, names
from tests.browser.conftest import RunningApp
from tests.support.reflex_ws import make_event

DISCONNECTED = (ConnectionClosed, ConnectionError, TimeoutError, OSError)
UNKNOWN_HANDLER = "reflex___state____state.peerapp___state___nonexistent____state.load"


def frame_cap() -> int:
    from peerapp import settings

    return getattr(settings, "MAX_FRAME_BYTES", 64 * 1024)


def settled_log_size(app: RunningApp, quiet: float = 0.5, timeout: float = 10.0) -> int:
    """The log's size once the server has stopped writing for ``quiet`` seconds."""
    deadline = time.monotonic() + timeout
    size = app.log_size()
    while time.monotonic() < deadline:
        time.sleep(quiet)
        now = app.log_size()
        if now == size:
            return size
        size = now
    return size


def test_frame_above_the_cap_closes_the_connection(attack: Attack):
    tab = attack.signed_out()
    big = make_event(
        handler("directory", "set_query"), {"value": "a" * (frame_cap() + 1024)}, pathname="/login"
    )
    with pytest.raises(DISCONNECTED):
        tab.emit_event(big)
        tab.settle()
    # The server still serves everyone else.
    other = attack.signed_out()
    other.settle()


def test_large_refused_events_leave_the_log_short(attack: Attack):
    start = settled_log_size(attack.app)
    # Ten anonymous events of 900 KB: each ends its own connection.
    for _ in range(10):
        tab = attack.signed_out()
        with contextlib.suppress(*DISCONNECTED):
            tab.emit_event(make_event(UNKNOWN_HANDLER, {"value": "a" * 900_000}, pathname="/login"))
            tab.settle()
        tab.close()
    grown_by_huge = settled_log_size(attack.app) - start
    # Ten refused events just under the cap on one connection: Reflex logs each.
    tab = attack.signed_out()
    for _ in range(10):
        tab.emit_event(
            make_event(UNKNOWN_HANDLER, {"value": "b" * (frame_cap() - 2048)}, pathname="/login")
        )
    tab.settle()
    grown_by_refused = settled_log_size(attack.app) - start - grown_by_huge
    assert grown_by_huge < 4096, f"10 frames above the cap added {grown_by_huge} bytes of log"
    assert grown_by_refused < 10 * 4096, f"10 refused events added {grown_by_refused} bytes of log"


def _regulars(attack: Attack, count: int) -> list[str]:
    """People who signed in from this address before, none of them throttled.

    Earlier cases fail sign-ins on purpose: this address is likely over its
    failure limit, and the scene's emails may be locked.
    """
    from peerapp.services import accounts, programs, throttle

    emails = []
    with attack.app.db() as db:
        program = programs.default_program(db)
        for _ in range(count):
            email = f"regular-{uuid.uuid4().hex[:10]}@attack.example.com"
            accounts.create_employee(
                db,
                email=email,
                full_name="Regular Signer",
                password=SCENE_PASSWORD,
                program_id=program.id,
                roles={"peer"},
            )
            throttle.record(db, email=email, client="127.0.0.1", succeeded=True)
            emails.append(email)
    return emails


def test_other_tabs_answer_during_a_burst_of_sign_ins(attack: Attack):
    """Password hashing must not stall the worker: a no-op answers mid-burst.

    Behaviour, not timings: the observer's event, sent once every sign-in of
    the burst is on its way, comes back in less than half the burst's time
    (hashed on the event loop, it came back just before the last sign-in).
    """
    burst = 16
    observer = attack.signed_in(pathname="/directory")
    people = _regulars(attack, 4)
    tabs = [attack.signed_out() for _ in range(burst)]
    sent = threading.Barrier(burst + 1)
    answered: list[float] = []
    sign_in_handler = handler("session", "sign_in")  # names resolve in this thread only

    def sign_in(tab, email: str) -> None:
        tab.emit_event(
            make_event(
                sign_in_handler,
                {"form_data": {"email": email, "password": SCENE_PASSWORD}},
                pathname="/login",
            )
        )
        sent.wait(timeout=60)
        tab.settle()
        answered.append(time.monotonic())

    threads = [
        threading.Thread(target=sign_in, args=(tab, people[index % len(people)]))
        for index, tab in enumerate(tabs)
    ]
    for thread in threads:
        thread.start()
    sent.wait(timeout=60)
    started = time.monotonic()
    observer.settle()
    observer_waited = time.monotonic() - started
    for thread in threads:
        thread.join()
    # The sign-ins opened sessions for the scene's people: their own doing, not an attack.
    attack.rebaseline()
    assert len(answered) == burst
    assert all(tab.var(names()["session"], "signed_in") for tab in tabs)
    burst_took = max(answered) - started
    # Hashed on the event loop, the no-op waited for (nearly) the whole burst.
    assert observer_waited < burst_took / 2, (
        f"the observer's no-op took {observer_waited:.3f} s of the burst's {burst_took:.3f} s"
    )


def test_a_flooding_tab_is_throttled_and_others_still_answer(attack: Attack):
    """Hundreds of events a second from one socket: most are dropped, others are served."""
    flood = 1000
    flooder = attack.signed_out()
    bystander = attack.signed_in(pathname="/inbox")
    barrier = flooder.barrier
    name = f"{barrier.state}.{barrier.method}"
    for n in range(flood):
        flooder.emit_event(make_event(name, {barrier.arg: f"flood-{n}"}, pathname="/login"))
    # The other client, on the same address, is answered meanwhile.
    bystander.settle()
    # Let the flooder's bucket refill a little for its own barrier, then count what ran.
    time.sleep(1.5)
    flooder.settle()
    handled = sum(1 for frame in flooder.received.frames if '"flood-' in frame)
    assert 0 < handled < flood / 2, f"{handled} of {flood} flood events were handled"
