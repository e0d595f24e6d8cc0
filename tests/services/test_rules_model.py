"""The service layer against a pure-Python model of the peer-request rules (Hypothesis, stateful).

A handful of people (six peers, one mentor without the peer role, one admin
without any role) send, accept, decline and withdraw requests, end pairings,
change capacity, pause, drop or take up the peer role; the admin turns peer
mentorship off and on; the clock moves and ``requests.expire_due`` runs. Every
step runs through the services on an in-memory SQLite database (fresh per
example) and through the model below; the outcome (success or ``Refused``), the
people to refresh and every row's status must agree. After each step the
database is also checked against the integrity rules of the request lifecycle.

Steps actually run are counted in ``STEPS`` and asserted (>= 10,000) at the end.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlmodel import Session, SQLModel

from peerapp import models  # noqa: F401  (registers every table on SQLModel.metadata)
from peerapp.clock import frozen_at
from peerapp.db import make_engine
from peerapp.models import Employee, Membership, Pairing, PeerRequest, Program, RequestEvent
from peerapp.services import Refused, accounts, admin, pairings, profiles, programs, requests

PENDING, ACCEPTED, DECLINED = "pending", "accepted", "declined"
WITHDRAWN, EXPIRED, CANCELLED = "withdrawn", "expired", "cancelled"

START = datetime(2030, 3, 1, 9, 0, tzinfo=UTC)
EXPIRY = timedelta(days=models.DEFAULT_EXPIRY_DAYS)
LIMIT = 2  # open-request limit of the program (small, so the limit is reached)
PEERS = 6
NON_PEER = PEERS  # index of the mentor without the peer role
ADMIN = PEERS + 1  # index of the admin (no role in the program)
PEOPLE = PEERS + 2

MAX_EXAMPLES = 60
STEPS_PER_EXAMPLE = 180
MIN_STEPS = 10_000

STEPS: Counter[str] = Counter()  # rule -> steps run, over every example
OUTCOMES: Counter[str] = Counter()  # "rule:ok" / "rule:refused"

ANY_PERSON = st.integers(min_value=0, max_value=PEOPLE - 1)
A_PEER = st.integers(min_value=0, max_value=PEERS - 1)
INDEX = st.integers(min_value=0, max_value=63)
# Who acts: the right party (recipient, or sender to withdraw), the other party, or anybody.
ACTOR = st.sampled_from(["party"] * 8 + ["other"] * 2 + list(range(PEOPLE)))
# Mostly a pending request (the interesting case), sometimes any request or an unknown id.
PENDING_ONLY = st.sampled_from([True, True, True, False])
MOSTLY_ON = st.sampled_from([True, True, True, False])


@dataclass
class Person:
    id: int
    name: str
    roles: set[str]
    capacity: int = models.DEFAULT_CAPACITY
    paused: bool = False
    admin: bool = False
    lowered: bool = False  # capacity set below the pairings already held


@dataclass
class Request:
    id: int
    sender: int
    recipient: int
    expires_at: datetime
    status: str = PENDING


@dataclass
class Pair:
    id: int
    low: int
    high: int
    request_id: int
    active: bool = True


class PeerRules(RuleBasedStateMachine):
    """Model: plain lists of people, requests and pairings, changed by the rules as written."""

    def __init__(self) -> None:
        super().__init__()
        self.engine = make_engine("sqlite://")
        SQLModel.metadata.create_all(self.engine)
        self.now = START
        self.enabled = True
        self.requests: list[Request] = []
        self.pairs: list[Pair] = []
        with Session(self.engine) as db:
            self.program_id = programs.default_program(db).id
            specs = [(f"Peer {i}", {"peer"}, False) for i in range(PEERS)]
            specs += [("Nina Mentor", {"mentor"}, False), ("Ada Admin", set(), True)]
            self.people = [
                Person(
                    accounts.create_employee(
                        db,
                        email=f"person{i}@example.com",
                        full_name=name,
                        password=None,
                        is_admin=is_admin,
                        program_id=self.program_id,
                        roles=frozenset(roles),
                    ).id,
                    name,
                    set(roles),
                    admin=is_admin,
                )
                for i, (name, roles, is_admin) in enumerate(specs)
            ]
            admin.update_program_settings(
                db,
                actor_id=self.people[ADMIN].id,
                program_id=self.program_id,
                peer_mentorship_enabled=True,
                open_request_limit=LIMIT,
            )
        self.by_id = {p.id: p for p in self.people}

    def teardown(self) -> None:
        self.engine.dispose()

    # ------------------------------------------------------------ running a service call

    def run(self, name: str, call, model_ok: bool):
        """Run ``call(db)`` at the model's time; it must succeed exactly when the model says."""
        STEPS[name] += 1
        with Session(self.engine) as db, frozen_at(self.now):
            try:
                result = call(db)
                ok = True
            except Refused as refusal:
                result, ok = refusal.message, False
        OUTCOMES[f"{name}:{'ok' if ok else 'refused'}"] += 1
        assert ok == model_ok, f"{name}: service {'succeeded' if ok else 'refused'} ({result})"
        return result

    # ------------------------------------------------------------ the model's view

    def peer(self, person_id: int) -> bool:
        return "peer" in self.by_id[person_id].roles

    def active(self, person_id: int) -> int:
        return sum(1 for p in self.pairs if p.active and person_id in (p.low, p.high))

    def room(self, person_id: int) -> bool:
        return self.by_id[person_id].capacity - self.active(person_id) > 0

    def pending_between(self, a: int, b: int) -> Request | None:
        found = [
            r for r in self.requests if r.status == PENDING and {r.sender, r.recipient} == {a, b}
        ]
        assert len(found) <= 1
        return found[0] if found else None

    def paired(self, a: int, b: int) -> bool:
        return any(p.active and {p.low, p.high} == {a, b} for p in self.pairs)

    def open_requests(self, sender: int) -> int:
        return sum(1 for r in self.requests if r.status == PENDING and r.sender == sender)

    def close_pending(self, status: str, person_id: int | None = None, due: bool = False) -> set:
        """Close pending requests (of one person, or all, or all that are due); who is affected."""
        affected: set[int] = set()
        for r in self.requests:
            if r.status != PENDING:
                continue
            if person_id is not None and person_id not in (r.sender, r.recipient):
                continue
            if due and r.expires_at > self.now:
                continue
            r.status = status
            affected |= {r.sender, r.recipient}
        return affected

    def accept_allowed(self, r: Request, actor_id: int) -> bool:
        return (
            self.enabled
            and r.status == PENDING
            and self.peer(r.sender)
            and self.peer(r.recipient)
            and actor_id == r.recipient
            and self.room(r.recipient)
            and self.room(r.sender)
        )

    def accept_in_model(self, r: Request, pairing_id: int) -> set[int]:
        r.status = ACCEPTED
        low, high = sorted((r.sender, r.recipient))
        self.pairs.append(Pair(pairing_id, low, high, r.id))
        affected = {r.sender, r.recipient}
        for person_id in (r.sender, r.recipient):
            if not self.room(person_id):
                affected |= self.close_pending(CANCELLED, person_id)
        return affected

    def choose_request(self, index: int, pending_only: bool) -> Request | None:
        """A pending request, any request, or (None) an id that does not exist."""
        pool = [r for r in self.requests if r.status == PENDING] if pending_only else self.requests
        if not pool or (not pending_only and index % (len(pool) + 1) == len(pool)):
            return None
        return pool[index % len(pool)]

    def unknown_id(self) -> int:
        return 10_000 + len(self.requests)

    def actor_of(self, who, r: Request | None, party: str) -> int:
        if isinstance(who, int):
            return self.people[who].id
        if r is None:
            return self.people[0].id
        if (who == "party") == (party == "recipient"):
            return r.recipient
        return r.sender

    # ------------------------------------------------------------ sending

    def send(self, sender: int, recipient: int, name: str = "send") -> None:
        existing = self.pending_between(sender, recipient)
        mutual = False
        if (
            not self.enabled
            or sender == recipient
            or not self.peer(sender)
            or not self.peer(recipient)
            or self.paired(sender, recipient)
        ):
            model_ok = False
        elif existing is not None:
            mutual = existing.sender != sender
            model_ok = mutual and self.accept_allowed(existing, sender)
        else:
            model_ok = (
                not self.by_id[recipient].paused
                and self.open_requests(sender) < LIMIT
                and self.room(sender)
                and self.room(recipient)
            )
        outcome = self.run(
            name,
            lambda db: requests.send_request(
                db, program_id=self.program_id, sender_id=sender, recipient_id=recipient
            ),
            model_ok,
        )
        if not model_ok:
            return
        assert outcome.mutual == mutual
        if mutual:
            assert outcome.request.id == existing.id
            affected = self.accept_in_model(existing, outcome.pairing.id)
            assert outcome.told == affected
        else:
            assert outcome.request.status == PENDING and outcome.pairing is None
            self.requests.append(Request(outcome.request.id, sender, recipient, self.now + EXPIRY))
            assert outcome.told == {sender, recipient}

    @rule(sender=ANY_PERSON, recipient=ANY_PERSON)
    def send_to_anyone(self, sender: int, recipient: int) -> None:
        self.send(self.people[sender].id, self.people[recipient].id)

    @rule(sender=A_PEER, recipient=A_PEER)
    def send_between_peers(self, sender: int, recipient: int) -> None:
        self.send(self.people[sender].id, self.people[recipient].id)

    @rule(index=INDEX)
    def send_back(self, index: int) -> None:
        """The recipient of a pending request asks the sender too: that is a yes."""
        r = self.choose_request(index, pending_only=True)
        if r is None:
            sender, recipient = self.people[index % PEERS].id, self.people[(index + 1) % PEERS].id
        else:
            sender, recipient = r.recipient, r.sender
        self.send(sender, recipient, "send_back")

    # ------------------------------------------------------------ answering

    @rule(index=INDEX, pending_only=PENDING_ONLY, who=ACTOR)
    def accept(self, index: int, pending_only: bool, who) -> None:
        r = self.choose_request(index, pending_only)
        actor_id = self.actor_of(who, r, "recipient")
        request_id = r.id if r else self.unknown_id()
        model_ok = r is not None and self.accept_allowed(r, actor_id)
        outcome = self.run(
            "accept",
            lambda db: requests.accept_request(db, request_id=request_id, actor_id=actor_id),
            model_ok,
        )
        if model_ok:
            assert outcome.pairing.request_id == r.id and not outcome.mutual
            assert outcome.told == self.accept_in_model(r, outcome.pairing.id)

    @rule(index=INDEX, pending_only=PENDING_ONLY, who=ACTOR, kind=st.sampled_from(["d", "w"]))
    def decline_or_withdraw(self, index: int, pending_only: bool, who, kind: str) -> None:
        r = self.choose_request(index, pending_only)
        actor_id = self.actor_of(who, r, "recipient" if kind == "d" else "sender")
        request_id = r.id if r else self.unknown_id()
        party = (r.recipient if kind == "d" else r.sender) if r else None
        model_ok = r is not None and r.status == PENDING and actor_id == party
        if kind == "d":
            service = requests.decline_request
            name, status = "decline", DECLINED
        else:
            service = requests.withdraw_request
            name, status = "withdraw", WITHDRAWN
        outcome = self.run(
            name, lambda db: service(db, request_id=request_id, actor_id=actor_id), model_ok
        )
        if model_ok:
            r.status = status
            assert outcome.request.status == status
            assert outcome.told == {r.sender, r.recipient}

    # ------------------------------------------------------------ pairings

    @rule(
        index=INDEX,
        active_only=PENDING_ONLY,
        who=st.sampled_from(["low"] * 4 + ["high"] * 4 + list(range(PEOPLE))),
        how=st.sampled_from(["completed", "not_a_fit", "meh"]),
    )
    def end_pairing(self, index: int, active_only: bool, who, how: str) -> None:
        pool = [p for p in self.pairs if p.active] if active_only else self.pairs
        chosen = pool[index % len(pool)] if pool else None
        if isinstance(who, int) or chosen is None:
            actor_id = self.people[who if isinstance(who, int) else 0].id
        else:
            actor_id = chosen.low if who == "low" else chosen.high
        pairing_id = chosen.id if chosen else 10_000 + len(self.pairs)
        model_ok = (
            chosen is not None
            and chosen.active
            and actor_id in (chosen.low, chosen.high)
            and how != "meh"
        )
        ended = self.run(
            "end_pairing",
            lambda db: pairings.end_pairing(
                db, pairing_id=pairing_id, actor_id=actor_id, outcome=how
            ),
            model_ok,
        )
        if model_ok:
            chosen.active = False
            assert ended.told == {chosen.low, chosen.high}

    # ------------------------------------------------------------ profiles and settings

    def update_profile(self, index: int, name: str, **change) -> None:
        """Save one person's profile with only ``roles``/``capacity``/``paused`` changed."""
        me = self.people[index]
        roles = change.pop("roles", set(me.roles))
        capacity = change.get("capacity")
        paused = change.get("paused")
        model_ok = (
            capacity is None or (type(capacity) is int and 0 <= capacity <= profiles.CAPACITY_MAX)
        ) and (paused is None or type(paused) is bool)
        saved = self.run(
            name,
            lambda db: profiles.update_profile(
                db,
                program_id=self.program_id,
                actor_id=me.id,
                full_name=me.name,
                job_title="",
                department="",
                location="",
                bio="",
                skills="",
                learning_goals="",
                roles=sorted(roles),
                capacity=capacity,
                paused=paused,
            ),
            model_ok,
        )
        if not model_ok:
            return
        was_peer = "peer" in me.roles
        me.roles = set(roles)
        if capacity is not None:
            me.capacity = capacity
            me.lowered = capacity < self.active(me.id)
        if paused is not None:
            me.paused = paused
        affected: set[int] = set()
        if (was_peer and "peer" not in roles) or not self.room(me.id):
            affected = self.close_pending(CANCELLED, me.id)
        assert saved.told == affected
        assert saved.profile.capacity == me.capacity and saved.profile.paused == me.paused
        assert saved.profile.roles == [r for r in programs.ROLES if r in me.roles]
        assert saved.profile.active_pairings == self.active(me.id)

    @rule(
        index=ANY_PERSON,
        capacity=st.sampled_from(
            [0, 1, 1, 2, 2, 3, 3, None, profiles.CAPACITY_MAX]
            + [-1, profiles.CAPACITY_MAX + 1, True, "²"]  # refused, changing nothing
        ),
    )
    def set_capacity(self, index: int, capacity) -> None:
        self.update_profile(index, "set_capacity", capacity=capacity)

    @rule(index=ANY_PERSON, paused=st.sampled_from([False, False, True, None, "yes", 1]))
    def set_paused(self, index: int, paused) -> None:
        self.update_profile(index, "set_paused", paused=paused)

    @rule(index=ANY_PERSON, on=MOSTLY_ON)
    def set_peer_role(self, index: int, on: bool) -> None:
        roles = self.people[index].roles - {"peer"} | ({"peer"} if on else set())
        self.update_profile(index, "set_peer_role", roles=roles)

    @rule(who=st.sampled_from([ADMIN] * 3 + list(range(PEOPLE))), enabled=MOSTLY_ON)
    def admin_toggles_peer_mentorship(self, who: int, enabled: bool) -> None:
        me = self.people[who]
        change = self.run(
            "toggle_peer_mentorship",
            lambda db: admin.update_program_settings(
                db, actor_id=me.id, program_id=self.program_id, peer_mentorship_enabled=enabled
            ),
            me.admin,
        )
        if not me.admin:
            return
        affected: set[int] = set()
        if self.enabled and not enabled:
            affected = self.close_pending(CANCELLED)
        self.enabled = enabled
        assert change.told == affected
        assert change.program.peer_mentorship_enabled == enabled

    # ------------------------------------------------------------ time

    @rule(
        step=st.sampled_from(
            [
                timedelta(0),
                timedelta(hours=1),
                timedelta(days=1),
                timedelta(days=6),
                EXPIRY - timedelta(seconds=1),
                EXPIRY,
            ]
        )
    )
    def time_passes(self, step: timedelta) -> None:
        self.now += step
        affected = self.run("expire_due", requests.expire_due, True).told
        assert affected == self.close_pending(EXPIRED, due=True)

    # ------------------------------------------------------------ checks after every step

    @invariant()
    def database_agrees_with_model_and_rules(self) -> None:
        with self.engine.connect() as connection:  # plain rows: much quicker than ORM objects

            def table(model) -> list:
                name = model.__tablename__
                return list(connection.exec_driver_sql(f"SELECT * FROM {name} ORDER BY id"))

            rows, pairs, events = table(PeerRequest), table(Pairing), table(RequestEvent)
            members, employees, (program,) = table(Membership), table(Employee), table(Program)

        # The database holds exactly what the model says.
        assert {r.id: r.status for r in rows} == {r.id: r.status for r in self.requests}
        assert {
            p.id: (p.person_low_id, p.person_high_id, p.request_id, p.status) for p in pairs
        } == {
            p.id: (p.low, p.high, p.request_id, "active" if p.active else "ended")
            for p in self.pairs
        }
        assert {m.employee_id: (m.is_peer, m.is_mentor, m.capacity, m.paused) for m in members} == {
            p.id: ("peer" in p.roles, "mentor" in p.roles, p.capacity, p.paused)
            for p in self.people
        }
        assert program.peer_mentorship_enabled == self.enabled
        assert program.open_request_limit == LIMIT
        assert {e.id: (e.full_name, e.job_title, e.bio) for e in employees} == {
            p.id: (p.name, "", "") for p in self.people
        }

        # At most one pending request and one active pairing per pair.
        pending = Counter(
            (r.program_id, r.person_low_id, r.person_high_id) for r in rows if r.status == PENDING
        )
        assert all(n == 1 for n in pending.values())
        active = Counter(
            (p.program_id, p.person_low_id, p.person_high_id) for p in pairs if p.status == "active"
        )
        assert all(n == 1 for n in active.values())

        # Nobody has more active pairings than places, unless they lowered their capacity below
        # the pairings they already had (allowed: no new pairing until they are under it again).
        for m in members:
            held = sum(
                1
                for p in pairs
                if p.status == "active" and m.employee_id in (p.person_low_id, p.person_high_id)
            )
            me = self.by_id[m.employee_id]
            if held <= m.capacity:
                me.lowered = False
            assert held <= m.capacity or me.lowered

        # Accepted requests and pairings match one to one.
        by_request = Counter(p.request_id for p in pairs)
        status = {r.id: r.status for r in rows}
        for r in rows:
            assert by_request[r.id] == (1 if r.status == ACCEPTED else 0)
        assert all(p.request_id is not None and status[p.request_id] == ACCEPTED for p in pairs)

        # History: created once as pending, at most one way out, ends in the current status.
        chains: dict[int, list] = {}
        for e in events:
            chains.setdefault(e.request_id, []).append(e)
        for r in rows:
            chain = chains.get(r.id, [])
            assert chain and (chain[0].from_status, chain[0].to_status) == (None, PENDING)
            assert [e.from_status for e in chain[1:]] == [PENDING] * (len(chain) - 1)
            assert len(chain) <= 2 and chain[-1].to_status == r.status

        # Nobody has more pending requests out than the program allows.
        senders = Counter(r.sender_id for r in rows if r.status == PENDING)
        assert all(n <= LIMIT for n in senders.values())


def _explore(examples: int) -> None:
    run_state_machine_as_test(
        PeerRules,
        settings=settings(
            max_examples=examples,
            stateful_step_count=STEPS_PER_EXAMPLE,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )


def test_services_follow_the_model_of_the_rules() -> None:
    STEPS.clear()
    OUTCOMES.clear()
    started = time.monotonic()
    assert MAX_EXAMPLES * STEPS_PER_EXAMPLE >= MIN_STEPS
    _explore(MAX_EXAMPLES)
    runs = 1
    # Hypothesis now and then ends a run early (to try a new, shorter one), so the steps
    # actually run are counted; the rare shortfall is made up with a few more examples.
    while sum(STEPS.values()) < MIN_STEPS:
        _explore(-(-(MIN_STEPS - sum(STEPS.values())) // STEPS_PER_EXAMPLE))
        runs += 1
    total = sum(STEPS.values())
    print(
        f"\n[rules model] steps={total} (at most {STEPS_PER_EXAMPLE} per example, "
        f"{MAX_EXAMPLES} examples, {runs} run(s)) seconds={time.monotonic() - started:.1f}"
    )
    print(f"[rules model] outcomes: {dict(sorted(OUTCOMES.items()))}")
    assert total >= MIN_STEPS
