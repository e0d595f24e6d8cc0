"""Reflex configuration: one source for the database URL (see peerapp/settings.py)."""

import os

import reflex as rx

from peerapp import settings
from peerapp.reflex_compat import POOL_PRE_PING_ENV, SOCKET_MAX_FRAME_ENV
from peerapp.settings import allowed_origins, database_url, public_url, redis_url

# Reflex reads the Socket.IO frame cap from its environment when the app starts:
# peerapp's setting is the one source (a bigger frame closes the connection).
os.environ[SOCKET_MAX_FRAME_ENV] = str(settings.MAX_FRAME_BYTES)
# Reflex would ping the database on every checkout of a pooled connection: a
# round trip per event, with the event loop waiting. peerapp pings only a
# connection that sat idle (peerapp/db.py).
os.environ[POOL_PRE_PING_ENV] = "false"

# Behind a load balancer the browser must reach the backend through the public
# address, not the port one worker process listens on.
_public = {"api_url": public_url(), "deploy_url": public_url()} if public_url() else {}

config = rx.Config(
    app_name="peerapp",
    **_public,
    db_url=database_url(),
    redis_url=redis_url(),
    # Without Redis (one worker) tabs' state stays in this process's memory:
    # nothing of it is written to disk, where it would outlive the process.
    state_manager_mode="redis" if redis_url() else "memory",
    # Reflex hands these to python-socketio, which refuses a WebSocket whose Origin
    # is not listed (and to the CORS middleware of the HTTP routes).
    cors_allowed_origins=allowed_origins(),
    # Behind N proxies that append to X-Forwarded-For, the client is the N-th
    # address from the right; 0 trusts no header (see README, "behind a proxy").
    trusted_proxy_hops=settings.TRUSTED_PROXY_HOPS,
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[
        rx.plugins.SitemapPlugin(),
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(accent_color="iris", gray_color="slate", radius="medium"),
        ),
    ],
)
