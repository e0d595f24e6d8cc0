"""A tiny sticky load balancer for the multi-worker tests.

It listens on one public port and forwards each TCP connection, unchanged, to
one of several app processes, chosen by the ``peerapp-route`` cookie of the
connection's first HTTP request (the WebSocket upgrade carries it too). Without
the cookie it uses the first upstream. This is how a company would run peerapp
behind a load balancer with sticky sessions; here it lets a test decide which
worker serves which browser.
"""

from __future__ import annotations

import asyncio
import re
import threading
from http.cookies import SimpleCookie

COOKIE = "peerapp-route"
_HEAD_LIMIT = 64 * 1024


def _route_of(head: bytes) -> str | None:
    match = re.search(rb"^cookie:\s*(.+?)\r$", head, re.IGNORECASE | re.MULTILINE)
    if not match:
        return None
    cookie = SimpleCookie()
    cookie.load(match.group(1).decode("latin-1"))
    return cookie[COOKIE].value if COOKIE in cookie else None


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


class Balancer:
    """Forward connections on ``port`` to ``upstreams`` (route name -> port)."""

    def __init__(self, port: int, upstreams: dict[str, int]) -> None:
        self.port = port
        self.upstreams = upstreams
        self._default = next(iter(upstreams.values()))
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._routing = threading.Event()
        self._routing.set()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        """Listen in a background thread."""
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("balancer did not start")

    def stop(self) -> None:
        """Stop listening and drop open connections."""
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def hold(self) -> None:
        """Refuse new connections (as while no upstream is healthy)."""
        self._routing.clear()

    def release(self) -> None:
        """Forward new connections again."""
        self._routing.set()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(
            asyncio.start_server(self._handle, "127.0.0.1", self.port)
        )
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            server.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self._routing.is_set():
            writer.close()
            return
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            writer.close()
            return
        port = self.upstreams.get(_route_of(head[:_HEAD_LIMIT]) or "", self._default)
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            # The upstream is down (restarting): the browser sees a refused connection.
            writer.close()
            return
        up_writer.write(head)
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
