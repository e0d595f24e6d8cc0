"""The security headers' per-response cost: a response reads a computed policy, no files."""

from __future__ import annotations

import asyncio
import base64
import builtins
import hashlib
import io
import os
import threading
from pathlib import Path

from peerapp import security_headers

_FILESYSTEM = [
    (os, "stat"),
    (os, "lstat"),
    (os, "scandir"),
    (os, "listdir"),
    (io, "open"),
    (builtins, "open"),
]


def _count_filesystem_calls(monkeypatch) -> list[str]:
    """Calls into the filesystem made on this thread (a watcher thread's are its own)."""
    here = threading.get_ident()
    calls: list[str] = []
    for module, name in _FILESYSTEM:
        real = getattr(module, name)

        def counted(*args, _real=real, _name=name, **kwargs):
            if threading.get_ident() == here:
                calls.append(f"{_name}{args[:1]}")
            return _real(*args, **kwargs)

        monkeypatch.setattr(module, name, counted)
    return calls


def _page(tmp_path: Path, script: str) -> Path:
    page = tmp_path / "index.html"
    page.write_text(f"<html><head><script>{script}</script></head></html>")
    return page


def _hash(script: str) -> str:
    digest = hashlib.sha256(script.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


async def _page_app(scope, receive, send):
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


def _respond(middleware) -> dict[bytes, bytes]:
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": "/", "headers": []}
    asyncio.run(middleware(scope, receive, send))
    return dict(sent[0]["headers"])


def test_a_response_does_no_filesystem_work(tmp_path, monkeypatch):
    page = _page(tmp_path, "hydrate()")
    monkeypatch.setattr(security_headers, "_built_pages", lambda: [page])
    headers = security_headers.BuildHeaders(lambda: [page], interval=3600)
    middleware = security_headers.SecurityHeaders(_page_app, headers)
    _respond(middleware)  # the process's first response

    calls = _count_filesystem_calls(monkeypatch)
    for _ in range(50):
        answered = _respond(middleware)
    monkeypatch.undo()
    assert calls == [], f"answering looked at the filesystem: {calls[:5]}"
    assert _hash("hydrate()") in answered[b"content-security-policy"].decode()
    assert answered[b"x-frame-options"] == b"DENY"


def test_a_rebuilt_frontend_brings_its_hashes(tmp_path):
    page = _page(tmp_path, "old()")
    headers = security_headers.BuildHeaders(lambda: [page], interval=3600)
    headers.start()
    assert _hash("old()") in headers.current()[0][1].decode()
    assert headers.refresh() is False  # nothing changed: nothing recomputed

    page.write_text("<html><script>new()</script><script>more()</script></html>")
    os.utime(page, ns=(1, 1))  # a different modification time, whatever the clock
    assert headers.refresh() is True
    policy = headers.current()[0][1].decode()
    assert _hash("new()") in policy and _hash("more()") in policy
    assert _hash("old()") not in policy


def test_the_watcher_follows_the_build(tmp_path):
    page = _page(tmp_path, "old()")
    headers = security_headers.BuildHeaders(lambda: [page], interval=0.01)
    headers.start()
    page.write_text("<html><script>new()</script></html>")
    os.utime(page, ns=(1, 1))
    for _ in range(500):
        if _hash("new()") in headers.current()[0][1].decode():
            break
        threading.Event().wait(0.01)
    assert _hash("new()") in headers.current()[0][1].decode()


def test_a_forked_worker_looks_at_the_build_again_before_answering(tmp_path):
    built: list[Path] = []
    headers = security_headers.BuildHeaders(lambda: list(built), interval=3600)
    headers.start()  # the parent, before the frontend was built
    assert "sha256" not in headers.current()[0][1].decode()

    built.append(_page(tmp_path, "hydrate()"))
    headers._watcher = threading.Thread(target=lambda: None)  # a thread a fork left behind
    assert _hash("hydrate()") in headers.current()[0][1].decode()
