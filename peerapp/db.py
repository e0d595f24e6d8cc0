"""Database engine for code that runs outside the Reflex server (console, tests)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, create_engine

from peerapp.settings import database_url


def make_engine(url: str | None = None) -> sa.Engine:
    """An engine for ``url`` (default: the configured database)."""
    url = url or database_url()
    kwargs = {"connect_args": {"check_same_thread": False}} if url.startswith("sqlite") else {}
    return create_engine(url, **kwargs)


def open_session(url: str | None = None) -> Session:
    """A session on the configured database."""
    return Session(make_engine(url))
