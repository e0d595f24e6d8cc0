"""Names of live channels: one key per database, unguessable names, never a tab token."""

from __future__ import annotations

import uuid

import pytest
from sqlmodel import Session, func, select

from peerapp.models import ServerSecret
from peerapp.reflex_compat import is_client_token
from peerapp.services import channels


@pytest.fixture(autouse=True)
def fresh_cache():
    channels.forget_cached_keys()
    yield
    channels.forget_cached_keys()


def test_the_key_is_made_once_and_every_session_reads_the_same(db: Session, engine):
    first = channels.server_key(db)
    db.rollback()  # end the read (SQLite in tests: one shared connection)
    channels.forget_cached_keys()  # another worker process: nothing cached yet
    with Session(engine) as other:
        second = channels.server_key(other)
    assert first == second
    assert len(first) == 32
    assert db.exec(select(func.count()).select_from(ServerSecret)).one() == 1


def test_a_name_depends_on_the_person_and_on_the_key():
    key, other_key = b"k" * 32, b"j" * 32
    assert channels.channel_name(key, 7) == channels.channel_name(key, 7)
    assert channels.channel_name(key, 7) != channels.channel_name(key, 8)
    assert channels.channel_name(key, 7) != channels.channel_name(other_key, 7)
    assert channels.channel_name(key, 7) != "inbox7"


@pytest.mark.parametrize("employee_id", [1, 2, 10, 999_999])
def test_a_channel_name_is_never_a_tab_token_and_fits_a_shared_token(employee_id):
    name = channels.channel_name(b"\x00" * 32, employee_id)
    assert not is_client_token(name)
    assert "_" not in name  # Reflex refuses shared tokens with underscores
    assert name.isalnum()


def test_the_tab_token_shape_is_exactly_reflexs_uuid4():
    assert is_client_token(str(uuid.uuid4()))
    for token in [
        str(uuid.uuid4()).upper(),
        str(uuid.uuid1()),
        str(uuid.uuid4()) + "\n",
        "inbox1",
        "",
        None,
        42,
    ]:
        assert not is_client_token(token), token
