"""Database engines, and how SQLite is made to serialise writers.

SQLite has no row locks: the rules that read then write (capacity, open-request
limit, mutual requests) would race between two server processes. Every SQLite
transaction therefore starts with BEGIN IMMEDIATE, taking the database's write
lock up front; writers queue (busy timeout) instead of interleaving. PostgreSQL
gets row locks (SELECT ... FOR UPDATE) in the services instead.

Work that only reads (a directory search) runs inside ``reads_only()``: on
SQLite its transaction is a plain deferred BEGIN on a ``query_only``
connection, a WAL reader that neither waits for the writer nor holds it up
(the database is in WAL mode), and any write in it fails loudly instead of
taking the lock. ``read_session()`` opens a session that way, and on
PostgreSQL runs it with no transaction at all (see there).

Production runs several backend workers forked from one supervisor that has
already imported the app (and may have opened a connection). A pooled
connection must never be shared across processes, so a connection checked out
in a process other than the one that opened it is discarded and replaced.

A pooled PostgreSQL connection that sat idle for ``PING_AFTER_IDLE_SECONDS`` is
pinged before use, and replaced if the server no longer answers on it (a
restart, a firewall closing idle connections). One in steady use is not: a
ping on every checkout was a round trip per event with the event loop waiting.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, create_engine

from peerapp.settings import database_url

SQLITE_BUSY_SECONDS = 30
PING_AFTER_IDLE_SECONDS = 10.0
_READS_ONLY: ContextVar[bool] = ContextVar("peerapp_reads_only", default=False)


@contextmanager
def reads_only() -> Iterator[None]:
    """Transactions begun inside the block only read (see the module docstring)."""
    token = _READS_ONLY.set(True)
    try:
        yield
    finally:
        _READS_ONLY.reset(token)


@contextmanager
def read_session(open_session: Callable[[], Session]) -> Iterator[Session]:
    """A database session (from ``open_session``) for work that only reads.

    On SQLite it is a WAL reader (``reads_only``). On PostgreSQL its statements
    run in autocommit: each sees the latest commit, and the BEGIN before the
    first and the ROLLBACK when the connection goes back to the pool, two
    round trips with the event loop waiting, are not made (a fifth of a
    search's time at 300 people). SQLAlchemy restores the connection's
    isolation when it returns to the pool, so the next user gets a transaction.
    Nothing here may write: on PostgreSQL each write would commit on its own.
    """
    with reads_only(), open_session() as db:
        bind = db.get_bind()
        if isinstance(bind, sa.Engine) and bind.dialect.name == "postgresql":
            # Set before the first statement: the connection is still only taken from
            # the pool when one runs (an event may await a lot before its first).
            db.bind = _autocommit(bind)
        yield db


@functools.cache
def _autocommit(engine: sa.Engine) -> sa.Engine:
    """``engine`` (the same pool) with its connections in autocommit while checked out."""
    return engine.execution_options(isolation_level="AUTOCOMMIT")


@sa.event.listens_for(sa.Engine, "connect")
def _sqlite_manual_transactions(dbapi_connection: Any, _record: Any) -> None:
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        # Let SQLAlchemy's "begin" event below issue BEGIN itself.
        dbapi_connection.isolation_level = None
        dbapi_connection.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_SECONDS * 1000}")
        # Readers see the last commit while a writer works (a no-op in memory).
        dbapi_connection.execute("PRAGMA journal_mode = WAL")


@sa.event.listens_for(sa.Engine, "begin")
def _sqlite_begin_immediate(connection: sa.Connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    reading = _READS_ONLY.get()
    info = connection.connection.info
    if info.get("query_only", False) != reading:
        connection.exec_driver_sql(f"PRAGMA query_only = {int(reading)}")
        info["query_only"] = reading
    connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


@sa.event.listens_for(sa.pool.Pool, "connect")
def _remember_owner(_dbapi_connection: Any, record: sa.pool.ConnectionPoolEntry) -> None:
    record.info["pid"] = os.getpid()


@sa.event.listens_for(sa.pool.Pool, "checkout")
def _refuse_inherited(dbapi_connection: Any, record: Any, proxy: Any) -> None:
    if record.info.get("pid", os.getpid()) != os.getpid():
        # Inherited through fork: drop it without closing the parent's socket.
        record.dbapi_connection = proxy.dbapi_connection = None
        raise sa.exc.DisconnectionError("connection was opened by another process")
    idle_since = record.info.get("idle_since")
    if idle_since is not None and time.monotonic() - idle_since > PING_AFTER_IDLE_SECONDS:
        _ping(dbapi_connection)


@sa.event.listens_for(sa.pool.Pool, "checkin")
def _note_idle(_dbapi_connection: Any, record: Any) -> None:
    record.info["idle_since"] = time.monotonic()


def _ping(dbapi_connection: Any) -> None:
    """Check a PostgreSQL connection answers; a DisconnectionError makes the pool
    replace it (SQLite's connections are files: nothing to ping)."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        return
    autocommit = dbapi_connection.autocommit
    try:
        # Outside a transaction, so the ping leaves none open behind it.
        dbapi_connection.autocommit = True
        dbapi_connection.execute("SELECT 1")
        dbapi_connection.autocommit = autocommit
    except Exception as failure:
        raise sa.exc.DisconnectionError(f"the database did not answer: {failure}") from failure


def make_engine(url: str | None = None) -> sa.Engine:
    """An engine for ``url`` (default: the configured database)."""
    url = url or database_url()
    kwargs = {"connect_args": {"check_same_thread": False}} if url.startswith("sqlite") else {}
    return create_engine(url, **kwargs)
