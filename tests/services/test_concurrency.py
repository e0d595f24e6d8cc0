"""Integrity under concurrency: many threads race the service layer, then every rule is checked.

Each worker thread has its own engine (``peerapp.db.make_engine``), the way two
server processes would, and a fresh Session per operation, the way the app uses
``rx.session()``. Operations of one round are lined up on a ``threading.Barrier``
and released at the same instant. ``Refused`` is an expected answer; any other
exception (a deadlock, ``database is locked``, an IntegrityError that leaked) is
counted as an error. After the race, SQL queries count violations of every
invariant of the request lifecycle; both counts must be zero. The outcomes of the
lined-up cases (one of two double accepts wins, a member with one place pairs once,
...) are checked too.

Cases: mutual requests sent at the same instant, duplicate sends, double accepts,
accept against withdraw/decline, many accepts against one member's last place (and
against a sender's last place), two accepts that fill four last places and cancel
each other's pending requests (this deadlocked on PostgreSQL until
closing.lock_pending), the open-request limit under a burst, double ends of a
pairing, and a random mix of every operation. The same for mentoring requests
(everyone here is peer, mentor and mentee): many accepts against a mentor's last
mentee places (their peer requests must stay pending), mentees accepting the
offers of a mentor with one place at once, mutual mentoring sends at the same
instant (one pairing, mentored the right way round), opposite ones (each asks
the other to mentor them: one of the two is refused), and a peer and a mentoring
request between the same two people at once (both kinds stand).

Runs on a temporary SQLite file and on a scratch PostgreSQL database
(``<database>_race``, named after the one in ``PEERAPP_TEST_POSTGRES_URL``)
created next to it and dropped after.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from peerapp import models  # noqa: F401  (registers every table on SQLModel.metadata)
from peerapp.db import make_engine
from peerapp.models import Employee, Membership, Pairing, PairingStatus, PeerRequest, Program
from peerapp.services import Refused, pairings, programs, requests
from peerapp.services.places import MENTEE, MENTOR, PEER

POSTGRES_URL_ENV = "PEERAPP_TEST_POSTGRES_URL"
REQUIRE_POSTGRES_ENV = "PEERAPP_REQUIRE_POSTGRES"
SCRATCH_SUFFIX = "_race"
SHM = Path("/dev/shm")

THREADS = 24
MENTORING = "mentoring"
PEOPLE = 840
OPEN_REQUEST_LIMIT = 3
RANDOM_GROUP = 20
BARRIER_TIMEOUT = 120
MIN_OPERATIONS = 1000
# SQLite lets one writer in at a time and waiters poll (busy timeout), so it gets fewer.
OPERATIONS = {"sqlite": 1020, "postgresql": 1500}
# Before closing.lock_pending, about one crossed pair in ten deadlocked on PostgreSQL.
CROSSED_ROUNDS = {"sqlite": 2, "postgresql": 8}


# ------------------------------------------------------------------ databases


def _postgres_url() -> str:
    url = os.environ.get(POSTGRES_URL_ENV, "").strip()
    if not url:
        reason = f"{POSTGRES_URL_ENV} is not set, so the PostgreSQL race cannot run"
        if os.environ.get(REQUIRE_POSTGRES_ENV, "").strip() == "1":
            pytest.fail(f"{reason}; {REQUIRE_POSTGRES_ENV}=1 requires it.", pytrace=False)
        pytest.skip(reason)
    return url


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """A URL of an empty database with the app's schema, private to this test."""
    if request.param == "sqlite":
        # A real file, so every engine opens its own connections and SQLite's file locks
        # decide who writes; on tmpfs when there is one, because fsync on a busy disk
        # (not locking, which is what is tested) would otherwise dominate the runtime.
        folder = Path(tempfile.mkdtemp(dir=SHM)) if SHM.is_dir() else tmp_path
        url = f"sqlite:///{folder / 'race.db'}"
        engine = make_engine(url)
        SQLModel.metadata.create_all(engine)
        engine.dispose()
        try:
            yield url
        finally:
            if folder != tmp_path:
                shutil.rmtree(folder, ignore_errors=True)
        return
    given = sa.make_url(_postgres_url())
    # Named after the test database, so that runs on different test databases of one
    # server (several checkouts at once) never drop each other's scratch database.
    scratch = f"{given.database or 'peerapp'}{SCRATCH_SUFFIX}"
    admin = sa.create_engine(given, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{scratch}"'))
    url = given.set(database=scratch).render_as_string(hide_password=False)
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
        admin.dispose()


# ------------------------------------------------------------------ the race


@dataclass(frozen=True)
class Op:
    """One service call; ``call`` gets a fresh Session and returns a small summary."""

    kind: str
    call: Callable[[Session], object]
    key: object = None  # groups the operations whose outcomes are checked together


@dataclass
class Result:
    op: Op
    outcome: str  # "ok", "refused" or "error"
    value: object = None
    error: str = ""


_STOP = object()


class Race:
    """``threads`` workers, each with its own engine, running one round of operations at a time."""

    def __init__(self, url: str, threads: int):
        self.threads = threads
        self.engines = [make_engine(url) for _ in range(threads)]
        self.start = threading.Barrier(threads + 1, timeout=BARRIER_TIMEOUT)
        self.go = threading.Barrier(threads, timeout=BARRIER_TIMEOUT)
        self.done = threading.Barrier(threads + 1, timeout=BARRIER_TIMEOUT)
        self.tasks: list[object] = [None] * threads
        self.results: list[Result | None] = [None] * threads
        self.log: list[Result] = []
        self.workers = [
            threading.Thread(target=self._work, args=(i,), daemon=True) for i in range(threads)
        ]
        for worker in self.workers:
            worker.start()

    def _work(self, index: int) -> None:
        engine = self.engines[index]
        while True:
            self.start.wait()
            task = self.tasks[index]
            if task is _STOP:
                return
            self.go.wait()  # every worker of the round leaves here at the same instant
            if isinstance(task, Op):
                self.results[index] = _execute(engine, task)
            self.done.wait()

    def run(self, ops: list[Op]) -> list[Result]:
        """Run ``ops`` (at most one per thread) at the same instant; results in order."""
        assert len(ops) <= self.threads
        self.tasks = [*ops, *[None] * (self.threads - len(ops))]
        self.results = [None] * self.threads
        self.start.wait()
        self.done.wait()
        results = [result for result in self.results[: len(ops)] if result is not None]
        assert len(results) == len(ops)
        self.log.extend(results)
        return results

    def close(self) -> None:
        self.tasks = [_STOP] * self.threads
        with contextlib.suppress(threading.BrokenBarrierError):
            self.start.wait()
        for worker in self.workers:
            worker.join(timeout=10)
        for engine in self.engines:
            engine.dispose()


def _execute(engine: sa.Engine, op: Op) -> Result:
    try:
        with Session(engine) as db:
            return Result(op, "ok", op.call(db))
    except Refused as refusal:
        return Result(op, "refused", error=refusal.message)
    except Exception as exc:  # noqa: BLE001  (every other exception is what we count)
        return Result(op, "error", error=f"{type(exc).__name__}: {str(exc).splitlines()[0]}")


# ------------------------------------------------------------------ operations


def send(
    program_id: int, sender: int, recipient: int, key: object = None, as_role: str = PEER
) -> Op:
    """``sender`` sends taking side ``as_role``: peer, mentee (asks) or mentor (offers)."""

    def call(db: Session) -> object:
        outcome = requests.send_request(
            db, program_id=program_id, sender_id=sender, recipient_id=recipient, as_role=as_role
        )
        return ("mutual" if outcome.mutual else "sent", outcome.request.id)

    return Op("send" if as_role == PEER else f"send_as_{as_role}", call, key)


def accept(request_id: int, actor: int, key: object = None) -> Op:
    def call(db: Session) -> object:
        return requests.accept_request(db, request_id=request_id, actor_id=actor).pairing.id

    return Op("accept", call, key)


def decline(request_id: int, actor: int, key: object = None) -> Op:
    def call(db: Session) -> object:
        return requests.decline_request(db, request_id=request_id, actor_id=actor).request.id

    return Op("decline", call, key)


def withdraw(request_id: int, actor: int, key: object = None) -> Op:
    def call(db: Session) -> object:
        return requests.withdraw_request(db, request_id=request_id, actor_id=actor).request.id

    return Op("withdraw", call, key)


def end(pairing_id: int, actor: int, key: object = None) -> Op:
    def call(db: Session) -> object:
        return pairings.end_pairing(
            db, pairing_id=pairing_id, actor_id=actor, outcome="completed"
        ).pairing.id

    return Op("end_pairing", call, key)


# ------------------------------------------------------------------ scenarios


@dataclass
class World:
    """The people of the race and the expected outcomes noticed along the way."""

    engine: sa.Engine
    race: Race
    program_id: int
    fresh: list[int]
    rng: random.Random
    surprises: list[str] = field(default_factory=list)

    @property
    def threads(self) -> int:
        return self.race.threads

    def take(self, count: int) -> list[int]:
        assert len(self.fresh) >= count, "not enough fresh people for the scenarios"
        people, self.fresh = self.fresh[:count], self.fresh[count:]
        return people

    def set_capacity(self, people: list[int], capacity: int) -> None:
        self.set_member(people, capacity=capacity)

    def set_member(self, people: list[int], **values: object) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                sa.update(Membership)
                .where(Membership.employee_id.in_(people))  # type: ignore[attr-defined]
                .values(**values)
            )

    def expect(self, results: list[Result], ok_per_key: Callable[[object], int]) -> None:
        """Outcomes grouped by op key must hold exactly the expected number of successes."""
        if any(result.outcome == "error" for result in results):
            return  # errors are counted and reported on their own
        keys: dict[object, int] = {}
        for result in results:
            keys.setdefault(result.op.key, 0)
            keys[result.op.key] += result.outcome == "ok"
        for key, ok in keys.items():
            wanted = ok_per_key(key)
            if ok != wanted:
                self.surprises.append(f"{key}: {ok} succeeded, expected {wanted}")

    def pending(self, kind: str | None = None) -> list[tuple[int, int, int]]:
        query = sa.select(PeerRequest.id, PeerRequest.sender_id, PeerRequest.recipient_id).where(
            PeerRequest.status == "pending"
        )
        if kind is not None:
            query = query.where(PeerRequest.kind == kind)
        with self.engine.connect() as connection:
            return [tuple(row) for row in connection.execute(query.order_by(PeerRequest.id))]

    def mentoring(self, people: list[int]) -> list[tuple[int, int, int | None]]:
        """Active mentoring pairings among ``people``: (low, high, mentor)."""
        query = sa.select(Pairing.person_low_id, Pairing.person_high_id, Pairing.mentor_id).where(
            Pairing.status == PairingStatus.ACTIVE.value,
            Pairing.kind == MENTORING,
            Pairing.person_low_id.in_(people),  # type: ignore[attr-defined]
        )
        with self.engine.connect() as connection:
            return [tuple(row) for row in connection.execute(query.order_by(Pairing.id))]

    def active(self, people: list[int] | None = None) -> list[tuple[int, int, int]]:
        query = sa.select(Pairing.id, Pairing.person_low_id, Pairing.person_high_id).where(
            Pairing.status == PairingStatus.ACTIVE.value
        )
        if people is not None:
            query = query.where(Pairing.person_low_id.in_(people))  # type: ignore[attr-defined]
        with self.engine.connect() as connection:
            return [tuple(row) for row in connection.execute(query.order_by(Pairing.id))]


def _request_ids(results: list[Result]) -> dict[object, int]:
    """Key -> id of the request a successful, non-mutual send created."""
    return {r.op.key: r.value[1] for r in results if r.outcome == "ok" and r.value[0] == "sent"}


def mutual_requests(world: World) -> list[int]:
    """A->B and B->A at the same instant for 12 pairs: one asks, the other's ask is a yes."""
    people = world.take(world.threads)
    pairs = [(people[i], people[i + 1]) for i in range(0, len(people), 2)]
    ops = [
        op
        for a, b in pairs
        for op in (send(world.program_id, a, b, (a, b)), send(world.program_id, b, a, (a, b)))
    ]
    results = world.race.run(ops)
    world.expect(results, lambda _key: 2)
    mutual = Counter(r.op.key for r in results if r.outcome == "ok" and r.value[0] == "mutual")
    for pair in pairs:
        if mutual[pair] != 1 and not any(r.outcome == "error" for r in results):
            world.surprises.append(f"mutual {pair}: {mutual[pair]} mutual accepts, expected 1")
    return people


def double_ends(world: World, people: list[int]) -> None:
    """Both partners end the same pairing at the same instant: one of them does."""
    ops = [
        op
        for pairing_id, low, high in world.active(people)[: world.threads // 2]
        for op in (end(pairing_id, low, pairing_id), end(pairing_id, high, pairing_id))
    ]
    world.expect(world.race.run(ops), lambda _key: 1)


def double_sends_then_double_accepts(world: World) -> None:
    """The same request sent twice at once, then accepted twice at once."""
    people = world.take(world.threads)
    pairs = [(people[i], people[i + 1]) for i in range(0, len(people), 2)]
    ops = [send(world.program_id, a, b, (a, b)) for a, b in pairs for _ in range(2)]
    results = world.race.run(ops)
    world.expect(results, lambda _key: 1)
    created = _request_ids(results)
    ops = [accept(created[(a, b)], b, (a, b)) for a, b in pairs if (a, b) in created for _ in "xy"]
    world.expect(world.race.run(ops), lambda _key: 1)


def answers_against_withdrawals(world: World, variant: int) -> None:
    """Accept vs withdraw, decline vs accept, or all three at once on the same request."""
    people = world.take(world.threads)
    pairs = [(people[i], people[i + 1]) for i in range(0, len(people), 2)]
    if variant == 2:
        pairs = pairs[: world.threads // 3]  # three operations per request
    results = world.race.run([send(world.program_id, a, b, (a, b)) for a, b in pairs])
    world.expect(results, lambda _key: 1)
    created = _request_ids(results)
    ops: list[Op] = []
    for (a, b), request_id in created.items():
        key = ("answer", request_id)
        if variant == 0:
            ops += [accept(request_id, b, key), withdraw(request_id, a, key)]
        elif variant == 1:
            ops += [decline(request_id, b, key), accept(request_id, b, key)]
        else:
            ops += [accept(request_id, b, key), decline(request_id, b, key)]
            ops.append(withdraw(request_id, a, key))
    world.expect(world.race.run(ops), lambda _key: 1)


def last_places(world: World) -> None:
    """Two members with 1 and 2 places accept 11 incoming requests each, all at once."""
    people = world.take(world.threads)
    first, second, senders = people[0], people[1], people[2:]
    world.set_capacity([first], 1)
    world.set_capacity([second], 2)
    target = {s: (first if i % 2 == 0 else second) for i, s in enumerate(senders)}
    results = world.race.run([send(world.program_id, s, target[s], target[s]) for s in senders])
    world.expect(results, lambda _key: len(senders) // 2)
    ops = [
        accept(result.value[1], target[sender], target[sender])
        for sender, result in zip(senders, results, strict=True)
        if result.outcome == "ok"
    ]
    world.expect(world.race.run(ops), lambda key: 1 if key == first else 2)
    left = [p for p in world.pending() if first in p[1:] or second in p[1:]]
    if left:
        world.surprises.append(f"last places: {len(left)} requests to full members still pending")


def sender_last_place(world: World) -> None:
    """Senders with one place each; three recipients of each accept at the same instant."""
    count = world.threads // 3
    people = world.take(count * 4)
    senders, recipients = people[:count], people[count:]
    world.set_capacity(senders, 1)
    ops = [
        send(world.program_id, senders[i // 3], r, senders[i // 3])
        for i, r in enumerate(recipients)
    ]
    results = world.race.run(ops)
    world.expect(results, lambda _key: 3)
    ops = [
        accept(r.value[1], recipients[i], r.op.key)
        for i, r in enumerate(results)
        if r.outcome == "ok"
    ]
    world.expect(world.race.run(ops), lambda _key: 1)


def crossed_cancellations(world: World) -> None:
    """Two accepts fill four last places at once and cancel each other's pending requests.

    In each group A, B, C, D (one place each) B->C, A->C, A->D, B->D, A->B and C->D
    are pending, sent in that order; then B accepts A->B while D accepts C->D. Each
    accept cancels the other four requests: on PostgreSQL, two transactions that lock
    them in different orders deadlock.
    """
    people = world.take(world.threads)
    world.set_capacity(people, 1)
    groups = [people[i : i + 4] for i in range(0, len(people) - 3, 4)]
    created: dict[tuple[int, int], int] = {}
    for step in range(6):
        pairs = [[(b, c), (a, c), (a, d), (b, d), (a, b), (c, d)][step] for a, b, c, d in groups]
        results = world.race.run([send(world.program_id, x, y, (x, y)) for x, y in pairs])
        world.expect(results, lambda _key: 1)
        created |= _request_ids(results)
    ops = [
        accept(created[pair], pair[1], pair)
        for a, b, c, d in groups
        for pair in ((a, b), (c, d))
        if pair in created
    ]
    world.expect(world.race.run(ops), lambda _key: 1)


def open_request_burst(world: World) -> None:
    """Two senders each send 12 requests at once; the open-request limit lets 3 through."""
    people = world.take(2 + world.threads)
    senders, recipients = people[:2], people[2:]
    ops = [
        send(world.program_id, senders[i % 2], r, senders[i % 2]) for i, r in enumerate(recipients)
    ]
    world.expect(world.race.run(ops), lambda _key: OPEN_REQUEST_LIMIT)


def mentor_last_places(world: World) -> None:
    """Mentors with 1 and 2 mentee places accept 11 mentees' asks each, all at once.

    Each mentor also has a pending peer request: filling their mentee places must
    cancel their other mentoring requests and leave that one pending.
    """
    people = world.take(world.threads)
    first, second, mentees = people[0], people[1], people[2:]
    world.set_member([first], mentee_capacity=1)
    world.set_member([second], mentee_capacity=2)
    peer = world.race.run(
        [
            send(world.program_id, mentees[0], first, ("peer", first)),
            send(world.program_id, mentees[1], second, ("peer", second)),
        ]
    )
    world.expect(peer, lambda _key: 1)
    target = {m: (first if i % 2 == 0 else second) for i, m in enumerate(mentees)}
    ops = [send(world.program_id, m, target[m], target[m], as_role=MENTEE) for m in mentees]
    results = world.race.run(ops)
    world.expect(results, lambda _key: len(mentees) // 2)
    ops = [
        accept(result.value[1], target[mentee], target[mentee])
        for mentee, result in zip(mentees, results, strict=True)
        if result.outcome == "ok"
    ]
    world.expect(world.race.run(ops), lambda key: 1 if key == first else 2)
    left = [p for p in world.pending(MENTORING) if first in p[1:] or second in p[1:]]
    if left:
        world.surprises.append(f"mentor last places: {len(left)} asks to full mentors pending")
    kept = [p for p in world.pending(PEER) if p[2] in (first, second)]
    if len(kept) != 2:
        world.surprises.append(f"mentor last places: {len(kept)} peer requests kept, expected 2")
    mentored = Counter(mentor for _low, _high, mentor in world.mentoring(people))
    if mentored != Counter({first: 1, second: 2}):
        world.surprises.append(f"mentor last places: mentees per mentor {dict(mentored)}")


def mentees_accept_last_place(world: World) -> None:
    """Mentors with one mentee place offer to three mentees each; all three say yes at once.

    Two accept the offer, the third asks the mentor back (a mutual yes): one of them pairs.
    """
    count = world.threads // 3
    people = world.take(count * 4)
    mentors, mentees = people[:count], people[count:]
    world.set_member(mentors, mentee_capacity=1)
    ops = [
        send(world.program_id, mentors[i // 3], mentee, mentors[i // 3], as_role=MENTOR)
        for i, mentee in enumerate(mentees)
    ]
    results = world.race.run(ops)
    world.expect(results, lambda _key: 3)
    ops = [
        accept(r.value[1], mentees[i], r.op.key)
        if i % 3
        else send(world.program_id, mentees[i], mentors[i // 3], r.op.key, as_role=MENTEE)
        for i, r in enumerate(results)
        if r.outcome == "ok"
    ]
    world.expect(world.race.run(ops), lambda _key: 1)
    mentored = Counter(mentor for _low, _high, mentor in world.mentoring(people))
    if mentored != Counter(dict.fromkeys(mentors, 1)):
        world.surprises.append(f"mentees accept last place: mentees per mentor {dict(mentored)}")


def mutual_mentoring(world: World) -> None:
    """A asks B to mentor them while B offers to mentor A, at the same instant, for 12 pairs."""
    people = world.take(world.threads)
    pairs = [(people[i], people[i + 1]) for i in range(0, len(people), 2)]
    ops = [
        op
        for a, b in pairs
        for op in (
            send(world.program_id, a, b, (a, b), as_role=MENTEE),
            send(world.program_id, b, a, (a, b), as_role=MENTOR),
        )
    ]
    results = world.race.run(ops)
    world.expect(results, lambda _key: 2)
    if any(r.outcome == "error" for r in results):
        return
    mutual = Counter(r.op.key for r in results if r.outcome == "ok" and r.value[0] == "mutual")
    mentors = {frozenset((low, high)): mentor for low, high, mentor in world.mentoring(people)}
    for a, b in pairs:
        if mutual[(a, b)] != 1:
            world.surprises.append(f"mutual mentoring {a, b}: {mutual[(a, b)]} mutual, expected 1")
        if mentors.get(frozenset((a, b))) != b:
            mentor = mentors.get(frozenset((a, b)))
            world.surprises.append(f"mutual mentoring {a, b}: mentor is {mentor}, expected {b}")


def opposite_mentoring(world: World) -> None:
    """A and B each ask the other to mentor them at the same instant: one ask stands."""
    people = world.take(world.threads)
    pairs = [(people[i], people[i + 1]) for i in range(0, len(people), 2)]
    ops = [
        op
        for a, b in pairs
        for op in (
            send(world.program_id, a, b, (a, b), as_role=MENTEE),
            send(world.program_id, b, a, (a, b), as_role=MENTEE),
        )
    ]
    world.expect(world.race.run(ops), lambda _key: 1)
    pending = Counter(frozenset(p[1:]) for p in world.pending(MENTORING) if p[1] in people)
    if sorted(pending.values()) != [1] * len(pairs) or world.mentoring(people):
        world.surprises.append(f"opposite mentoring: pending per pair {sorted(pending.values())}")


def both_kinds_at_once(world: World) -> None:
    """A->B and B->A as peers, and A asking B to mentor them, at the same instant.

    The peer requests pair the two (one of them is a yes), the mentoring request stays
    pending beside that pairing: three successes per pair.
    """
    people = world.take(world.threads // 3 * 2)
    pairs = [(people[i], people[i + 1]) for i in range(0, len(people), 2)]
    ops = [
        op
        for a, b in pairs
        for op in (
            send(world.program_id, a, b, (a, b)),
            send(world.program_id, b, a, (a, b)),
            send(world.program_id, a, b, (a, b), as_role=MENTEE),
        )
    ]
    world.expect(world.race.run(ops), lambda _key: 3)


def random_mix(world: World, group: list[int]) -> None:
    """A random mix of every operation among a small group with one to three places each."""
    rng = world.rng
    pending = [p for p in world.pending() if p[1] in group]
    active = [p for p in world.active() if p[1] in group]
    ops: list[Op] = []
    sides = [PEER, PEER, MENTEE, MENTOR]
    for _ in range(world.race.threads):
        roll = rng.random()
        if roll < 0.35 or (not pending and not active):
            a, b = rng.sample(group, 2)
            ops.append(send(world.program_id, a, b, as_role=rng.choice(sides)))
        elif roll < 0.8 and pending:
            request_id, sender, recipient = rng.choice(pending)
            kind = rng.choices(["accept", "decline", "withdraw", "wrong"], [5, 2, 2, 1])[0]
            if kind == "accept":
                ops.append(accept(request_id, recipient))
            elif kind == "decline":
                ops.append(decline(request_id, recipient))
            elif kind == "withdraw":
                ops.append(withdraw(request_id, sender))
            else:  # the wrong party tries: refused, must change nothing
                ops.append(accept(request_id, sender))
        elif active:
            pairing_id, low, high = rng.choice(active)
            ops.append(end(pairing_id, rng.choice([low, high])))
        else:
            a, b = rng.sample(group, 2)
            ops.append(send(world.program_id, a, b, as_role=rng.choice(sides)))
    world.race.run(ops)


# ------------------------------------------------------------------ invariants

INVARIANTS = {
    "two pending requests of one kind for one pair": """
        SELECT count(*) FROM (
            SELECT program_id, person_low_id, person_high_id, kind FROM peerrequest
            WHERE status = 'pending'
            GROUP BY program_id, person_low_id, person_high_id, kind HAVING count(*) > 1) t
    """,
    "two active pairings of one kind for one pair": """
        SELECT count(*) FROM (
            SELECT program_id, person_low_id, person_high_id, kind FROM pairing
            WHERE status = 'active'
            GROUP BY program_id, person_low_id, person_high_id, kind HAVING count(*) > 1) t
    """,
    "pending request for a pairing the two already have": """
        SELECT count(*) FROM peerrequest r JOIN pairing p
            ON p.program_id = r.program_id AND p.person_low_id = r.person_low_id
            AND p.person_high_id = r.person_high_id AND p.kind = r.kind
        WHERE r.status = 'pending' AND p.status = 'active'
    """,
    "member over peer capacity": """
        SELECT count(*) FROM (
            SELECT m.id FROM membership m
            JOIN pairing p ON p.program_id = m.program_id AND p.status = 'active'
                AND p.kind = 'peer'
                AND (p.person_low_id = m.employee_id OR p.person_high_id = m.employee_id)
            GROUP BY m.id, m.capacity HAVING count(p.id) > m.capacity) t
    """,
    "mentor over mentee places": """
        SELECT count(*) FROM (
            SELECT m.id FROM membership m
            JOIN pairing p ON p.program_id = m.program_id AND p.status = 'active'
                AND p.kind = 'mentoring' AND p.mentor_id = m.employee_id
            GROUP BY m.id, m.mentee_capacity HAVING count(p.id) > m.mentee_capacity) t
    """,
    "accepted request without exactly one pairing": """
        SELECT count(*) FROM (
            SELECT r.id FROM peerrequest r LEFT JOIN pairing p ON p.request_id = r.id
            WHERE r.status = 'accepted' GROUP BY r.id HAVING count(p.id) <> 1) t
    """,
    "pairing without an accepted request": """
        SELECT count(*) FROM pairing p LEFT JOIN peerrequest r ON r.id = p.request_id
        WHERE r.id IS NULL OR r.status <> 'accepted'
            OR r.person_low_id <> p.person_low_id OR r.person_high_id <> p.person_high_id
            OR r.program_id <> p.program_id OR r.kind <> p.kind
            OR coalesce(r.mentor_id, 0) <> coalesce(p.mentor_id, 0)
    """,
    "history does not start with (none -> pending) exactly once": """
        SELECT count(*) FROM peerrequest r WHERE 1 <> (
            SELECT count(*) FROM requestevent e
            WHERE e.request_id = r.id AND e.from_status IS NULL AND e.to_status = 'pending')
        OR EXISTS (
            SELECT 1 FROM requestevent e WHERE e.request_id = r.id
            AND e.id < (SELECT min(f.id) FROM requestevent f
                        WHERE f.request_id = r.id AND f.from_status IS NULL))
    """,
    "more than one transition out of pending": """
        SELECT count(*) FROM (
            SELECT request_id FROM requestevent WHERE from_status = 'pending'
            GROUP BY request_id HAVING count(*) > 1) t
    """,
    "transition out of a final state": """
        SELECT count(*) FROM requestevent
        WHERE from_status IS NOT NULL AND from_status <> 'pending'
    """,
    "status differs from the last event": """
        SELECT count(*) FROM peerrequest r WHERE r.status <> (
            SELECT e.to_status FROM requestevent e WHERE e.request_id = r.id
            ORDER BY e.id DESC LIMIT 1)
        OR NOT EXISTS (SELECT 1 FROM requestevent e WHERE e.request_id = r.id)
    """,
    "sender over the open-request limit": """
        SELECT count(*) FROM (
            SELECT r.program_id, r.sender_id FROM peerrequest r
            JOIN program g ON g.id = r.program_id
            WHERE r.status = 'pending'
            GROUP BY r.program_id, r.sender_id, g.open_request_limit
            HAVING count(*) > g.open_request_limit) t
    """,
}


def violations(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            name: connection.execute(sa.text(sql)).scalar_one() for name, sql in INVARIANTS.items()
        }


# ------------------------------------------------------------------ the test


def _people(engine: sa.Engine, count: int) -> tuple[int, list[int]]:
    """The default program (open-request limit 3) and ``count`` people, in one transaction.

    Everyone is peer, mentor and mentee, so that any two can race either kind of request.
    """
    with Session(engine) as db:
        program_id = programs.default_program(db).id
        db.execute(
            sa.update(Program)
            .where(Program.id == program_id)
            .values(open_request_limit=OPEN_REQUEST_LIMIT)
        )
        people = [
            Employee(email=f"racer{i:03d}@example.com", full_name=f"Racer {i:03d}")
            for i in range(count)
        ]
        db.add_all(people)
        db.flush()
        ids = [person.id for person in people]
        db.add_all(
            Membership(
                program_id=program_id,
                employee_id=person_id,
                is_peer=True,
                is_mentor=True,
                is_mentee=True,
            )
            for person_id in ids
        )
        db.commit()
        return program_id, ids


def test_service_rules_hold_when_many_threads_race(database_url: str) -> None:
    started = time.monotonic()
    engine = make_engine(database_url)
    backend = engine.dialect.name
    program_id, people = _people(engine, PEOPLE)
    race = Race(database_url, THREADS)
    world = World(engine, race, program_id, people, random.Random(20240611))
    try:
        for _ in range(2):
            double_ends(world, mutual_requests(world))
        for _ in range(2):
            mutual_requests(world)
        for _ in range(3):
            double_sends_then_double_accepts(world)
        for variant in range(3):
            answers_against_withdrawals(world, variant)
        for _ in range(2):
            last_places(world)
            sender_last_place(world)
        for _ in range(CROSSED_ROUNDS[backend]):
            crossed_cancellations(world)
        open_request_burst(world)
        for _ in range(2):
            mentor_last_places(world)
            mentees_accept_last_place(world)
            mutual_mentoring(world)
        opposite_mentoring(world)
        both_kinds_at_once(world)
        group = world.take(RANDOM_GROUP)
        for i, person in enumerate(group):
            world.set_member([person], capacity=1 + i % 3, mentee_capacity=1 + i % 2)
        while len(race.log) < OPERATIONS[backend]:
            random_mix(world, group)
    finally:
        race.close()
    broken = violations(engine)
    engine.dispose()

    log = race.log
    outcomes = Counter(result.outcome for result in log)
    errors = Counter(f"{r.op.kind}: {r.error}" for r in log if r.outcome == "error")
    kinds = Counter(f"{r.op.kind}:{r.outcome}" for r in log)
    elapsed = time.monotonic() - started
    print(
        f"\n[race {backend}] operations={len(log)} threads={THREADS} ok={outcomes['ok']} "
        f"refused={outcomes['refused']} errors={outcomes['error']} "
        f"violations={sum(broken.values())} unexpected={len(world.surprises)} "
        f"seconds={elapsed:.1f}"
    )
    print(f"[race {backend}] by kind: {dict(sorted(kinds.items()))}")
    for message, count in errors.most_common(10):
        print(f"[race {backend}] error x{count}: {message}")
    for surprise in world.surprises[:10]:
        print(f"[race {backend}] unexpected: {surprise}")

    assert len(log) >= MIN_OPERATIONS
    assert outcomes["error"] == 0, errors.most_common(10)
    assert {name: n for name, n in broken.items() if n} == {}
    assert world.surprises == []
