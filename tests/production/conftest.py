"""peerapp as it runs in production: PostgreSQL, Redis, several backend processes.

Two app processes (one worker each) share one PostgreSQL database and one Redis
database, behind a sticky load balancer (``balancer.py``) on the public port,
so a test decides which process serves which browser. Each process is started
exactly like the README's production command. PostgreSQL and Redis come from
PEERAPP_TEST_POSTGRES_URL / PEERAPP_TEST_REDIS_URL; without them the tests are
skipped, unless PEERAPP_REQUIRE_POSTGRES=1 (CI), which makes that a failure.
"""

from __future__ import annotations

import os
import pickle
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import redis
import sqlalchemy as sa
from playwright.sync_api import BrowserContext, Page

from tests.browser.conftest import (  # noqa: F401 (fixtures shared with the browser tests)
    RunningApp,
    _seed,
    browser_type_launch_args,
    new_context,
)
from tests.launch import AppProcess, app_env, free_port, migrate
from tests.production.balancer import COOKIE, Balancer

POSTGRES_URL = os.environ.get(
    "PEERAPP_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("PEERAPP_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
REQUIRED = os.environ.get("PEERAPP_REQUIRE_POSTGRES") == "1"


def _unavailable(what: str, error: Exception) -> None:
    message = f"{what} is not reachable ({error}); the production tests need it"
    if REQUIRED:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this run, dropped afterwards."""
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"peerapp_e2e_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as error:
        _unavailable("PostgreSQL", error)
    try:
        yield sa.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(scope="session")
def redis_client() -> Iterator[redis.Redis]:
    """The Redis database the app processes share, emptied before and after."""
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as error:
        _unavailable("Redis", error)
    client.flushdb()
    yield client
    client.flushdb()


@dataclass
class Cluster:
    """The public address, the two app processes behind it, and their Redis."""

    app: RunningApp
    workers: dict[str, AppProcess]
    redis: redis.Redis
    balancer: Balancer

    def context_on(self, context: BrowserContext, worker: str) -> BrowserContext:
        """Make the balancer send this browser context to one worker."""
        context.add_cookies([{"name": COOKIE, "value": worker, "url": self.app.url}])
        return context

    def worker_of(self, page: Page) -> str:
        """Which app process holds this tab's WebSocket (from Reflex's Redis records)."""
        token = page.evaluate("window.sessionStorage.getItem('token')")
        raw = self.redis.get(f"token_manager_socket_record_{token}")
        assert raw is not None, "the tab has no live connection"
        return pickle.loads(raw).instance_id

    def stop_all(self, *, lose_state: bool) -> None:
        """Stop every app process; optionally drop all server-side state too."""
        for worker in self.workers.values():
            worker.stop()
        if lose_state:
            self.redis.flushdb()

    def start_all(self) -> None:
        """Start every app process (one after the other), then route browsers to them.

        Each process builds the frontend into the checkout's one ``.web`` folder
        as it starts: a browser served by the first process while the second
        rebuilt would ask for files that are briefly gone. So the balancer
        refuses connections until every process is up, as a load balancer
        routes only to a release that is up everywhere.
        """
        self.balancer.hold()
        try:
            for worker in self.workers.values():
                worker.start(pytest.fail)
        finally:
            self.balancer.release()


@pytest.fixture(scope="session")
def cluster(tmp_path_factory, postgres_database, redis_client) -> Iterator[Cluster]:
    """Two app processes on PostgreSQL + Redis behind the balancer."""
    workdir = tmp_path_factory.mktemp("cluster")
    public_port = free_port()
    public_url = f"http://127.0.0.1:{public_port}"
    env = app_env(
        postgres_database,
        PEERAPP_REDIS_URL=REDIS_URL,
        PEERAPP_PUBLIC_URL=public_url,
        GRANIAN_WORKERS="1",
        PEERAPP_MAIL_DIR=str(workdir / "mail"),
    )
    migrate(env)
    _seed(postgres_database)
    workers = {
        name: AppProcess(env, free_port(), workdir / f"{name}.log") for name in ("one", "two")
    }
    balancer = Balancer(public_port, {name: w.port for name, w in workers.items()})
    balancer.start()
    try:
        cluster = Cluster(
            app=RunningApp(
                url=public_url,
                database_url=postgres_database,
                log_path=workers["one"].log_path,
                mail_dir=workdir / "mail",
            ),
            workers=workers,
            redis=redis_client,
            balancer=balancer,
        )
        # One after the other: both compile the same frontend into .web.
        cluster.start_all()
        yield cluster
    finally:
        for worker in workers.values():
            worker.stop()
        balancer.stop()
    problems = [line for w in workers.values() for line in w.logged_problems()]
    assert not problems, "server logged errors:\n" + "\n".join(problems[:20])
