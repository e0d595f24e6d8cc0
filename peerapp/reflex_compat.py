"""Every use of an undocumented Reflex (0.10) API, behind one door.

Each item says what it relies on. ``tests/test_reflex_compat.py`` checks each
of them against the installed Reflex, so an upgrade that moves one fails there
with the item's name instead of somewhere deep in a live push.
"""

from __future__ import annotations

import functools
import logging
import re
import urllib.parse
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import reflex as rx
import socketio.exceptions
from reflex.app import EventNamespace
from reflex.components.core.banner import has_connection_errors
from reflex.istate.shared import UPDATE_OTHER_CLIENT_TASKS
from reflex.state import OnLoadInternalState
from reflex.utils.prerequisites import get_web_dir
from reflex.vars import VarData
from reflex_base import constants
from reflex_base.constants.compiler import MemoizationMode
from reflex_base.registry import RegistrationContext
from reflex_components_sonner.toast import toast_ref

logger = logging.getLogger(__name__)

# --- tab tokens -------------------------------------------------------------------

# Relies on: the frontend's ``generateUUID`` (reflex_base/.templates/web/utils/
# state.js) fills the template xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx with
# lower-case hex, y being ``(r & 0x7) | 0x8`` (8 to f, wider than a strict
# RFC 4122 variant), and the server's duplicate-tab replacement
# (``_get_new_token``) is ``uuid.uuid4()``.
_CLIENT_TOKEN = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89a-f][0-9a-f]{3}-[0-9a-f]{12}")


def is_client_token(token: object) -> bool:
    """Whether ``token`` has the shape of a tab token that Reflex itself generates."""
    return isinstance(token, str) and _CLIENT_TOKEN.fullmatch(token) is not None


def _query_token(environ: dict) -> str | None:
    # Relies on: the socket's connect URL carries the tab token as ``?token=``.
    values = urllib.parse.parse_qs(environ.get("QUERY_STRING", "")).get("token", [])
    return values[0] if values else None


def refuse_foreign_client_tokens() -> None:
    """Refuse every socket whose tab token is not a Reflex-generated UUID.

    A browser picks its own tab token. Without this, a socket could name itself
    after a shared state's token (a person's live channel) and receive what is
    pushed there, or sit under a key of the state store that is not a tab's.

    Relies on: ``EventNamespace.on_connect(self, sid, environ, auth)`` is the
    connect handler python-socketio calls, and raising socketio's
    ``ConnectionRefusedError`` there refuses the connection before any event
    of it (the boot event inside ``auth`` included) is processed.
    """
    original = EventNamespace.on_connect
    if getattr(original, "_peerapp_checked", False):
        return

    @functools.wraps(original)
    async def on_connect(self: EventNamespace, sid: str, environ: dict, auth: Any = None):
        token = _query_token(environ)
        if not is_client_token(token):
            logger.warning("Refused a socket with a malformed tab token (%.40r)", token)
            raise socketio.exceptions.ConnectionRefusedError("malformed tab token")
        return await original(self, sid, environ, auth)

    on_connect._peerapp_checked = True  # type: ignore[attr-defined]  # marker on a function
    EventNamespace.on_connect = on_connect  # type: ignore[method-assign]  # the patch itself


# --- shared states ----------------------------------------------------------------


def current_app() -> rx.App:
    """The running app, from inside an event or a task it started.

    Relies on: ``reflex_base.registry.RegistrationContext.get().app``.
    """
    return RegistrationContext.get().app


def linked_tabs(shared: rx.SharedState) -> set[str]:
    """The tab tokens linked to a shared state (loaded under its shared token).

    Relies on: ``SharedState._linked_from``, the set of client tokens that
    linked to it (Reflex adds a tab at ``_link_to`` and removes it at
    ``_unlink``; a closed tab stays until it is unlinked).
    """
    return set(shared._linked_from)


def is_linked(shared: rx.SharedState) -> bool:
    """Whether this tab's copy of a shared state is linked to a shared token.

    Relies on: ``SharedState._linked_to``, the token ``_link_to`` linked it to
    (``""`` when unlinked; ``_unlink`` refuses an unlinked state). It appears
    in Reflex's 0.8.23 release notes' example, not in the shared-state docs,
    which document ``_link_to`` and ``_unlink`` only.
    """
    return bool(shared._linked_to)


def pending_tab_updates() -> set:
    """The tasks Reflex started to hand a shared state's delta to each linked tab.

    Relies on: ``reflex.istate.shared.UPDATE_OTHER_CLIENT_TASKS``, the module
    set those tasks are added to (and removed from when done).
    """
    return set(UPDATE_OTHER_CLIENT_TASKS)


def started_since(before: Iterable) -> set:
    """The tab-update tasks started after the ``before`` snapshot."""
    return UPDATE_OTHER_CLIENT_TASKS - set(before)


def all_substates(root: type[rx.State]) -> list[type[rx.State]]:
    """Every state class below ``root``, at any depth.

    Relies on: ``BaseState.get_substates()``, the set of a state class's
    direct substate classes (from Reflex's registration context).
    """
    found: list[type[rx.State]] = []
    pending = list(root.get_substates())
    while pending:
        cls = pending.pop()
        found.append(cls)  # type: ignore[arg-type]  # substates of an rx.State are rx.States
        pending.extend(cls.get_substates())
    return found


_S = TypeVar("_S", bound=rx.State)


def state_outside_app(cls: type[_S]) -> _S:
    """An instance of a state class with no app, tab or store around it (unit tests).

    Relies on: the ``_reflex_internal_init=True`` keyword, which lets
    ``BaseState.__init__`` run outside Reflex's own state creation.
    """
    return cls(_reflex_internal_init=True)  # type: ignore[call-arg]  # Reflex's private keyword


def hydration_state() -> type[rx.State]:
    """The state whose ``set_is_hydrated(value)`` handler the page calls on every load.

    Relies on: ``reflex.state.OnLoadInternalState`` (Reflex's own substate
    for page loads) and its ``set_is_hydrated`` event handler.
    """
    return OnLoadInternalState


# --- the page in the browser ------------------------------------------------------

#: True while the tab's socket is failing to connect (the tab is offline).
#: Relies on: ``reflex.components.core.banner.has_connection_errors``, the
#: client var (``connectErrors.length > 0``) Reflex's own overlay shows on.
CONNECTION_LOST: rx.Var[bool] = has_connection_errors


def replace_connection_overlay(app: rx.App, overlay: Callable[[], rx.Component]) -> None:
    """Show ``overlay()`` instead of Reflex's own offline banner and toast.

    Relies on: ``App.app_wraps`` (documented) holding Reflex's offline overlay
    under the key ``(5, "Overlay")`` (not documented), as a function of whether
    the app has state.
    """
    app.app_wraps[(5, "Overlay")] = lambda stateful: overlay() if stateful else None


#: The browser's toaster (sonner's ``toast`` object) as a client-side value:
#: ``{TOAST}.info(message, options)`` from inside a hook shows a toast.
#: Relies on: ``reflex_components_sonner.toast.toast_ref`` (``refs['__toast']``),
#: which ``rx.toast.provider`` fills once it has mounted (so check it first).
TOAST: rx.Var = toast_ref


def js_hook(code: str, uses: Iterable[rx.Var], imports: dict[str, list[str]]) -> rx.Var:
    """A React hook from JavaScript source, for a component's ``add_hooks``.

    ``code`` is the hook's source with the ``uses`` vars formatted into it; the
    hook carries their state and imports, plus ``imports`` (``{"react": ["useEffect"]}``).

    Relies on: ``Var(_js_expr=..., _var_data=...)`` building a var from raw
    JavaScript, ``Var._get_all_var_data()`` and ``reflex.vars.VarData`` with
    ``imports`` and ``merge``.
    """
    return rx.Var(
        _js_expr=code,
        _var_data=VarData.merge(
            VarData(imports=imports), *(var._get_all_var_data() for var in uses)
        ),
    )


class OwnMemoDiv(rx.el.Div):
    """A ``div`` that is a memo boundary of its own, children included.

    A hook of a component of this class re-renders this component alone, not the
    page around it.

    Relies on: the ``Component._memoization_mode`` class field and
    ``MemoizationMode(recursive=False)`` (Reflex's own dialogs use it), which
    memoizes the component as one unit instead of memoizing its children first.
    """

    _memoization_mode = MemoizationMode(recursive=False)


# --- the production build ---------------------------------------------------------


def built_client_dir() -> Path:
    """Where ``reflex export`` / ``reflex run --env prod`` put the built pages.

    Relies on: ``reflex.utils.prerequisites.get_web_dir()`` (``.web`` unless
    Reflex's environment moves it) and ``reflex_base.constants.Dirs.STATIC``
    (``build/client``, React Router's client build directory).
    """
    return get_web_dir() / constants.Dirs.STATIC


# --- what the state store keeps ---------------------------------------------------


def pickled_as(transform: Callable[[Any, dict[str, Any]], dict[str, Any]]):
    """A ``__getstate__`` that stores ``transform(state, fields)`` instead of the fields.

    Relies on: Reflex's Redis state manager (and its disk manager) storing a
    state with ``pickle``, which calls ``__getstate__``; ``BaseState.__getstate__``
    returns the instance's own field dict (so a copy is handed to ``transform``).
    A field left out comes back with its default when the state is loaded.
    """

    def __getstate__(self: Any) -> dict[str, Any]:
        return transform(self, dict(rx.State.__getstate__(self)))

    return __getstate__


# --- server resources (frame size, logs, rate limits) ----------------------------

#: Environment variable Reflex reads (``reflex_base.environment``) for the
#: ``max_http_buffer_size`` of its python-socketio server, once, when the app
#: object sets up its state (``App._setup_state``).
SOCKET_MAX_FRAME_ENV = "REFLEX_SOCKET_MAX_HTTP_BUFFER_SIZE"

#: Environment variable Reflex reads (``reflex_base.environment``) for the
#: ``pool_pre_ping`` of the engine behind ``rx.session()`` when it creates it.
POOL_PRE_PING_ENV = "SQLALCHEMY_POOL_PRE_PING"

#: Top-level logger names Reflex's packages log under (``reflex_base.utils.log``
#: parents every ``reflex_*`` package logger under ``reflex``), plus the
#: Socket.IO/Engine.IO servers Reflex runs.
REFLEX_LOGGER_ROOTS = ("reflex", "reflex_base", "socketio", "engineio")


# --- the schema check ------------------------------------------------------------


# Relies on: ``reflex db migrate`` and the start-up check (``reflex.model``
# ``alembic_autogenerate``) configure alembic's ``EnvironmentContext`` without an
# ``include_object`` hook, so objects that a migration makes outside the SQLModel
# classes (the full-text index) would be reported as schema changes.
def skip_in_schema_checks(skipped: Callable[[str | None, str], bool]) -> None:
    """Leave out of Reflex's schema comparison every object ``skipped(name, kind)`` names."""
    from alembic.runtime.environment import EnvironmentContext

    configure = EnvironmentContext.configure
    if getattr(configure, "peerapp_skips", None) is skipped:
        return

    @functools.wraps(configure)
    def configure_skipping(self: EnvironmentContext, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("include_object", lambda _o, name, kind, *_: not skipped(name, kind))
        configure(self, *args, **kwargs)

    configure_skipping.peerapp_skips = skipped  # type: ignore[attr-defined]
    EnvironmentContext.configure = configure_skipping  # type: ignore[method-assign]
