"""Stage timestamps for `bench/live_latency.py --trace`, loaded only into its server.

Python imports ``sitecustomize`` at start-up from PYTHONPATH, so the benchmark
puts this directory there for the server it starts, and nothing in peerapp
knows about it. It waits until the app's live module has been imported (Reflex
and peerapp are loaded by then), then wraps a few functions to append
``<epoch ms> <stage> [detail]`` lines to ``$PEERAPP_TRACE_DIR/<pid>.log``.
The benchmark reads them back and lines them up with each round's click.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.abc
import importlib.machinery
import os
import sys
import time

TRACE_DIR = os.environ.get("PEERAPP_TRACE_DIR")
WATCHED = "peerapp.state.live"
_log = None


def mark(stage: str, detail: str = "") -> None:
    """Write one timestamped line (line-buffered: a killed worker loses nothing)."""
    global _log
    if _log is None:
        _log = open(os.path.join(TRACE_DIR, f"{os.getpid()}.log"), "a", buffering=1)  # noqa: SIM115
    _log.write(f"{time.time() * 1000:.3f} {stage} {detail}\n")


def _after_async(function, stage: str):
    @functools.wraps(function)
    async def wrapper(*args, **kwargs):
        result = await function(*args, **kwargs)
        mark(stage)
        return result

    return wrapper


def _install() -> None:
    from reflex.app import EventNamespace
    from reflex.istate.manager.redis import StateManagerRedis

    from peerapp.services import requests as request_service
    from peerapp.state.session import SessionState

    on_event = EventNamespace.on_event

    async def traced_on_event(self, sid, data):
        if isinstance(data, dict) and str(data.get("name", "")).endswith(".request_peer"):
            mark("received")
        return await on_event(self, sid, data)

    emit_update = EventNamespace.emit_update

    async def traced_emit_update(self, update, token):
        record = self._token_manager.token_to_socket.get(token)
        if record is not None and record.instance_id == self._token_manager.instance_id:
            mark("emit", token)
        return await emit_update(self, update, token)

    modify_state = StateManagerRedis.modify_state

    @contextlib.asynccontextmanager
    async def traced_modify_state(self, token, **context):
        ident = getattr(token, "ident", str(token))
        async with modify_state(self, token, **context) as state:
            mark("locked", ident)
            yield state
        mark("unlocked", ident)

    send_request = request_service.send_request

    @functools.wraps(send_request)
    def traced_send_request(*args, **kwargs):
        outcome = send_request(*args, **kwargs)
        mark("committed")
        return outcome

    EventNamespace.on_event = traced_on_event
    EventNamespace.emit_update = traced_emit_update
    StateManagerRedis.modify_state = traced_modify_state
    request_service.send_request = traced_send_request
    SessionState._viewer = _after_async(SessionState._viewer, "signed-in")


class _InstallAfterImport(importlib.abc.MetaPathFinder):
    """Run ``_install`` right after WATCHED has been executed."""

    def find_spec(self, name, path, target=None):
        if name != WATCHED:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        sys.meta_path.remove(self)
        execute = spec.loader.exec_module

        def exec_module(module):
            execute(module)
            _install()

        spec.loader.exec_module = exec_module
        return spec


if TRACE_DIR:
    sys.meta_path.insert(0, _InstallAfterImport())
