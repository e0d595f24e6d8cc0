"""Per-client limits on the event WebSocket: events per second and open sockets.

Wired in ``peerapp/peerapp.py`` as one of Reflex's ``api_transformer``s, so it
wraps the whole backend ASGI app, the event socket included. It reads the
WebSocket frames before Reflex does:

- every Socket.IO packet (an event, a connect with its hydrate) takes a token
  from its tab's bucket (one per WebSocket), and only then from its client
  address's bucket: a tab over its limit cannot drain its address's bucket for
  the other tabs there. Packets over either limit are dropped unread, with
  one short log line per address every few seconds. Engine.IO pings and pongs
  are never counted, so a throttled tab stays connected and recovers.
- a client address may hold ``PEERAPP_SOCKETS_PER_ADDRESS`` open WebSockets per
  worker; a further one is refused before the handshake (HTTP 403).

Counts live in the worker process (no Redis round trip per event); with N
workers an address gets up to N times the limits, which is fine for their
purpose: one client cannot starve the others on a worker. The client address
is the connection's, or with ``PEERAPP_TRUSTED_PROXY_HOPS`` set the one the
trusted proxies put in X-Forwarded-For, exactly as Reflex resolves it.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from peerapp import settings

logger = logging.getLogger("peerapp.traffic")

_LOG_EVERY_SECONDS = 10.0
_PRUNE_ABOVE = 10_000  # remembered addresses before idle ones are forgotten


@dataclass
class TokenBucket:
    """``rate`` tokens a second, at most ``burst`` saved up; starts full."""

    rate: float
    burst: float
    tokens: float
    at: float

    @classmethod
    def full(cls, rate: float, burst: float, now: float) -> TokenBucket:
        """A bucket with every token available."""
        return cls(rate, burst, burst, now)

    def take(self, now: float) -> bool:
        """Take one token if there is one."""
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers") or []:
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return ""


def client_address(scope: Scope, trusted_hops: int | None = None) -> str:
    """The client's address: the peer's, or the one the trusted proxies forwarded."""
    hops = settings.TRUSTED_PROXY_HOPS if trusted_hops is None else trusted_hops
    client = scope.get("client")
    address = client[0] if client else ""
    if hops:
        forwarded = [part.strip() for part in _header(scope, b"x-forwarded-for").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= hops:
            address = forwarded[-hops]
    return address or "unknown"


def _is_socketio_packet(message: Message) -> bool:
    """An Engine.IO "message" frame (type 4): a Socket.IO packet, not a ping or pong."""
    text = message.get("text")
    if text is not None:
        return str(text).startswith("4")
    return bool(message.get("bytes"))


class EventLimits:
    """ASGI middleware limiting what one tab and one address may send (see module doc)."""

    def __init__(self, app: ASGIApp, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.app = app
        self.clock = clock
        self.open_sockets: Counter[str] = Counter()
        self.address_buckets: dict[str, TokenBucket] = {}
        self.dropped: Counter[str] = Counter()
        self.logged_at: dict[str, float] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            await self.app(scope, receive, send)
            return
        address = client_address(scope)
        if self.open_sockets[address] >= settings.SOCKETS_PER_ADDRESS:
            self._note(address, "socket refused: too many open sockets from this address")
            await send({"type": "websocket.close", "code": 1008})
            return
        self.open_sockets[address] += 1
        tab = TokenBucket.full(
            settings.EVENTS_PER_SECOND_PER_TAB, settings.EVENT_BURST_PER_TAB, self.clock()
        )

        async def limited_receive() -> Message:
            while True:
                message = await receive()
                if message["type"] != "websocket.receive" or not _is_socketio_packet(message):
                    return message
                now = self.clock()
                if tab.take(now) and self._address_bucket(address, now).take(now):
                    return message
                self._note(address, "events dropped: over the rate limit")

        try:
            await self.app(scope, limited_receive, send)
        finally:
            self.open_sockets[address] -= 1
            if self.open_sockets[address] <= 0:
                del self.open_sockets[address]

    def _address_bucket(self, address: str, now: float) -> TokenBucket:
        bucket = self.address_buckets.get(address)
        if bucket is None:
            if len(self.address_buckets) >= _PRUNE_ABOVE:
                self._forget_idle(now)
            bucket = self.address_buckets[address] = TokenBucket.full(
                settings.EVENTS_PER_SECOND_PER_ADDRESS, settings.EVENT_BURST_PER_ADDRESS, now
            )
        return bucket

    def _forget_idle(self, now: float) -> None:
        """Drop buckets that have refilled completely (they start full anyway)."""
        for address, bucket in list(self.address_buckets.items()):
            if bucket.tokens + (now - bucket.at) * bucket.rate >= bucket.burst:
                del self.address_buckets[address]

    def _note(self, address: str, what: str) -> None:
        """Count a refusal; log one short line per address every few seconds."""
        self.dropped[address] += 1
        now = self.clock()
        if now - self.logged_at.get(address, -_LOG_EVERY_SECONDS) >= _LOG_EVERY_SECONDS:
            logger.warning("%s (%s; %d so far)", what, address[:64], self.dropped[address])
            self.logged_at[address] = now
            if len(self.logged_at) >= _PRUNE_ABOVE:
                self.logged_at.clear()
                self.dropped.clear()
