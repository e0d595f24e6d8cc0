"""The ``peerapp`` console command: accounts and demo data without the UI."""

from __future__ import annotations

import argparse
import getpass
import sys
import time
from collections.abc import Callable

import sqlalchemy as sa
from sqlmodel import Session

from peerapp.db import make_engine
from peerapp.models import Employee
from peerapp.services import (
    Refused,
    accounts,
    closing,
    cohorts,
    conflicts,
    demo,
    mail_round,
    mailer,
    programs,
    reminders,
)
from peerapp.settings import MAIL_INTERVAL_SECONDS, console_password, database_url


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="peerapp", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser(
        "create-user", help="create an account (password from PEERAPP_PASSWORD or a prompt)"
    )
    create.add_argument("--email", required=True)
    create.add_argument("--name", required=True, help="full name")
    create.add_argument("--title", default="", help="job title")
    create.add_argument("--department", default="")
    create.add_argument("--location", default="")
    create.add_argument("--roles", default="peer", help="comma-separated: peer,mentor,mentee")
    create.add_argument("--admin", action="store_true", help="make a program admin")
    create.add_argument("--program", default="", help="program name (default: the first one)")
    create.add_argument("--skills", default="", help='comma-separated, e.g. "SQL, hiring"')
    create.add_argument("--learning", default="", help="comma-separated learning goals")
    create.add_argument("--manager-email", default="", help="email of the person's manager")
    manager = commands.add_parser(
        "set-manager", help="set or clear a person's manager (nobody pairs across that line)"
    )
    manager.add_argument("--email", required=True, help="email of the person")
    boss = manager.add_mutually_exclusive_group(required=True)
    boss.add_argument("--manager-email", help="email of their manager")
    boss.add_argument("--none", action="store_true", help="they have no manager")
    program = commands.add_parser("create-program", help="create a mentoring program")
    program.add_argument("--name", required=True)
    program.add_argument("--description", default="")
    program.add_argument("--kind", choices=["evergreen", "cohort"], default="evergreen")
    program.add_argument("--starts", default=None, help="cohort start date, YYYY-MM-DD")
    program.add_argument("--ends", default=None, help="cohort end date, YYYY-MM-DD")
    seed = commands.add_parser("seed-demo", help="fill an empty database with a demo organisation")
    seed.add_argument(
        "--if-empty",
        action="store_true",
        help="do nothing (and succeed) when the database already has people",
    )
    seed.add_argument(
        "--people",
        type=int,
        default=300,
        help=f"how many ({demo.MIN_PEOPLE:,} to {demo.MAX_PEOPLE:,}; a million takes minutes)",
    )
    commands.add_parser(
        "expire-requests",
        help="expire overdue requests, close ended cohorts, remind (idempotent; for cron)",
    )
    mail = commands.add_parser(
        "send-mail",
        help="deliver the email outbox once (for cron; safe beside the app's own sender)",
    )
    mail.add_argument(
        "--loop",
        action="store_true",
        help="keep delivering every PEERAPP_MAIL_INTERVAL_SECONDS until stopped",
    )
    return parser


def _progress(started: float) -> Callable[[int, int], None]:
    """Print how far a large demo has got, every 100,000 people."""

    shown = 0

    def report(written: int, people: int) -> None:
        nonlocal shown
        if people >= 100_000 and (written // 100_000 > shown // 100_000 or written == people):
            shown = written
            elapsed = time.monotonic() - started
            print(f"  {written:>9,} of {people:,} people written ({elapsed:.0f} s)", flush=True)

    return report


def _password() -> str:
    password = console_password()
    if password:
        return password
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Repeat password: "):
        raise Refused("The two passwords differ.")
    return first


def _manager_line(db: Session, person: Employee) -> str:
    manager = db.get(Employee, person.manager_id) if person.manager_id is not None else None
    if manager is None:
        return f"{person.full_name} <{person.email}> has no manager now."
    return (
        f"{person.full_name} <{person.email}> now reports to {manager.full_name} <{manager.email}>."
    )


def _send_mail(db: Session, loop: bool) -> int:
    """Deliver the outbox once, or round after round with ``loop``; print what happened."""
    try:
        transport = mailer.configured_transport()
    except RuntimeError as wrong:
        print(f"peerapp: {wrong}", file=sys.stderr)
        return 2
    if isinstance(transport, mailer.FileTransport):
        print(f"No PEERAPP_SMTP_URL: email is written to {transport.folder}.")
    if loop:
        print(f"Delivering every {MAIL_INTERVAL_SECONDS:g} s; Ctrl-C stops.", flush=True)
    try:
        while True:
            done = mail_round.run_round(db, transport).delivered
            if not loop or done.sent or done.retried or done.failed:
                print(
                    f"Sent {done.sent}, to retry later {done.retried}, failed {done.failed}.",
                    flush=True,
                )
            if not loop:
                return 0
            time.sleep(MAIL_INTERVAL_SECONDS)
    except KeyboardInterrupt:
        return 0


def main(argv: list[str] | None = None) -> int:
    """Run a console command; returns the process exit code."""
    args = _parser().parse_args(argv)
    engine = make_engine()
    if not sa.inspect(engine).has_table("employee"):
        print(
            f"The database at {database_url()} has no tables yet: run `reflex db migrate` "
            "first (make run does this).",
            file=sys.stderr,
        )
        return 2
    try:
        with Session(engine) as db:
            if args.command == "create-user":
                program = (
                    programs.program_named(db, args.program)
                    if args.program
                    else programs.default_program(db)
                )
                employee = accounts.create_employee(
                    db,
                    email=args.email,
                    full_name=args.name,
                    password=_password(),
                    job_title=args.title,
                    department=args.department,
                    location=args.location,
                    is_admin=args.admin,
                    skills=args.skills,
                    learning_goals=args.learning,
                    manager_email=args.manager_email or None,
                    program_id=program.id,
                    roles=programs.parse_roles(args.roles),
                )
                kind = "admin" if employee.is_admin else "account"
                print(f"Created {kind} {employee.full_name} <{employee.email}>.")
            elif args.command == "set-manager":
                person = conflicts.set_manager(
                    db, email=args.email, manager_email=None if args.none else args.manager_email
                )
                print(_manager_line(db, person))
            elif args.command == "create-program":
                created = programs.create_program(
                    db,
                    args.name,
                    args.kind,
                    description=args.description,
                    starts_on=args.starts,
                    ends_on=args.ends,
                )
                print(f"Created {created.kind} program {created.name} (id {created.id}).")
            elif args.command == "expire-requests":
                affected = closing.expire_due(db).told
                print(f"Expired requests concerning {len(affected)} people.")
                ended = cohorts.close_ended_cohorts(db).told
                print(f"Closed ended cohorts concerning {len(ended)} people.")
                reminded = reminders.remind_due(db).told
                print(f"Reminded {len(reminded)} people of requests about to expire.")
            elif args.command == "send-mail":
                return _send_mail(db, args.loop)
            elif args.command == "seed-demo":
                if args.if_empty and not demo.is_empty(db):
                    print("The database already has people; demo data not added.")
                    logins = demo.existing_logins(db)
                else:
                    started = time.monotonic()
                    logins = demo.seed(db, people=args.people, progress=_progress(started))
                    print(
                        f"Demo organisation created with {args.people:,} people "
                        f"in {time.monotonic() - started:.1f} s."
                    )
                if logins:
                    print("Demo sign-ins:")
                    for login in logins:
                        print(f"  {login.email:<28} ({login.description})")
                    print(f"  password for all: {demo.DEMO_PASSWORD}")
    except Refused as refusal:
        print(f"peerapp: {refusal}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
