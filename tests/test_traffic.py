"""The WebSocket limits of peerapp/traffic.py, driven without a server."""

from __future__ import annotations

import asyncio

import pytest

from peerapp import settings, traffic


def scope(address: str = "203.0.113.7", forwarded: str | None = None) -> dict:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    return {"type": "websocket", "client": (address, 5000), "headers": headers}


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def event(n: int = 0) -> dict:
    return {"type": "websocket.receive", "text": f'42/_event,["event",{{"n":{n}}}]'}


def run_socket(limits: traffic.EventLimits, messages: list[dict], **scope_args) -> dict:
    """Feed ``messages`` to one socket; what the app received and what was sent back."""
    incoming = [{"type": "websocket.connect"}, *messages, {"type": "websocket.disconnect"}]
    received: list[dict] = []
    sent: list[dict] = []

    async def receive():
        return incoming.pop(0)

    async def send(message):
        sent.append(message)

    async def app(_scope, receive, _send):
        while True:
            message = await receive()
            received.append(message)
            if message["type"] == "websocket.disconnect":
                return

    limits.app = app
    asyncio.run(limits(scope(**scope_args), receive, send))
    return {"received": received, "sent": sent}


def test_a_tab_gets_its_burst_then_its_rate(monkeypatch):
    monkeypatch.setattr(settings, "EVENT_BURST_PER_TAB", 10)
    clock = Clock()
    limits = traffic.EventLimits(None, clock=clock)
    result = run_socket(limits, [event(n) for n in range(100)])
    events = [m for m in result["received"] if m["type"] == "websocket.receive"]
    assert len(events) == 10
    assert limits.dropped["203.0.113.7"] == 90


def test_pings_and_pongs_always_pass(monkeypatch):
    monkeypatch.setattr(settings, "EVENT_BURST_PER_TAB", 1)
    limits = traffic.EventLimits(None, clock=Clock())
    pongs = [{"type": "websocket.receive", "text": "3"} for _ in range(50)]
    result = run_socket(limits, [event(), event(), *pongs])
    texts = [m.get("text") for m in result["received"] if m["type"] == "websocket.receive"]
    assert texts.count("3") == 50
    assert sum(1 for text in texts if text.startswith("42")) == 1


def test_a_flooding_tab_does_not_drain_its_address(monkeypatch):
    monkeypatch.setattr(settings, "EVENT_BURST_PER_TAB", 5)
    monkeypatch.setattr(settings, "EVENT_BURST_PER_ADDRESS", 20)
    limits = traffic.EventLimits(None, clock=Clock())
    run_socket(limits, [event(n) for n in range(1000)])
    other = run_socket(limits, [event(n) for n in range(5)])
    assert len([m for m in other["received"] if m["type"] == "websocket.receive"]) == 5


def test_the_address_bucket_refills(monkeypatch):
    monkeypatch.setattr(settings, "EVENT_BURST_PER_TAB", 1000)
    monkeypatch.setattr(settings, "EVENT_BURST_PER_ADDRESS", 3)
    monkeypatch.setattr(settings, "EVENTS_PER_SECOND_PER_ADDRESS", 2)
    clock = Clock()
    limits = traffic.EventLimits(None, clock=clock)
    assert len(run_socket(limits, [event() for _ in range(5)])["received"]) == 3 + 2
    clock.now += 1.0  # two more tokens
    assert len(run_socket(limits, [event() for _ in range(5)])["received"]) == 2 + 2


def test_sockets_per_address_are_capped(monkeypatch):
    monkeypatch.setattr(settings, "SOCKETS_PER_ADDRESS", 2)
    limits = traffic.EventLimits(None, clock=Clock())
    limits.open_sockets["203.0.113.7"] = 2  # two tabs open now
    refused = run_socket(limits, [event()])
    assert refused["received"] == []
    assert refused["sent"] == [{"type": "websocket.close", "code": 1008}]
    assert run_socket(limits, [event()], address="198.51.100.1")["received"]


def test_open_sockets_are_counted_down_when_they_close():
    limits = traffic.EventLimits(None, clock=Clock())
    run_socket(limits, [event()])
    assert limits.open_sockets == {}


@pytest.mark.parametrize(
    ("hops", "forwarded", "expected"),
    [
        (0, "10.0.0.9", "203.0.113.7"),  # the header is not trusted
        (1, "10.0.0.9", "10.0.0.9"),
        (1, "6.6.6.6, 10.0.0.9", "10.0.0.9"),  # a forged entry on the left is ignored
        (2, "6.6.6.6, 10.0.0.9, 172.16.0.2", "10.0.0.9"),
        (2, "10.0.0.9", "203.0.113.7"),  # fewer entries than hops: the peer
    ],
)
def test_client_address_follows_the_trusted_hops(hops, forwarded, expected):
    assert traffic.client_address(scope(forwarded=forwarded), trusted_hops=hops) == expected
