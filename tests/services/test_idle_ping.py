"""A pooled PostgreSQL connection is pinged only after sitting idle, and replaced if dead."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from peerapp import db as peerapp_db
from peerapp.db import make_engine


def _backend_pid(engine: sa.Engine) -> int:
    with engine.connect() as connection:
        return connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()


@pytest.fixture
def pooled(postgres_engine) -> Iterator[tuple[sa.Engine, int]]:
    """An engine whose one pooled connection the server has just closed, and its pid."""
    engine = make_engine(postgres_engine.url.render_as_string(hide_password=False))
    dead = _backend_pid(engine)
    with postgres_engine.connect() as connection:
        connection.exec_driver_sql(f"SELECT pg_terminate_backend({dead})")
    yield engine, dead
    engine.dispose()


def test_an_idle_connection_the_server_dropped_is_replaced_before_use(pooled, monkeypatch):
    engine, dead = pooled
    monkeypatch.setattr(peerapp_db, "PING_AFTER_IDLE_SECONDS", 0.0)
    # The ping finds it dead: the pool opens another, and the work goes on.
    assert _backend_pid(engine) != dead


def test_a_connection_in_steady_use_is_not_pinged(pooled, monkeypatch):
    engine, dead = pooled
    monkeypatch.setattr(peerapp_db, "PING_AFTER_IDLE_SECONDS", 3600.0)
    # No round trip before use: the first statement is what meets the dead socket
    # (SQLAlchemy then drops the connection, and the next checkout gets a new one).
    with pytest.raises(sa.exc.OperationalError):
        _backend_pid(engine)
    assert _backend_pid(engine) != dead
