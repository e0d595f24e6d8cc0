"""POST /api/unsubscribe: RFC 8058 one-click unsubscribe, without signing in."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from service_helpers import make_person
from sqlmodel import Session
from starlette.testclient import TestClient

from peerapp import routes, unsubscribe_api
from peerapp.models import DEFAULT_DELIVERY
from peerapp.services import preferences, programs, unsubscribe

ONE_CLICK = {"content": b"List-Unsubscribe=One-Click"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def setup(shared_engine):
    @contextmanager
    def sessions() -> Iterator[Session]:
        with Session(shared_engine) as db:
            yield db

    with Session(shared_engine) as db:
        program = programs.default_program(db)
        alice = make_person(db, program, "Alice Archer")
        token = unsubscribe.token_for(db, alice.id, "reminders")
        alice_id = alice.id
    client = TestClient(unsubscribe_api.api(sessions))
    return client, sessions, alice_id, token


def test_one_post_turns_off_that_category_only(setup):
    client, sessions, alice, token = setup
    answer = client.post(routes.UNSUBSCRIBE_API, params={"token": token}, headers=FORM, **ONE_CLICK)
    assert answer.status_code == 200
    assert answer.text == unsubscribe_api.DONE
    assert answer.headers["cache-control"] == "no-store"
    with sessions() as db:
        assert preferences.deliveries(db, alice) == dict(DEFAULT_DELIVERY, reminders="app_only")
    # A client that posts twice gets the same answer.
    again = client.post(routes.UNSUBSCRIBE_API, params={"token": token}, headers=FORM, **ONE_CLICK)
    assert again.status_code == 200


@pytest.mark.parametrize("token", ["", "nonsense", "x" * 500])
def test_an_invalid_token_is_refused_with_the_reason_and_changes_nothing(setup, token):
    client, sessions, alice, _ = setup
    answer = client.post(routes.UNSUBSCRIBE_API, params={"token": token}, **ONE_CLICK)
    assert answer.status_code == 400
    assert answer.text == unsubscribe.INVALID
    with sessions() as db:
        assert preferences.deliveries(db, alice) == DEFAULT_DELIVERY


def test_an_expired_token_says_so(setup, monkeypatch):
    client, sessions, alice, token = setup
    later = 1e10
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)
    answer = client.post(routes.UNSUBSCRIBE_API, params={"token": token}, **ONE_CLICK)
    assert (answer.status_code, answer.text) == (400, unsubscribe.EXPIRED)
    with sessions() as db:
        assert preferences.deliveries(db, alice) == DEFAULT_DELIVERY


def test_a_get_does_not_unsubscribe_and_a_huge_body_is_not_read(setup):
    client, sessions, alice, token = setup
    # Link scanners open addresses with GET: nothing happens.
    assert client.get(routes.UNSUBSCRIBE_API, params={"token": token}).status_code == 405
    huge = b"List-Unsubscribe=One-Click&" + b"x" * (unsubscribe_api.BODY_MAX + 1)
    declared = client.post(routes.UNSUBSCRIBE_API, params={"token": token}, content=huge)
    assert declared.status_code == 413

    def chunks() -> Iterator[bytes]:
        # Streamed without a Content-Length: counted while read.
        for _ in range(4):
            yield b"y" * 512

    streamed = client.post(routes.UNSUBSCRIBE_API, params={"token": token}, content=chunks())
    assert streamed.status_code == 413
    with sessions() as db:
        assert preferences.deliveries(db, alice) == DEFAULT_DELIVERY
