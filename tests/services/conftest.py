"""Fixtures for the service-layer tests: one database session per test, on two backends.

``db`` runs every test twice: on a fresh in-memory SQLite database and on the
PostgreSQL database named by ``PEERAPP_TEST_POSTGRES_URL`` (emptied before each
test). Without that variable the PostgreSQL runs are skipped, unless
``PEERAPP_REQUIRE_POSTGRES=1`` asks for them to fail instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from peerapp import models  # noqa: F401  (registers every table on SQLModel.metadata)
from peerapp.db import make_engine
from peerapp.models import Program
from peerapp.models.search import WORD_TABLE
from peerapp.services import programs

POSTGRES_URL_ENV = "PEERAPP_TEST_POSTGRES_URL"
REQUIRE_POSTGRES_ENV = "PEERAPP_REQUIRE_POSTGRES"


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[sa.Engine]:
    """The test PostgreSQL database with a freshly created schema (once per run)."""
    url = os.environ.get(POSTGRES_URL_ENV, "").strip()
    if not url:
        reason = (
            f"{POSTGRES_URL_ENV} is not set, so the PostgreSQL runs of the service tests "
            "cannot run (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)"
        )
        if os.environ.get(REQUIRE_POSTGRES_ENV, "").strip() == "1":
            pytest.fail(f"{reason}; {REQUIRE_POSTGRES_ENV}=1 requires them.", pytrace=False)
        pytest.skip(reason)
    engine = make_engine(url)
    SQLModel.metadata.drop_all(engine)
    SQLModel.metadata.create_all(engine)
    yield engine
    engine.dispose()


def _truncate_all(engine: sa.Engine) -> None:
    # The search index's word list too: it is filled from the rows, like the index.
    tables = [table.name for table in SQLModel.metadata.sorted_tables] + [WORD_TABLE]
    names = ", ".join(f'"{name}"' for name in tables)
    with engine.begin() as connection:
        connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request: pytest.FixtureRequest) -> Iterator[sa.Engine]:
    """An engine on an empty database with the app's schema."""
    if request.param == "sqlite":
        sqlite_engine = make_engine("sqlite://")
        SQLModel.metadata.create_all(sqlite_engine)
        yield sqlite_engine
        sqlite_engine.dispose()
    else:
        pg_engine = request.getfixturevalue("postgres_engine")
        _truncate_all(pg_engine)
        yield pg_engine


@pytest.fixture
def db(engine: sa.Engine) -> Iterator[Session]:
    """A session on an empty database; closed (rolled back) after the test."""
    with Session(engine) as session:
        yield session


@pytest.fixture
def program(db: Session) -> Program:
    """The default evergreen program (peer mentorship on)."""
    return programs.default_program(db)


@pytest.fixture
def people(db, program):
    """Five peers (alice ... eve) and an admin with no role, keyed by first name."""
    from service_helpers import make_person

    names = ["Alice Archer", "Bob Baker", "Carol Cooper", "Dan Dyer", "Eve Ellis"]
    found = {name.split()[0].lower(): make_person(db, program, name) for name in names}
    found["admin"] = make_person(db, program, "Ann Admin", roles=(), admin=True)
    return found


@pytest.fixture
def shared_engine(engine: sa.Engine, tmp_path) -> Iterator[sa.Engine]:
    """``engine``, but one that other threads see too: for SQLite a file, not memory.

    An in-memory SQLite database exists once per thread (SQLAlchemy's pool
    gives each thread its own connection), so a test with threads uses a file.
    """
    if engine.dialect.name != "sqlite":
        yield engine
        return
    on_disk = make_engine(f"sqlite:///{tmp_path / 'shared.db'}")
    SQLModel.metadata.create_all(on_disk)
    yield on_disk
    on_disk.dispose()


@pytest.fixture
def cli_database(tmp_path, monkeypatch) -> str:
    """A fresh SQLite file that the console (``peerapp ...``) uses as its database."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    engine.dispose()
    monkeypatch.setenv("PEERAPP_DATABASE_URL", url)
    return url
