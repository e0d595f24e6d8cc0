"""Speak Reflex 0.10's event protocol over a plain WebSocket, without a browser.

The browser's ``state.js`` talks to the backend with socket.io-client over
Engine.IO v4 on ``/_event/?EIO=4&transport=websocket&token=<tab token>``:

* Engine.IO frames are text with a one-digit type: ``0`` open (server, JSON
  handshake), ``2`` ping (server) answered by ``3`` pong, ``4`` message.
* A ``4`` message carries a Socket.IO packet: ``0`` CONNECT, ``1`` DISCONNECT,
  ``2`` EVENT, ``4`` CONNECT_ERROR, then ``/_event,`` for Reflex's namespace,
  then JSON. So the browser connects with ``40/_event,{"event": <hydrate>}``
  (the hydrate rides in the CONNECT auth) and sends events as
  ``42/_event,["event", {"name", "payload", "router_data"}]``. The server
  answers ``42/_event,["event", {"delta": {...}, "events": [...]}]`` and may
  send ``42/_event,["new_token", "<token>"]`` when the tab token is taken.
* The tab token is only the query parameter: the server ignores any token in
  an event body. Browser storage (``rx.LocalStorage``) reaches the server as
  ``payload.vars`` of ``hydrate_and_load`` (and ``update_vars_internal``), keyed
  ``"<state full name>.<var>_rx_state_"``.

The framing functions here are pure (no I/O) so an asyncio benchmark can reuse
them with any WebSocket library; ``ReflexClient`` is a small synchronous client
built on ``websockets.sync.client`` (safe next to Playwright's sync API).

Reflex sends no "event finished" marker, so ``ReflexClient.settle`` sends a
*barrier*: a cheap handler that stores a nonce in a var. Events of one tab are
processed in order, so when the nonce comes back everything sent before it has
been handled; chained events are caught by repeating the barrier until a round
brings nothing else.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

EVENT_NAMESPACE = "/_event"
FIELD_MARKER = "_rx_state_"
ROOT_STATE = "reflex___state____state"
HYDRATE_AND_LOAD = f"{ROOT_STATE}.hydrate_and_load"
UPDATE_VARS_INTERNAL = (
    f"{ROOT_STATE}.reflex___state____update_vars_internal_state.update_vars_internal"
)

# Engine.IO packet types (first character of a frame).
EIO_OPEN, EIO_CLOSE, EIO_PING, EIO_PONG, EIO_MESSAGE, EIO_UPGRADE, EIO_NOOP = "0123456"
# Socket.IO packet types (second character of an Engine.IO message).
SIO_CONNECT, SIO_DISCONNECT, SIO_EVENT, SIO_ACK, SIO_CONNECT_ERROR = "01234"


# --- names -----------------------------------------------------------------


def handler_name(state_cls: Any, method: str) -> str:
    """Full event name of ``method`` on a state class (``get_full_name()`` + method)."""
    return f"{state_cls.get_full_name()}.{method}"


def var_key(var: str) -> str:
    """The key a var has inside a delta (``name`` + ``_rx_state_``)."""
    return f"{var}{FIELD_MARKER}"


def storage_key(state_cls: Any, var: str) -> str:
    """The key of a browser-storage var in ``hydrate_and_load``'s ``vars`` payload."""
    return f"{state_cls.get_full_name()}.{var_key(var)}"


def new_token() -> str:
    """A fresh tab token, as ``state.js`` generates one per tab."""
    return str(uuid.uuid4())


# --- framing (pure) ----------------------------------------------------------


def socket_url(base_url: str, token: str, namespace: str = EVENT_NAMESPACE) -> str:
    """The WebSocket URL of the event endpoint for an ``http(s)://host:port`` base URL."""
    parts = urlsplit(base_url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    query = urlencode({"EIO": "4", "transport": "websocket", "token": token})
    return f"{scheme}://{parts.netloc}{namespace}/?{query}"


def make_event(
    name: str, payload: dict | None = None, *, pathname: str = "/", query: dict | None = None
) -> dict:
    """An event as the browser sends it: name, payload and router data of the page."""
    router_data: dict[str, Any] = {"pathname": pathname, "asPath": pathname}
    if query:
        router_data["query"] = dict(query)
    return {"name": name, "payload": dict(payload or {}), "router_data": router_data}


def hydrate_event(storage: dict | None = None, *, pathname: str = "/") -> dict:
    """The (re)connect event: browser storage values plus the page's on_load handlers."""
    payload = {"vars": dict(storage)} if storage else {}
    return make_event(HYDRATE_AND_LOAD, payload, pathname=pathname)


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def encode_connect(auth: dict | None = None, namespace: str = EVENT_NAMESPACE) -> str:
    """Socket.IO CONNECT for ``namespace``; the browser puts its hydrate in ``auth``."""
    body = _dumps(auth) if auth is not None else ""
    return f"{EIO_MESSAGE}{SIO_CONNECT}{namespace},{body}"


def encode_emit(name: str, *args: Any, namespace: str = EVENT_NAMESPACE) -> str:
    """Socket.IO EVENT frame: ``socket.emit(name, *args)``."""
    return f"{EIO_MESSAGE}{SIO_EVENT}{namespace},{_dumps([name, *args])}"


def encode_event(event: dict, namespace: str = EVENT_NAMESPACE) -> str:
    """The frame the browser sends for a state event (``socket.emit("event", event)``)."""
    return encode_emit("event", event, namespace=namespace)


def encode_pong() -> str:
    """Engine.IO answer to a server ping."""
    return EIO_PONG


@dataclass(frozen=True)
class Packet:
    """A decoded frame.

    ``kind`` is one of: open, close, ping, pong, noop, upgrade, connect,
    disconnect, event, ack, connect_error. For ``event`` packets ``name`` is the
    Socket.IO event name (``"event"`` for state updates, ``"new_token"``...) and
    ``data`` its first argument; for others ``data`` is the JSON body, if any.
    """

    kind: str
    namespace: str = "/"
    name: str = ""
    data: Any = None


_EIO_KINDS = {
    EIO_OPEN: "open",
    EIO_CLOSE: "close",
    EIO_PING: "ping",
    EIO_PONG: "pong",
    EIO_UPGRADE: "upgrade",
    EIO_NOOP: "noop",
}
_SIO_KINDS = {
    SIO_CONNECT: "connect",
    SIO_DISCONNECT: "disconnect",
    SIO_EVENT: "event",
    SIO_ACK: "ack",
    SIO_CONNECT_ERROR: "connect_error",
    "5": "binary_event",
    "6": "binary_ack",
}


def decode(frame: str | bytes) -> Packet:
    """Decode one Engine.IO text frame (and the Socket.IO packet inside a message)."""
    if isinstance(frame, bytes):
        frame = frame.decode()
    if not frame:
        raise ValueError("empty frame")
    eio, rest = frame[0], frame[1:]
    if eio != EIO_MESSAGE:
        if eio not in _EIO_KINDS:
            raise ValueError(f"unknown Engine.IO packet type {eio!r}")
        return Packet(_EIO_KINDS[eio], data=json.loads(rest) if rest else rest or None)
    if not rest or rest[0] not in _SIO_KINDS:
        raise ValueError(f"unknown Socket.IO packet in {frame[:40]!r}")
    kind, body = _SIO_KINDS[rest[0]], rest[1:]
    namespace = "/"
    if body.startswith("/"):
        namespace, _, body = body.partition(",")
    # An optional numeric ack id precedes the JSON.
    index = 0
    while index < len(body) and body[index].isdigit():
        index += 1
    body = body[index:]
    data = json.loads(body) if body else None
    if kind == "event" and isinstance(data, list) and data:
        return Packet(kind, namespace, str(data[0]), data[1] if len(data) > 1 else None)
    return Packet(kind, namespace, data=data)


def merge_delta(state: dict, delta: dict) -> dict:
    """Apply a delta (``{substate: {var_key: value}}``) to a nested dict, in place."""
    for substate, changes in (delta or {}).items():
        state.setdefault(substate, {}).update(changes)
    return state


# --- synchronous client --------------------------------------------------------


@dataclass(frozen=True)
class Barrier:
    """An event whose answer ``ReflexClient.settle`` can recognise by a nonce.

    Either a handler taking one text argument that stores it in a var of its
    state (``of``: the nonce comes back in that var), or, with ``var`` empty, a
    handler called with ``value`` while the nonce rides in the page URL of the
    event's router data (``in_url``): Reflex sends the changed URL back in the
    delta, so no app handler has to keep text from the browser.
    """

    state: str  # full state name
    method: str
    arg: str
    var: str
    value: Any = None

    @classmethod
    def of(cls, state_cls: Any, method: str, arg: str, var: str) -> Barrier:
        """Build from a state class."""
        return cls(state_cls.get_full_name(), method, arg, var)

    @classmethod
    def in_url(cls, state_cls: Any, method: str, arg: str, value: Any) -> Barrier:
        """A handler without effect for ``value``; the nonce travels in the URL."""
        return cls(state_cls.get_full_name(), method, arg, "", value)


@dataclass
class Received:
    """Everything a connection received, raw and decoded."""

    frames: list[str] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)  # frames this client sent
    updates: list[dict] = field(default_factory=list)  # payloads of "event" packets
    other: list[Packet] = field(default_factory=list)  # new_token, connect_error...

    def text(self) -> str:
        """All frames as one string, for searching for leaked values."""
        return "\n".join(self.frames)


class ReflexClient:
    """One browser tab, without the browser.

    >>> client = ReflexClient(url, barrier=Barrier.of(SomeState, "set_x", "value", "x"))
    >>> client.connect(pathname="/inbox", storage={storage_key(S, "token"): "..."})
    >>> updates = client.send(handler_name(S, "do"), {"arg": 1})
    >>> client.var(S, "x")
    >>> client.close()

    ``send`` returns the updates (``{"delta", "events"}``) that arrived until
    the event and its chained events finished; ``state`` holds the merged
    deltas, ``received`` every frame of the connection.
    """

    def __init__(
        self,
        base_url: str,
        *,
        barrier: Barrier,
        token: str | None = None,
        timeout: float = 20.0,
        max_rounds: int = 8,
        headers: dict[str, str] | None = None,
    ):
        self.base_url = base_url
        # Extra handshake headers, e.g. X-Forwarded-For as a proxy would add it.
        self.headers = dict(headers or {})
        self.token = token or new_token()
        self.barrier = barrier
        self.timeout = timeout
        self.max_rounds = max_rounds
        self.pathname = "/"
        self.state: dict[str, dict] = {}
        self.received = Received()
        self._ws = None

    # connection -------------------------------------------------------------

    def connect(
        self, *, pathname: str = "/", storage: dict | None = None, hydrate: bool = True
    ) -> list[dict]:
        """Open the socket and (by default) hydrate like a browser loading ``pathname``."""
        from websockets.sync.client import connect

        self.pathname = pathname
        self._stack = contextlib.ExitStack()
        self._ws = self._stack.enter_context(
            connect(
                socket_url(self.base_url, self.token),
                open_timeout=self.timeout,
                additional_headers=self.headers or None,
                max_size=None,
                compression=None,
            )
        )
        opened = self._recv()
        if opened.kind != "open":
            raise ConnectionError(f"expected an Engine.IO open packet, got {opened}")
        auth = {"event": hydrate_event(storage, pathname=pathname)} if hydrate else None
        self._send(encode_connect(auth))
        while True:
            packet = self._recv()
            if packet.kind == "connect":
                break
            if packet.kind == "connect_error":
                raise ConnectionError(f"connection refused: {packet.data}")
            self._keep(packet)
        return self.settle()

    def close(self) -> None:
        """Close the socket (the server sees a tab closing)."""
        if self._ws is not None:
            self._ws = None
            self._stack.close()

    def __enter__(self) -> ReflexClient:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # events -------------------------------------------------------------------

    def emit_raw(self, frame: str) -> None:
        """Send a frame exactly as given (for malformed-input tests)."""
        self._send(frame)

    def emit_event(self, event: dict) -> None:
        """Send an event dict (see ``make_event``) without waiting."""
        self._send(encode_event(event))

    def send(
        self, name: str, payload: dict | None = None, *, pathname: str | None = None
    ) -> list[dict]:
        """Send a state event by full handler name and return its updates once settled."""
        self.emit_event(make_event(name, payload, pathname=pathname or self.pathname))
        return self.settle()

    def settle(self) -> list[dict]:
        """Wait until every event sent so far (and events they chained) was handled."""
        collected: list[dict] = []
        for _ in range(self.max_rounds):
            nonce = new_token()
            name = f"{self.barrier.state}.{self.barrier.method}"
            if self.barrier.var:
                event = make_event(name, {self.barrier.arg: nonce}, pathname=self.pathname)
            else:
                event = make_event(
                    name, {self.barrier.arg: self.barrier.value}, pathname=self.pathname
                )
                joiner = "&" if "?" in self.pathname else "?"
                event["router_data"]["asPath"] = f"{self.pathname}{joiner}rx_barrier={nonce}"
            self.emit_event(event)
            others = 0
            while True:
                packet = self._recv()
                if not self._keep(packet):
                    continue
                update = packet.data
                if self._is_barrier(update, nonce):
                    break
                collected.append(update)
                others += 1
            if others == 0:
                return collected
        return collected

    def var(self, state_cls_or_name: Any, var: str) -> Any:
        """The value of a var as this tab knows it (from the merged deltas)."""
        name = (
            state_cls_or_name
            if isinstance(state_cls_or_name, str)
            else state_cls_or_name.get_full_name()
        )
        return self.state.get(name, {}).get(var_key(var))

    # internals ----------------------------------------------------------------

    def _is_barrier(self, update: Any, nonce: str) -> bool:
        delta = update.get("delta") if isinstance(update, dict) else None
        if not delta:
            return False
        if not self.barrier.var:
            return nonce in json.dumps(delta)
        return (delta.get(self.barrier.state) or {}).get(var_key(self.barrier.var)) == nonce

    def _send(self, frame: str) -> None:
        self.received.sent.append(frame)
        self._ws.send(frame)

    def _recv(self) -> Packet:
        while True:
            frame = self._ws.recv(timeout=self.timeout)
            packet = decode(frame)
            if packet.kind == "ping":
                self._ws.send(encode_pong())
                continue
            if isinstance(frame, bytes):
                frame = frame.decode()
            self.received.frames.append(frame)
            return packet

    def _keep(self, packet: Packet) -> bool:
        """Record a packet; True if it is a state update."""
        if packet.kind == "event" and packet.name == "event" and isinstance(packet.data, dict):
            self.received.updates.append(packet.data)
            merge_delta(self.state, packet.data.get("delta") or {})
            return True
        if packet.kind == "event" and packet.name == "new_token" and isinstance(packet.data, str):
            self.token = packet.data
        if packet.kind in ("close", "disconnect"):
            raise ConnectionError(f"server closed the connection: {packet}")
        self.received.other.append(packet)
        return False
