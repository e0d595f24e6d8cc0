"""A believable demo organisation for an empty database."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from pwdlib import PasswordHash
from sqlmodel import Session, col, select

from peerapp.models import Employee, Membership
from peerapp.services import programs, requests
from peerapp.services.demo_data import (
    DEPARTMENTS,
    FIRST_NAMES,
    LAST_NAMES,
    LOCATIONS,
    SHARED_GOALS,
)
from peerapp.services.errors import Refused
from peerapp.services.sql import id_of
from peerapp.services.unit import unit_of_work

DEMO_PASSWORD = "peerapp-demo-2026"

# Enough for every first/middle-initial/last combination to stay unique.
MAX_PEOPLE = 10_000


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


def is_empty(db: Session) -> bool:
    """True when no employee exists yet."""
    return db.exec(select(col(Employee.id)).limit(1)).first() is None


def existing_logins(db: Session) -> list[DemoLogin]:
    """The demo accounts present in this database (none in a real organisation's)."""
    emails = [login.email for login in DEMO_LOGINS]
    present = set(db.exec(select(col(Employee.email)).where(col(Employee.email).in_(emails))).all())
    return [login for login in DEMO_LOGINS if login.email in present]


def seed(db: Session, *, people: int = 300, rng_seed: int = 7) -> list[DemoLogin]:
    """Fill an empty database with an organisation, requests and pairings."""
    if not is_empty(db):
        raise Refused("The database already has employees; the demo only fills an empty one.")
    if not 0 < people <= MAX_PEOPLE:
        raise Refused(f"A demo organisation has between 1 and {MAX_PEOPLE} people.")
    rng = random.Random(rng_seed)
    program = programs.default_program(db)
    if not program.description:
        program.description = (
            "Always open: find a peer to learn with, or a mentor or mentee, any time of year."
        )
    password_hash = PasswordHash.recommended().hash(DEMO_PASSWORD)
    employees: list[Employee] = []
    fixed = {
        "priya.raman@example.com": ("People", "People Operations Lead", True),
        "alex.morgan@example.com": ("Engineering", "Senior Software Engineer", False),
        "sam.okafor@example.com": ("Product", "Product Manager", False),
    }
    for login in DEMO_LOGINS:
        dept, title, admin = fixed[login.email]
        employees.append(
            _person(rng, login.full_name, login.email, dept, title, admin, password_hash)
        )
    names: set[str] = {e.full_name for e in employees}
    # First/last pairs not used yet; past them (a large demo) names get a middle initial.
    pairs = {f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES} - names
    while len(employees) < people:
        if pairs:
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            pairs.discard(name)
        else:
            initial = rng.choice("ABCDEFGHJKLMNPRSTVW")
            name = f"{rng.choice(FIRST_NAMES)} {initial}. {rng.choice(LAST_NAMES)}"
        if name in names:
            continue
        names.add(name)
        dept = rng.choice(list(DEPARTMENTS))
        email = ".".join(part.strip(".") for part in name.lower().split()) + "@example.com"
        employees.append(
            _person(rng, name, email, dept, rng.choice(DEPARTMENTS[dept][0]), False, None)
        )
    with unit_of_work(db):
        db.add_all(employees)
        db.flush()
        themes = programs.themes_of(program)
        for index, employee in enumerate(employees):
            roll = rng.random()
            db.add(
                Membership(
                    program_id=id_of(program),
                    employee_id=id_of(employee),
                    is_peer=index < len(DEMO_LOGINS) or roll < 0.8,
                    is_mentor=index in (0, 2) or (index > 2 and rng.random() < 0.25),
                    is_mentee=index == 1 or (index > 2 and rng.random() < 0.3),
                    themes="\n".join(rng.sample(themes, k=2)),
                )
            )
        db.add(program)
    ids = [id_of(e) for e in employees]
    _seed_requests(db, rng, id_of(program), ids)
    _seed_cohort(db, rng, ids)
    return list(DEMO_LOGINS)


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


def _person(
    rng: random.Random,
    name: str,
    email: str,
    dept: str,
    title: str,
    admin: bool,
    password_hash: str | None,
) -> Employee:
    skills = rng.sample(DEPARTMENTS[dept][1], k=min(3, len(DEPARTMENTS[dept][1])))
    goals = rng.sample(SHARED_GOALS, k=2)
    return Employee(
        full_name=name,
        email=email,
        job_title=title,
        department=dept,
        location=rng.choice(LOCATIONS),
        bio=f"{title} in {dept}. Happy to trade what I know for a fresh perspective.",
        skills=", ".join(skills),
        learning_goals=", ".join(goals),
        is_admin=admin,
        password_hash=password_hash,
    )


def _seed_requests(db: Session, rng: random.Random, program_id: int, ids: list[int]) -> None:
    """Some pairings, some pending and some closed requests, through the real rules."""
    peer_ids = list(
        db.exec(
            select(col(Membership.employee_id))
            .where(col(Membership.program_id) == program_id, col(Membership.is_peer))
            .order_by(col(Membership.employee_id))
        ).all()
    )
    demo_ids = ids[: len(DEMO_LOGINS)]
    others = [pid for pid in peer_ids if pid not in demo_ids]
    mentees = list(
        db.exec(
            select(col(Membership.employee_id))
            .where(col(Membership.program_id) == program_id, col(Membership.is_mentee))
            .where(col(Membership.employee_id).not_in(demo_ids))
            .order_by(col(Membership.employee_id))
        ).all()
    )
    plan: list[tuple[int, int, str, str]] = [
        (others[0], demo_ids[1], "pending", "peer"),  # Alex has a request waiting
        (others[1], demo_ids[1], "pending", "peer"),
        (demo_ids[1], others[2], "pending", "peer"),  # and one sent
        (demo_ids[1], others[3], "accepted", "peer"),  # and a peer already
        (others[4], demo_ids[2], "pending", "peer"),
        (demo_ids[2], others[5], "declined", "peer"),
        (others[6], demo_ids[0], "accepted", "peer"),
        (demo_ids[1], demo_ids[2], "accepted", "mentee"),  # Sam mentors Alex
    ]
    if len(mentees) >= 2:
        plan.append((mentees[0], demo_ids[2], "pending", "mentee"))  # one asks Sam to mentor
        plan.append((demo_ids[0], mentees[1], "pending", "mentor"))  # Priya offers to mentor
    pool = others[7:]
    rng.shuffle(pool)
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
