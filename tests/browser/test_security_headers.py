"""Security headers on the production server, and who may open its WebSocket."""

from __future__ import annotations

import urllib.request
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.browser.conftest import sign_in


def _socket_url(app_url: str) -> str:
    return f"ws://{urlsplit(app_url).netloc}/_event/?EIO=4&transport=websocket"


def _policy(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


@pytest.mark.parametrize("path", ["/", "/login", "/directory", "/_health"])
def test_every_response_carries_the_security_headers(app_server, path):
    with urllib.request.urlopen(f"{app_server.url}{path}", timeout=10) as response:
        headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Frame-Options"] == "DENY"
    policy = _policy(headers["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    # Inline scripts run only if they are the build's own (by hash), never injected ones.
    assert "'unsafe-inline'" not in policy["script-src"]
    assert any(source.startswith("'sha256-") for source in policy["script-src"])
    own = app_server.url
    assert own in policy["connect-src"]
    assert own.replace("http://", "ws://") in policy["connect-src"]
    assert not any("*" in source for sources in policy.values() for source in sources)


def test_socket_refuses_a_foreign_origin(app_server):
    with (
        pytest.raises(InvalidStatus) as refused,
        connect(
            _socket_url(app_server.url), origin="http://evil.example", open_timeout=10
        ) as socket,
    ):
        socket.recv(timeout=5)
    assert refused.value.response.status_code in (400, 403)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_socket_accepts_the_apps_own_origin(app_server, host):
    port = urlsplit(app_server.url).port
    own = f"http://{host}:{port}"
    with connect(_socket_url(app_server.url), origin=own, open_timeout=10) as socket:
        opening = socket.recv(timeout=5)
    # Engine.IO's "open" packet: type 0 and the session's parameters.
    assert opening.startswith("0{") and '"sid"' in opening


def test_app_works_under_its_policy(app_server, new_context):
    """Sign in, browse and get a toast; ``new_context`` fails on any CSP violation."""
    context = new_context()
    page = sign_in(context, app_server, "kim")
    pages = [("Inbox", "Inbox"), ("My pairings", "My pairings"), ("Profile", "Your profile")]
    for name, heading in pages:
        page.get_by_role("link", name=name).first.click()
        expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
    page.get_by_role("button", name="Save profile").click()
    # The toast is a script the server sends (needs 'unsafe-eval'): it must show.
    expect(page.get_by_text("Profile saved.")).to_be_visible()
    assert page.evaluate("document.querySelectorAll('script:not([src])').length") > 0
