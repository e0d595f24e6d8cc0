"""Security headers on every HTTP response of the app (pages, assets and API routes).

Wired in ``peerapp/peerapp.py`` as Reflex's ``api_transformer``, which wraps the
whole backend ASGI app: in ``reflex run --env prod --single-port`` that includes
the built frontend, so the pages get the Content-Security-Policy too.

The policy allows only what the built app uses:

- ``script-src 'self'`` plus the SHA-256 of each inline ``<script>`` that the
  build prerendered into its HTML files (React Router's hydration data and the
  colour-mode script). Hashes, not ``'unsafe-inline'``: an injected script tag
  never matches. ``'unsafe-eval'`` is needed because Reflex delivers
  server-initiated browser actions (every ``rx.toast`` a handler yields is a
  ``run_script`` event) as JavaScript source that its client ``eval``s.
- ``style-src 'self' 'unsafe-inline'``: Radix Themes and emotion put styles in
  ``style`` attributes and ``<style>`` elements at run time.
- ``connect-src``: the app's own origin and the WebSocket/HTTP endpoints of the
  allowed origins (the built client talks to the URL in its env.json, which can
  be ``localhost`` while the page is opened on ``127.0.0.1``).
- ``img-src 'self' data:``; everything else defaults to ``'self'`` or ``'none'``.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from peerapp.settings import allowed_origins


class _InlineScripts(HTMLParser):
    """Collect the text of every ``<script>`` without a ``src``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self._inside = False
        self._parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script" and not dict(attrs).get("src"):
            self._inside = True
            self._parts = []

    def handle_data(self, data: str) -> None:
        if self._inside:
            self._parts.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._inside:
            self._inside = False
            self.scripts.append("".join(self._parts))


def inline_script_hashes(html_files: Iterable[Path]) -> list[str]:
    """CSP source expressions (``'sha256-…'``) for the inline scripts of these files."""
    hashes: set[str] = set()
    for path in html_files:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:  # replaced while we read: the next request sees the new build
            continue
        parser = _InlineScripts()
        parser.feed(text)
        parser.close()
        for script in parser.scripts:
            digest = hashlib.sha256(script.encode("utf-8")).digest()
            hashes.add(f"'sha256-{base64.b64encode(digest).decode()}'")
    return sorted(hashes)


def _built_pages() -> list[Path]:
    """The HTML files of the production build (none in dev mode, where Vite serves pages)."""
    from reflex.utils.prerequisites import get_web_dir
    from reflex_base import constants

    client = get_web_dir() / constants.Dirs.STATIC
    return sorted(client.rglob("*.html")) if client.is_dir() else []


def _websocket_origin(origin: str) -> str:
    return (
        "wss://" + origin.removeprefix("https://")
        if origin.startswith("https://")
        else ("ws://" + origin.removeprefix("http://"))
    )


def content_security_policy(origins: Iterable[str], script_hashes: Iterable[str]) -> str:
    """The policy for the given allowed origins and inline-script hashes."""
    origins = list(origins)
    connect = ["'self'", *origins, *(_websocket_origin(o) for o in origins)]
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *script_hashes, "'unsafe-eval'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": connect,
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def _headers() -> tuple[tuple[bytes, bytes], ...]:
    # Keyed on the build's files: a frontend rebuilt in place (a second server
    # process starting, a deploy) brings new inline scripts, and new hashes.
    build = []
    for page in _built_pages():
        with contextlib.suppress(OSError):  # replaced while we look
            build.append((page, page.stat().st_mtime_ns))
    return _headers_for(tuple(build))


@functools.lru_cache(maxsize=4)
def _headers_for(build: tuple[tuple[Path, int], ...]) -> tuple[tuple[bytes, bytes], ...]:
    pages = [page for page, _ in build]
    policy = content_security_policy(allowed_origins(), inline_script_hashes(pages))
    return (
        (b"content-security-policy", policy.encode("latin-1")),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"x-frame-options", b"DENY"),
    )


class SecurityHeaders:
    """ASGI middleware: add the security headers to every HTTP response start."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = _headers()
                names = {name for name, _ in extra}
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message = {**message, "headers": [*kept, *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
