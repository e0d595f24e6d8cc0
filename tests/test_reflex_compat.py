"""Each undocumented Reflex API peerapp relies on, checked against the installed Reflex.

When a Reflex upgrade moves one of them, the failing test names the item of
``peerapp/reflex_compat.py`` to revisit.
"""

from __future__ import annotations

import contextlib
import dataclasses
import inspect
import logging
import pickle
import re
import sys
from pathlib import Path
from types import SimpleNamespace

import reflex as rx
import reflex_base

from peerapp import log_limits, reflex_compat
from peerapp.state.inbox import InboxState
from peerapp.state.session import SessionState, _page_states


@contextlib.contextmanager
def item(name: str):
    """Turn any failure inside into one that names the ``reflex_compat`` item to revisit."""
    try:
        yield
    except Exception as error:
        raise AssertionError(
            f"reflex_compat.{name}: the Reflex API it relies on moved or changed ({error!r})"
        ) from error


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
    inbox = reflex_compat.state_outside_app(InboxState)
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
    """With Redis every event reloads the state: a page load's token must live on as its digest."""
    from peerapp.services import sessions

    session = reflex_compat.state_outside_app(SessionState)
    token = "raw-session-token-that-signs-someone-in"
    session.session_token = token  # as a page load sets it from the browser's storage
    stored = pickle.dumps(session)
    assert token.encode() not in stored
    loaded = pickle.loads(stored)
    assert loaded.session_token == ""
    assert loaded._session_hash == sessions.session_digest(token)
    assert loaded._session_sid == session.router.session.session_id
    # The live instance keeps its token for the rest of the event.
    assert session.session_token == token
    # A state stored again without a token keeps the digest it had.
    assert pickle.loads(pickle.dumps(loaded))._session_hash == loaded._session_hash


def test_tabs_state_stays_in_memory_without_redis(monkeypatch):
    monkeypatch.delenv("PEERAPP_REDIS_URL", raising=False)
    import importlib

    import rxconfig

    config = importlib.reload(rxconfig).config
    assert config.state_manager_mode == "memory"
    assert rx.State.get_fields()  # the reload left Reflex usable


def test_pool_pre_ping_env_is_reflex_s():
    from reflex_base.environment import environment

    assert hasattr(environment, reflex_compat.POOL_PRE_PING_ENV)


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


def test_state_outside_app_builds_a_state_with_its_defaults():
    with item("state_outside_app"):
        inbox = reflex_compat.state_outside_app(InboxState)
        assert isinstance(inbox, InboxState)
        assert inbox.announcement == ""


def test_is_linked_reads_whether_a_shared_state_is_linked():
    with item("is_linked"):
        inbox = reflex_compat.state_outside_app(InboxState)
        assert reflex_compat.is_linked(inbox) is False
        inbox._linked_to = "channel"
        assert reflex_compat.is_linked(inbox) is True


def test_hydration_state_has_the_handler_the_page_calls_on_load():
    with item("hydration_state"):
        state = reflex_compat.hydration_state()
        handler = state.event_handlers["set_is_hydrated"]
        assert "value" in inspect.signature(handler.fn).parameters


def test_connection_lost_is_the_client_s_connection_error_flag():
    with item("CONNECTION_LOST"):
        flag = reflex_compat.CONNECTION_LOST
        assert isinstance(flag, rx.Var)
        assert "connectErrors" in str(flag)
        hooks = flag._get_all_var_data().hooks  # type: ignore[union-attr]
        assert any("connectErrors" in hook for hook in hooks), hooks


def test_replace_connection_overlay_takes_the_key_of_reflex_s_own_overlay():
    with item("replace_connection_overlay"):
        (wraps,) = [f for f in dataclasses.fields(rx.App) if f.name == "app_wraps"]
        defaults = wraps.default_factory()  # type: ignore[misc]
        assert (5, "Overlay") in defaults, sorted(defaults)
        app = SimpleNamespace(app_wraps=dict(defaults))
        overlay = rx.fragment()
        reflex_compat.replace_connection_overlay(app, lambda: overlay)  # type: ignore[arg-type]
        assert app.app_wraps[(5, "Overlay")](True) is overlay
        assert app.app_wraps[(5, "Overlay")](False) is None
        assert len(app.app_wraps) == len(defaults)


def test_toast_is_the_ref_the_toast_provider_fills():
    with item("TOAST"):
        hooks = [str(hook) for hook in rx.toast.provider()._get_all_hooks()]
        assert any(str(reflex_compat.TOAST) + " = toast" in hook for hook in hooks), hooks


def test_js_hook_carries_the_imports_and_state_of_what_it_uses():
    with item("js_hook"):
        hook = reflex_compat.js_hook(
            f"useEffect(() => {{ {reflex_compat.TOAST}.info({InboxState.announcement}); }}, []);",
            [InboxState.announcement, reflex_compat.TOAST],
            imports={"react": ["useEffect"]},
        )
        assert str(hook).startswith("useEffect(")
        data = hook._get_all_var_data()
        assert data is not None
        imports = {library: {i.tag for i in tags} for library, tags in data.imports}
        assert "useEffect" in imports["react"]
        assert "refs" in imports["$/utils/state"]  # the toaster's ref
        assert InboxState.get_full_name() in data.state


def test_own_memo_div_is_memoized_as_one_unit():
    with item("OwnMemoDiv"):
        from reflex_base.components.memoize_helpers import is_snapshot_boundary

        component = reflex_compat.OwnMemoDiv.create(rx.text("x"))
        assert is_snapshot_boundary(component)
        assert not is_snapshot_boundary(rx.el.div(rx.text("x")))
        assert "<div" in str(component) or '"div"' in str(component)


def test_built_client_dir_is_where_the_production_build_goes():
    with item("built_client_dir"):
        from reflex.utils.prerequisites import get_web_dir

        client = reflex_compat.built_client_dir()
        assert client.is_relative_to(get_web_dir()), client
        assert client.parts[-2:] == ("build", "client"), client
        index = client / "index.html"
        if client.is_dir():  # a production build exists here: pages are where we look
            assert index.is_file(), sorted(p.name for p in client.iterdir())[:10]
