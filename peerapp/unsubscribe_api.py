"""RFC 8058 one-click unsubscribe: ``POST /api/unsubscribe?token=...`` on the app's backend.

Every email's ``List-Unsubscribe`` header points here, and its
``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` header tells the mail
client it may unsubscribe with one POST, made without cookies and without
anyone looking at a page. The signed, expiring token in the address is the
only authority (``services/unsubscribe.py``): it turns off email for one
category of one person. A POST, not a GET, so a link scanner that opens every
address in a message unsubscribes nobody.

The body (``List-Unsubscribe=One-Click``) carries nothing we need, so at most
``BODY_MAX`` bytes of it are read, and a longer one is refused before the
database is touched.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

import reflex as rx
from sqlmodel import Session
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from peerapp import routes
from peerapp.services import unsubscribe
from peerapp.services.errors import Refused

BODY_MAX = 1024
DONE = (
    "You are unsubscribed: these emails will no longer be sent to you. "
    "You still see them in peerapp, and can turn email back on in your profile."
)
TOO_LONG = "Request body too long."

Sessions = Callable[[], AbstractContextManager[Session]]


async def _body_within_limit(request: Request) -> bool:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > BODY_MAX:
        return False
    read = 0
    async for chunk in request.stream():
        read += len(chunk)
        if read > BODY_MAX:
            return False
    return True


def _plain(text: str, status_code: int) -> PlainTextResponse:
    response = PlainTextResponse(text, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    return response


def api(sessions: Sessions = rx.session) -> Starlette:
    """The route, for ``rx.App(api_transformer=...)``; ``sessions`` opens a database session."""

    async def one_click(request: Request) -> PlainTextResponse:
        if not await _body_within_limit(request):
            return _plain(TOO_LONG, 413)
        token = request.query_params.get("token", "")

        def apply() -> None:
            with sessions() as db:
                unsubscribe.apply(db, token)

        try:
            # The database blocks; the event loop keeps serving everyone else.
            await run_in_threadpool(apply)
        except Refused as refusal:
            return _plain(refusal.message, 400)
        return _plain(DONE, 200)

    return Starlette(routes=[Route(routes.UNSUBSCRIBE_API, one_click, methods=["POST"])])
