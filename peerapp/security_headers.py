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
import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterable
from html.parser import HTMLParser
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from peerapp import reflex_compat
from peerapp.settings import allowed_origins

logger = logging.getLogger(__name__)


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
    client = reflex_compat.built_client_dir()
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


Headers = tuple[tuple[bytes, bytes], ...]


def _headers_for(pages: Iterable[Path]) -> Headers:
    policy = content_security_policy(allowed_origins(), inline_script_hashes(pages))
    return (
        (b"content-security-policy", policy.encode("latin-1")),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"x-frame-options", b"DENY"),
    )


class BuildHeaders:
    """The headers for the build on disk, computed at start and again when it changes.

    A response only reads the computed value: no file is opened or even looked
    at while answering. A watcher thread compares the build's HTML files (path,
    modification time, size) every ``interval`` seconds and recomputes the
    hashes when they differ: a frontend rebuilt in place (a second server
    process starting, a deploy) brings new inline scripts, and new hashes.
    """

    def __init__(self, pages: Callable[[], list[Path]], interval: float = 2.0) -> None:
        self._pages = pages
        self._interval = interval
        self._build: tuple[tuple[Path, int, int], ...] | None = None
        self._headers: Headers = ()
        self._lock = threading.Lock()
        self._watcher: threading.Thread | None = None

    def _fingerprint(self) -> tuple[tuple[Path, int, int], ...]:
        build = []
        for page in self._pages():
            with contextlib.suppress(OSError):  # replaced while we look
                info = page.stat()
                build.append((page, info.st_mtime_ns, info.st_size))
        return tuple(build)

    def refresh(self) -> bool:
        """Recompute the headers if the build changed since the last look; whether it did."""
        with self._lock:
            build = self._fingerprint()
            if build == self._build:
                return False
            self._headers = _headers_for(page for page, _, _ in build)
            self._build = build
            return True

    def start(self) -> None:
        """Compute the headers now and keep them following the build (idempotent).

        Also in a worker forked from the process that built the app: it inherits
        the value (perhaps from before the frontend was built) but not the
        thread, so it looks at the build once more before its first answer.
        """
        if self._watcher is not None and self._watcher.is_alive():
            return
        self.refresh()
        self._watcher = threading.Thread(target=self._watch, name="csp-build-watch", daemon=True)
        self._watcher.start()

    def _watch(self) -> None:
        while True:
            time.sleep(self._interval)
            try:
                self.refresh()
            except Exception:  # keep watching; the last good headers stay in use
                logger.exception("Reading the build for the Content-Security-Policy failed")

    def current(self) -> Headers:
        """The headers to add to a response: no filesystem work once this process has started."""
        if self._watcher is None or not self._watcher.is_alive():
            self.start()
        return self._headers


BUILD_HEADERS = BuildHeaders(_built_pages)


class SecurityHeaders:
    """ASGI middleware: add the security headers to every HTTP response start."""

    def __init__(self, app: ASGIApp, headers: BuildHeaders = BUILD_HEADERS) -> None:
        self.app = app
        self.headers = headers
        headers.start()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = self.headers.current()
                names = {name for name, _ in extra}
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message = {**message, "headers": [*kept, *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
