"""Password hashing: bounded concurrency, and no transaction held while hashing.

argon2 takes tens of milliseconds by design. The app runs these services on a
small thread pool (peerapp/state/offload.py); here: at most
PEERAPP_PASSWORD_HASH_THREADS hashes at once whichever threads ask, and no
open transaction (on SQLite, the database's write lock) while one runs.
"""

from __future__ import annotations

import threading
import time
from contextlib import nullcontext

import pytest
from pwdlib import PasswordHash
from service_helpers import make_person
from sqlmodel import Session

from peerapp import settings
from peerapp.services import Refused, accounts, sessions

PASSWORD = "correct-horse-battery"
NEW_PASSWORD = "violet-harbour-lantern"


@pytest.fixture
def ada(db, program):
    person = make_person(db, program, "Ada Lovelace", email="ada@example.com")
    person.password_hash = PasswordHash.recommended().hash(PASSWORD)
    db.add(person)
    db.commit()
    return person


class SpyHasher:
    """Wraps the real hasher: counts hashes running at once, checks the session."""

    def __init__(self, real, db: Session | None = None, pause: float = 0.0):
        self.real, self.db, self.pause = real, db, pause
        self.lock = threading.Lock()
        self.running = self.peak = self.calls = 0
        self.in_transaction: list[bool] = []

    def _around(self, work):
        with self.lock:
            self.running += 1
            self.calls += 1
            self.peak = max(self.peak, self.running)
        if self.db is not None:
            self.in_transaction.append(self.db.in_transaction())
        time.sleep(self.pause)
        try:
            return work()
        finally:
            with self.lock:
                self.running -= 1

    def verify(self, password, password_hash):
        return self._around(lambda: self.real.verify(password, password_hash))

    def hash(self, password):
        return self._around(lambda: self.real.hash(password))


def spy(monkeypatch, **kwargs) -> SpyHasher:
    hasher = SpyHasher(accounts._hasher, **kwargs)
    monkeypatch.setattr(accounts, "_hasher", hasher)
    return hasher


def test_no_more_hashes_at_once_than_configured(monkeypatch):
    hasher = spy(monkeypatch, pause=0.05)
    threads = [
        threading.Thread(target=accounts.verify_password, args=("guess", None)) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert hasher.calls == 8
    assert hasher.peak == settings.PASSWORD_HASH_THREADS


@pytest.mark.parametrize("email", ["ada@example.com", "nobody@example.com"])
@pytest.mark.parametrize("password", [PASSWORD, "wrong-password"])
def test_sign_in_hashes_outside_a_transaction(db, ada, monkeypatch, email, password):
    hasher = spy(monkeypatch, db=db)
    with pytest.raises(Refused) if (email, password) != (ada.email, PASSWORD) else nullcontext():
        accounts.sign_in(db, email=email, password=password, client="203.0.113.7")
    assert hasher.in_transaction == [False]


def test_password_change_hashes_outside_a_transaction(db, ada, monkeypatch):
    token = sessions.start_session(db, ada.id)
    hasher = spy(monkeypatch, db=db)
    accounts.change_password(
        db,
        token=token,
        current_password=PASSWORD,
        new_password=NEW_PASSWORD,
        repeat_password=NEW_PASSWORD,
    )
    assert hasher.in_transaction == [False, False]  # the current one, then the new one
    assert accounts.authenticate(db, ada.email, NEW_PASSWORD).id == ada.id


def test_password_change_refused_if_the_session_ended_while_hashing(db, ada, monkeypatch):
    token = sessions.start_session(db, ada.id)
    real = accounts._hasher

    class EndsSessionWhileHashing:
        def verify(self, password, password_hash):
            return real.verify(password, password_hash)

        def hash(self, password):
            sessions.end_session(db, token)  # another tab signs out meanwhile
            return real.hash(password)

    monkeypatch.setattr(accounts, "_hasher", EndsSessionWhileHashing())
    with pytest.raises(Refused, match="session has ended"):
        accounts.change_password(
            db,
            token=token,
            current_password=PASSWORD,
            new_password=NEW_PASSWORD,
            repeat_password=NEW_PASSWORD,
        )
    assert accounts.authenticate(db, ada.email, PASSWORD).id == ada.id
