"""Each undocumented Reflex API peerapp relies on, checked against the installed Reflex.

When a Reflex upgrade moves one of them, the failing test names the item of
``peerapp/reflex_compat.py`` to revisit.
"""

from __future__ import annotations

import inspect
import logging
import pickle
import re
import sys
from pathlib import Path

import reflex as rx
import reflex_base

from peerapp import log_limits, reflex_compat
from peerapp.state.live import InboxState
from peerapp.state.session import SessionState, _page_states


def test_tab_tokens_reflex_makes_have_the_shape_peerapp_lets_in():
    from reflex.utils.token_manager import _get_new_token

    for _ in range(200):
        assert reflex_compat.is_client_token(_get_new_token())
    # The browser's generator: the same v4 template, lower-case hex.
    state_js = Path(reflex_base.__file__).parent / ".templates/web/utils/state.js"
    source = state_js.read_text()
    assert re.search(r'"(x{8}-x{4}-4x{3}-yx{3}-x{12})"', source), (
        "state.js no longer generates tab tokens from the UUID v4 template"
    )
    assert "(r & 0x7) | 0x8" in source, "state.js draws the y digit differently now"
    # Every y digit that generator can draw (8 to f) is let in.
    for y in "89abcdef":
        assert reflex_compat.is_client_token(f"0123abcd-0123-4abc-{y}abc-0123456789ab"), y


def test_the_connect_handler_peerapp_guards_has_the_expected_signature():
    reflex_compat.refuse_foreign_client_tokens()
    from reflex.app import EventNamespace

    assert getattr(EventNamespace.on_connect, "_peerapp_checked", False)
    parameters = list(inspect.signature(EventNamespace.on_connect).parameters)
    assert parameters[:3] == ["self", "sid", "environ"], parameters


def test_shared_state_bookkeeping_is_where_peerapp_reads_it():
    inbox = InboxState(_reflex_internal_init=True)
    assert reflex_compat.linked_tabs(inbox) == set()
    inbox._linked_from.add("tab")
    assert reflex_compat.linked_tabs(inbox) == {"tab"}
    assert isinstance(reflex_compat.pending_tab_updates(), set)
    assert reflex_compat.started_since(reflex_compat.pending_tab_updates()) == set()


def test_every_page_state_is_found_for_the_reset_at_sign_out():
    from peerapp.state.profile import ProfileState
    from peerapp.state.requests import RequestActionsState

    found = set(_page_states())
    assert {ProfileState, RequestActionsState} <= found
    assert SessionState not in found
    assert InboxState not in found


def test_the_stored_session_state_holds_no_token_only_its_digest():
    session = SessionState(_reflex_internal_init=True)
    token = "raw-session-token-that-signs-someone-in"
    session.session_token = token
    session._session_hash = "d" * 64
    stored = pickle.dumps(session)
    assert token.encode() not in stored
    assert b"d" * 64 in stored
    loaded = pickle.loads(stored)
    assert loaded.session_token == ""
    assert loaded._session_hash == "d" * 64
    # The live instance keeps its token for the rest of the event.
    assert session.session_token == token


def test_tabs_state_stays_in_memory_without_redis(monkeypatch):
    monkeypatch.delenv("PEERAPP_REDIS_URL", raising=False)
    import importlib

    import rxconfig

    config = importlib.reload(rxconfig).config
    assert config.state_manager_mode == "memory"
    assert rx.State.get_fields()  # the reload left Reflex usable


def test_socket_max_frame_env_is_reflex_s():
    from reflex_base.environment import environment

    assert hasattr(environment, reflex_compat.SOCKET_MAX_FRAME_ENV)


def test_reflex_package_loggers_sit_under_the_watched_roots():
    import reflex_base.event.processor.event_processor as processor

    assert processor.logger.name.split(".")[0] in reflex_compat.REFLEX_LOGGER_ROOTS
    assert logging.getLogger("reflex.app").name.split(".")[0] in reflex_compat.REFLEX_LOGGER_ROOTS


def test_long_reflex_records_are_cut_with_their_traceback():
    log_limits.install(limit=400)
    try:
        raise KeyError("x" * 100_000)
    except KeyError:
        record = logging.getLogger("reflex.app").makeRecord(
            "reflex.app", logging.ERROR, __file__, 1, "event %s", ("y" * 100_000,), sys.exc_info()
        )
    text = logging.Formatter().format(record)
    assert len(text) < 600
    assert text.startswith("event yyy") and "characters cut" in text
    assert record.exc_info is None


def test_other_loggers_are_left_alone():
    log_limits.install(limit=400)
    record = logging.getLogger("peerapp.x").makeRecord(
        "peerapp.x", logging.INFO, __file__, 1, "%s", ("z" * 5000,), None
    )
    assert len(record.getMessage()) == 5000
