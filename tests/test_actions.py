"""The one handler shape (``state/actions.act``), without a server or a database.

The sign-in check and the database session are replaced by stand-ins; what is
checked is the order every handler now shares: who asks first, then the busy
flag, the work, a refusal as a toast, and the flag taken off again.
"""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from peerapp.reflex_compat import state_outside_app
from peerapp.services import Refused
from peerapp.state import actions
from peerapp.state.identity import Viewer
from peerapp.state.profile import ProfileState
from peerapp.state.requests import RequestActionsState

ME = Viewer(employee_id=7, program_id=1, full_name="Alex Morgan", is_admin=False)


class FakeDb:
    def __init__(self):
        self.info = {}
        self.ended = 0

    def rollback(self):
        self.ended += 1


@pytest.fixture
def world(monkeypatch):
    """Who is signed in (``world.viewer``) and the database session the work gets."""

    class World:
        viewer: Viewer | None = ME
        db = FakeDb()

    async def viewer_of(_state, _db=None):
        return World.viewer

    @contextlib.contextmanager
    def session():
        yield World.db

    monkeypatch.setattr(actions, "current_viewer", viewer_of)
    monkeypatch.setattr(actions.rx, "session", session)
    return World


def run(generator, state, var: str) -> list[tuple[str, object]]:
    """Every update the handler sends, with the busy var as it stands at that moment."""

    async def collect():
        return [(str(update), getattr(state, var)) async for update in generator]

    return asyncio.run(collect())


def test_a_signed_out_tab_is_redirected_before_anything_runs_or_shows_busy(world):
    world.viewer = None
    state = state_outside_app(ProfileState)
    ran = []
    updates = run(actions.act(state, lambda db, v: ran.append(v), busy="saving"), state, "saving")
    assert len(updates) == 1 and '"/login"' in updates[0][0]
    assert ran == [] and state.saving is False


def test_the_busy_flag_shows_while_working_and_goes_with_the_result(world):
    state = state_outside_app(ProfileState)
    seen = []

    def work(db, viewer):
        seen.append((db, viewer, state.saving))
        return "done"

    updates = run(actions.act(state, work, busy="saving"), state, "saving")
    assert updates == [("None", True), ("done", False)]
    assert seen == [(world.db, ME, True)]
    # The check's transaction ended before the busy delta went out.
    assert world.db.ended == 1


def test_a_refusal_becomes_an_error_toast_and_inline_text(world):
    state = state_outside_app(ProfileState)
    inline = []

    def work(_db, _viewer):
        raise Refused("Capacity must be a whole number.")

    updates = run(actions.act(state, work, busy="saving", refused=inline.append), state, "saving")
    assert inline == ["Capacity must be a whole number."]
    assert '"error"' in updates[-1][0] and "Capacity must be a whole number." in updates[-1][0]
    assert state.saving is False


def test_other_errors_still_take_the_flag_off(world):
    state = state_outside_app(RequestActionsState)

    def work(_db, _viewer):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        run(actions.act(state, work, busy="busy_ids", busy_id=5), state, "busy_ids")
    assert state.busy_ids == []


@pytest.mark.parametrize("forged", [True, 0, -1, "5", 5.0, 10**30, None])
def test_only_valid_ids_are_tracked_as_busy(world, forged):
    # True == 1: a bool must not mark (or match) request 1.
    state = state_outside_app(RequestActionsState)
    state.busy_ids = [1]
    ran = []
    run(
        actions.act(state, lambda db, v: ran.append(1), busy="busy_ids", busy_id=forged),
        state,
        "busy_ids",
    )
    assert ran == [1]
    assert state.busy_ids == [1]


def test_the_same_id_is_not_worked_on_twice(world):
    state = state_outside_app(RequestActionsState)
    state.busy_ids = [5]
    ran = []
    updates = run(
        actions.act(state, lambda db, v: ran.append(1), busy="busy_ids", busy_id=5),
        state,
        "busy_ids",
    )
    assert updates == [] and ran == []
    assert state.busy_ids == [5]


def test_async_work_is_awaited(world):
    state = state_outside_app(ProfileState)

    async def work(_db, _viewer):
        await asyncio.sleep(0)
        return "hashed"

    assert run(actions.act(state, work), state, "saving") == [("hashed", False)]
    # Nothing shown busy: the check's transaction simply goes on into the work.
    assert world.db.ended == 0
