"""Every use of an undocumented Reflex detail, in one place.

Each item says what it relies on, so an upgrade that moves it fails here (see
tests/test_reflex_compat.py) instead of somewhere deep in the app.
"""

from __future__ import annotations

# --- server resources (frame size, logs, rate limits) ----------------------------

#: Environment variable Reflex reads (``reflex_base.environment``) for the
#: ``max_http_buffer_size`` of its python-socketio server, once, when the app
#: object sets up its state (``App._setup_state``).
SOCKET_MAX_FRAME_ENV = "REFLEX_SOCKET_MAX_HTTP_BUFFER_SIZE"

#: Top-level logger names Reflex's packages log under (``reflex_base.utils.log``
#: parents every ``reflex_*`` package logger under ``reflex``), plus the
#: Socket.IO/Engine.IO servers Reflex runs.
REFLEX_LOGGER_ROOTS = ("reflex", "reflex_base", "socketio", "engineio")
