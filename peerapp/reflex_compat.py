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
from collections.abc import Iterable
from typing import Any

import reflex as rx
import socketio.exceptions
from reflex.app import EventNamespace
from reflex.istate.shared import UPDATE_OTHER_CLIENT_TASKS
from reflex_base.registry import RegistrationContext

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


# --- what the state store keeps ---------------------------------------------------


def pickled_without(*names: str):
    """A ``__getstate__`` that stores the state without these fields' values.

    Relies on: Reflex's Redis state manager (and its disk manager) storing a
    state with ``pickle``, which calls ``__getstate__``; ``BaseState.__getstate__``
    returns the instance's own field dict (so it is copied, not changed). A
    field left out comes back with its default when the state is loaded.
    """

    def __getstate__(self) -> dict[str, Any]:
        fields = dict(rx.State.__getstate__(self))
        for name in names:
            fields.pop(name, None)
        return fields

    return __getstate__


# --- server resources (frame size, logs, rate limits) ----------------------------

#: Environment variable Reflex reads (``reflex_base.environment``) for the
#: ``max_http_buffer_size`` of its python-socketio server, once, when the app
#: object sets up its state (``App._setup_state``).
SOCKET_MAX_FRAME_ENV = "REFLEX_SOCKET_MAX_HTTP_BUFFER_SIZE"

#: Top-level logger names Reflex's packages log under (``reflex_base.utils.log``
#: parents every ``reflex_*`` package logger under ``reflex``), plus the
#: Socket.IO/Engine.IO servers Reflex runs.
REFLEX_LOGGER_ROOTS = ("reflex", "reflex_base", "socketio", "engineio")
