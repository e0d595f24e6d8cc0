"""A believable demo organisation for an empty database.

Up to a million people, written in bulk (demo_people); then requests and
pairings through the real rules, among a bounded set of people so that a large
demo stays as quick to finish as a small one.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from pwdlib import PasswordHash
from sqlmodel import Session, col, select

from peerapp.models import Employee, Membership
from peerapp.services import conflicts, demo_names, demo_org, programs, requests, search_index
from peerapp.services.demo_data import BY_NAME
from peerapp.services.demo_people import FixedPerson, PeopleRows, employee_id, write_people
from peerapp.services.errors import Refused
from peerapp.services.sql import id_of
from peerapp.services.unit import unit_of_work

DEMO_PASSWORD = "peerapp-demo-2026"

# Fewer leaves too few people for the demo logins' requests and the cohort.
MIN_PEOPLE = 20
MAX_PEOPLE = 1_000_000
# Requests go one by one through the real rules: among at most this many people.
REQUEST_POOL = 2_000


@dataclass(frozen=True)
class DemoLogin:
    """A demo account that can sign in."""

    email: str
    full_name: str
    description: str


DEMO_LOGINS = (
    DemoLogin("priya.raman@example.com", "Priya Raman", "program admin, mentor and peer"),
    DemoLogin("alex.morgan@example.com", "Alex Morgan", "peer and mentee in Engineering"),
    DemoLogin("sam.okafor@example.com", "Sam Okafor", "peer and mentor in Product"),
)
# Department, title, admin, roles: each takes the first place in the organisation that fits.
_LOGIN_PLACES = {
    "priya.raman@example.com": ("People", "People Operations Lead", True, {"peer", "mentor"}),
    "alex.morgan@example.com": (
        "Engineering",
        "Senior Software Engineer",
        False,
        {"peer", "mentee"},
    ),
    "sam.okafor@example.com": ("Product", "Product Manager", False, {"peer", "mentor"}),
}


def is_empty(db: Session) -> bool:
    """True when no employee exists yet."""
    return db.exec(select(col(Employee.id)).limit(1)).first() is None


def existing_logins(db: Session) -> list[DemoLogin]:
    """The demo accounts present in this database (none in a real organisation's)."""
    emails = [login.email for login in DEMO_LOGINS]
    present = set(db.exec(select(col(Employee.email)).where(col(Employee.email).in_(emails))).all())
    return [login for login in DEMO_LOGINS if login.email in present]


def seed(
    db: Session,
    *,
    people: int = 300,
    rng_seed: int = 7,
    progress: Callable[[int, int], None] | None = None,
) -> list[DemoLogin]:
    """Fill an empty database with an organisation, requests and pairings.

    The same ``rng_seed`` gives the same organisation. ``progress(written, people)``
    is called after each batch of people written.
    """
    most = min(MAX_PEOPLE, demo_names.capacity())
    if not MIN_PEOPLE <= people <= most:
        raise Refused(f"A demo organisation has between {MIN_PEOPLE:,} and {most:,} people.")
    if not is_empty(db):
        raise Refused("The database already has employees; the demo only fills an empty one.")
    rng = random.Random(rng_seed)
    program = programs.default_program(db)
    if not program.description:
        with unit_of_work(db):
            program.description = (
                "Always open: find a peer to learn with, or a mentor or mentee, any time of year."
            )
            db.add(program)
    program_id, themes = id_of(program), programs.themes_of(program)
    org = demo_org.shape(rng, people)
    fixed = _place_logins(org, PasswordHash.recommended().hash(DEMO_PASSWORD))
    taken = {login.full_name for login in DEMO_LOGINS}
    names = demo_names.pick_names(rng, len(org) - len(fixed), taken)
    rows = PeopleRows(rng, org, names, fixed, program_id=program_id, themes=themes)
    _bulk_people(db, rows, progress)
    demo_ids = [employee_id(position) for position in fixed]
    pool = _request_pool(rng, len(org), demo_ids)
    _seed_requests(db, rng, program_id, pool)
    _seed_cohort(db, rng, pool)
    return list(DEMO_LOGINS)


def _bulk_people(
    db: Session, rows: PeopleRows, progress: Callable[[int, int], None] | None
) -> None:
    """Every employee and membership, in bulk; the directory's index is built once after."""
    with unit_of_work(db), search_index.built_after_bulk_load(db):
        write_people(db, rows, progress)


def _place_logins(org: demo_org.Org, password_hash: str) -> dict[int, FixedPerson]:
    """Where in the organisation each demo login sits, in DEMO_LOGINS order."""
    fixed: dict[int, FixedPerson] = {}
    for login in DEMO_LOGINS:
        department, title, admin, roles = _LOGIN_PLACES[login.email]
        position = demo_org.first_with(org, department, title, set(fixed))
        if position is None:  # MIN_PEOPLE leaves room for every login
            raise RuntimeError(f"no place for {login.email} among {len(org)} people")
        fixed[position] = FixedPerson(
            login.full_name,
            login.email,
            BY_NAME[department],
            title,
            admin,
            password_hash,
            frozenset(roles),
        )
    return fixed


def _request_pool(rng: random.Random, people: int, demo_ids: list[int]) -> list[int]:
    """The demo logins' ids, then up to REQUEST_POOL others' in id order."""
    chosen = rng.sample(range(1, people + 1), min(people, REQUEST_POOL + len(demo_ids)))
    others = [person for person in chosen if person not in demo_ids][:REQUEST_POOL]
    return demo_ids + sorted(others)


def _seed_cohort(db: Session, rng: random.Random, ids: list[int]) -> None:
    """A running cohort with mentor-mentee pairing only, and some of its pairings."""
    today = programs.today()
    cohort = programs.create_program(
        db,
        "Leadership cohort",
        "cohort",
        description="Twelve weeks of mentoring for new and future team leads.",
        starts_on=today - timedelta(days=14),
        ends_on=today + timedelta(days=70),
    )
    members = ids[: len(DEMO_LOGINS)] + rng.sample(ids[len(DEMO_LOGINS) :], k=min(40, len(ids) - 3))
    mentors = set(members[::3]) | {ids[0]}
    with unit_of_work(db):
        for person in members:
            roles = {"mentor"} if person in mentors else {"mentee"}
            programs.set_roles(db, program_id=id_of(cohort), employee_id=person, roles=roles)
    mentees = [person for person in members if person not in mentors and person != ids[1]]
    plan = [(ids[1], ids[0], "pending", "mentee")]  # Alex asks Priya to mentor them
    for mentor, mentee in zip(sorted(mentors - {ids[0]}), mentees, strict=False):
        plan.append((mentee, mentor, rng.choice(["accepted", "accepted", "pending"]), "mentee"))
    _carry_out(db, rng, id_of(cohort), plan)


def _seed_requests(db: Session, rng: random.Random, program_id: int, ids: list[int]) -> None:
    """Some pairings, some pending and some closed requests, through the real rules."""
    peer_ids = list(
        db.exec(
            select(col(Membership.employee_id))
            .where(col(Membership.program_id) == program_id, col(Membership.is_peer))
            .where(col(Membership.employee_id).in_(ids))
            .order_by(col(Membership.employee_id))
        ).all()
    )
    demo_ids = ids[: len(DEMO_LOGINS)]
    others = [pid for pid in peer_ids if pid not in demo_ids]
    mentees = list(
        db.exec(
            select(col(Membership.employee_id))
            .where(col(Membership.program_id) == program_id, col(Membership.is_mentee))
            .where(col(Membership.employee_id).in_(ids[len(DEMO_LOGINS) :]))
            .order_by(col(Membership.employee_id))
        ).all()
    )
    rng.shuffle(others)  # not just the lowest ids (the chief executive and the heads)
    plan: list[tuple[int, int, str, str]] = []
    if len(others) >= 7:
        plan += [
            (others[0], demo_ids[1], "pending", "peer"),  # Alex has a request waiting
            (others[1], demo_ids[1], "pending", "peer"),
            (demo_ids[1], others[2], "pending", "peer"),  # and one sent
            (demo_ids[1], others[3], "accepted", "peer"),  # and a peer already
            (others[4], demo_ids[2], "pending", "peer"),
            (demo_ids[2], others[5], "declined", "peer"),
            (others[6], demo_ids[0], "accepted", "peer"),
        ]
    plan.append((demo_ids[1], demo_ids[2], "accepted", "mentee"))  # Sam mentors Alex
    if len(mentees) >= 2:
        plan.append((mentees[0], demo_ids[2], "pending", "mentee"))  # one asks Sam to mentor
        plan.append((demo_ids[0], mentees[1], "pending", "mentor"))  # Priya offers to mentor
    pool = others[7:]
    for index in range(0, min(len(pool) - 1, 120), 2):
        plan.append(
            (
                pool[index],
                pool[index + 1],
                rng.choice(["pending", "accepted", "accepted", "declined", "withdrawn"]),
                "peer",
            )
        )
    _carry_out(db, rng, program_id, plan)


def _carry_out(
    db: Session, rng: random.Random, program_id: int, plan: list[tuple[int, int, str, str]]
) -> None:
    """Send each planned request through the real rules, then answer it as planned."""
    messages = [
        "Would love to swap notes on how you run planning.",
        "I'd like to learn more about your team's work; happy to share mine.",
        "Keen to keep each other accountable on our Q1 goals.",
        "",
    ]
    for sender, recipient, outcome, as_role in plan:
        if conflicts.in_reporting_line(db, sender, recipient):
            continue  # the rules refuse it: not in a believable demo either
        sent = requests.send_request(
            db,
            program_id=program_id,
            sender_id=sender,
            recipient_id=recipient,
            message=rng.choice(messages),
            as_role=as_role,
        )
        request_id = sent.request.id
        if outcome == "accepted":
            requests.accept_request(db, request_id=request_id, actor_id=recipient)
        elif outcome == "declined":
            requests.decline_request(
                db,
                request_id=request_id,
                actor_id=recipient,
                reason="Not enough time this quarter, sorry!",
            )
        elif outcome == "withdrawn":
            requests.withdraw_request(db, request_id=request_id, actor_id=sender)
