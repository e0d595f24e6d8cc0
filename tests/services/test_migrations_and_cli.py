"""The committed migrations build exactly the models' schema; the console command works."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import Session, SQLModel, select

from peerapp import cli
from peerapp.db import make_engine
from peerapp.models import Employee
from peerapp.models.search import skipped_in_schema_checks
from peerapp.services import accounts, demo, programs

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_URL = os.environ.get("PEERAPP_TEST_POSTGRES_URL", "").strip()


def _migrate(database_url: str) -> None:
    reflex = Path(sys.executable).parent / "reflex"
    env = {
        **os.environ,
        "PEERAPP_DATABASE_URL": database_url,
        "REFLEX_TELEMETRY_ENABLED": "false",
        "REFLEX_CHECK_LATEST_VERSION": "false",
    }
    result = subprocess.run(
        [str(reflex), "db", "migrate"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _schema_drift(database_url: str) -> list:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            # The full-text index is made by its migration, not declared in the classes.
            skip = {
                "include_object": lambda _o, name, kind, *_: (
                    not skipped_in_schema_checks(name, kind)
                )
            }
            context = MigrationContext.configure(connection, opts=skip)
            return compare_metadata(context, SQLModel.metadata)
    finally:
        engine.dispose()


def _fresh_postgres_database() -> str:
    url = sa.make_url(POSTGRES_URL)
    scratch = url.set(database="peerapp_migration_check")
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text("DROP DATABASE IF EXISTS peerapp_migration_check"))
        connection.execute(sa.text("CREATE DATABASE peerapp_migration_check"))
    admin.dispose()
    return scratch.render_as_string(hide_password=False)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_migrations_create_the_schema_the_models_declare(backend, tmp_path):
    if backend == "postgres":
        if not POSTGRES_URL:
            if os.environ.get("PEERAPP_REQUIRE_POSTGRES") == "1":
                pytest.fail("PEERAPP_TEST_POSTGRES_URL is required")
            pytest.skip("PEERAPP_TEST_POSTGRES_URL is not set")
        database_url = _fresh_postgres_database()
    else:
        database_url = f"sqlite:///{tmp_path / 'migrated.db'}"
    _migrate(database_url)
    assert _schema_drift(database_url) == []
    engine = make_engine(database_url)
    indexes = {index["name"]: index for index in sa.inspect(engine).get_indexes("peerrequest")}
    engine.dispose()
    assert indexes["uq_request_one_pending_per_pair"]["unique"]


def test_create_user_makes_an_admin_who_can_sign_in(cli_database, monkeypatch, capsys):
    monkeypatch.setenv("PEERAPP_PASSWORD", "a-long-enough-secret")
    code = cli.main(
        [
            "create-user",
            "--email",
            "Ada@Corp.Example",
            "--name",
            "Ada Park",
            "--title",
            "People Lead",
            "--roles",
            "peer,mentor",
            "--admin",
        ]
    )
    assert code == 0
    assert "Created admin Ada Park <ada@corp.example>" in capsys.readouterr().out
    with Session(make_engine(cli_database)) as db:
        employee = accounts.authenticate(db, "ada@corp.example", "a-long-enough-secret")
        assert employee is not None and employee.is_admin
        member = programs.membership(db, programs.default_program(db).id, employee.id)
        assert programs.roles_of(member) == ["mentor", "peer"]


def test_create_user_refuses_a_duplicate_and_a_short_password(cli_database, monkeypatch, capsys):
    monkeypatch.setenv("PEERAPP_PASSWORD", "a-long-enough-secret")
    assert cli.main(["create-user", "--email", "bo@corp.example", "--name", "Bo"]) == 0
    assert cli.main(["create-user", "--email", "BO@corp.example", "--name", "Bo 2"]) == 1
    assert "already exists" in capsys.readouterr().err
    monkeypatch.setenv("PEERAPP_PASSWORD", "short")
    assert cli.main(["create-user", "--email", "cy@corp.example", "--name", "Cy"]) == 1
    assert "at least 12 characters" in capsys.readouterr().err
    monkeypatch.setenv("PEERAPP_PASSWORD", "password1234")
    assert cli.main(["create-user", "--email", "cy@corp.example", "--name", "Cy"]) == 1
    assert "too easy to guess" in capsys.readouterr().err
    with Session(make_engine(cli_database)) as db:
        assert db.exec(select(sa.func.count()).select_from(Employee)).one() == 1


def test_seed_demo_fills_once_and_lists_the_sign_ins(cli_database, capsys):
    assert cli.main(["seed-demo", "--if-empty", "--people", "40"]) == 0
    first = capsys.readouterr().out
    assert "Demo organisation created with 40 people in " in first
    assert cli.main(["seed-demo", "--if-empty"]) == 0
    second = capsys.readouterr().out
    for login in demo.DEMO_LOGINS:
        assert login.email in first and login.email in second
    assert "demo data not added" in second
    assert cli.main(["seed-demo"]) == 1
    with Session(make_engine(cli_database)) as db:
        assert db.exec(select(sa.func.count()).select_from(Employee)).one() == 40


def test_seed_demo_shows_progress_every_hundred_thousand_people(capsys):
    report = cli._progress(time.monotonic())
    for written in [*range(20_000, 250_000, 20_000), 250_000]:
        report(written, 250_000)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(" of ")[0].strip() for line in lines] == ["100,000", "200,000", "250,000"]
    assert all("of 250,000 people written" in line for line in lines)
    small = cli._progress(time.monotonic())
    small(40, 40)
    assert capsys.readouterr().out == ""


def test_console_explains_a_database_without_tables(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PEERAPP_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    assert cli.main(["seed-demo"]) == 2
    assert "reflex db migrate" in capsys.readouterr().err


def _upgrade(database_url: str, revision: str) -> None:
    """Alembic's own upgrade to ``revision`` (``reflex db migrate`` always goes to the head)."""
    from alembic.config import Config

    from alembic import command

    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "alembic"))
    config.set_main_option("sqlalchemy.url", database_url)
    command.upgrade(config, revision)


def test_existing_data_becomes_an_evergreen_program_with_peer_rows(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    _upgrade(url, "c3d9e1f2a7b8")  # the schema before programs and pairing types
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        run = connection.exec_driver_sql
        run(
            "INSERT INTO program (id, name, kind, peer_mentorship_enabled, open_request_limit, "
            "request_expiry_days, created_at) VALUES (1, 'Peers', 'evergreen', 1, 5, 14, "
            "'2026-11-01 00:00:00')"
        )
        for person, name in ((1, "Ada"), (2, "Bo")):
            run(
                f"INSERT INTO employee (id, full_name, email, job_title, department, location, "
                f"bio, skills, learning_goals, is_active, is_admin, created_at) VALUES ({person}, "
                f"'{name}', '{name}@example.com', '', '', '', '', '', '', 1, 0, "
                "'2026-11-01 00:00:00')"
            )
            run(
                f"INSERT INTO membership (program_id, employee_id, is_mentor, is_mentee, is_peer, "
                f"capacity, paused, joined_at) VALUES (1, {person}, 0, 0, 1, 3, 0, "
                "'2026-11-01 00:00:00')"
            )
        run(
            "INSERT INTO peerrequest (id, program_id, sender_id, recipient_id, person_low_id, "
            "person_high_id, message, status, created_at, close_reason) VALUES (1, 1, 1, 2, 1, 2, "
            "'hi', 'accepted', '2026-11-02 00:00:00', '')"
        )
        run(
            "INSERT INTO pairing (program_id, request_id, person_low_id, person_high_id, status, "
            "started_at, end_outcome, end_feedback) VALUES (1, 1, 1, 2, 'active', "
            "'2026-11-03 00:00:00', '', '')"
        )
    engine.dispose()

    _upgrade(url, "head")

    engine = sa.create_engine(url)
    with engine.connect() as connection:
        program = connection.exec_driver_sql(
            "SELECT kind, peer_mentorship_enabled, mentoring_enabled, starts_on, themes "
            "FROM program"
        ).one()
        request = connection.exec_driver_sql(
            "SELECT kind, mentor_id, message FROM peerrequest"
        ).one()
        pairing = connection.exec_driver_sql("SELECT kind, mentor_id, status FROM pairing").one()
        places = connection.exec_driver_sql(
            "SELECT capacity, mentee_capacity FROM membership"
        ).all()
    engine.dispose()
    assert program[:4] == ("evergreen", 1, 1, None)
    assert program[4].split("\n")[0] == "Discussing shared experiences"
    assert tuple(request) == ("peer", None, "hi")
    assert tuple(pairing) == ("peer", None, "active")
    assert [tuple(row) for row in places] == [(3, 2), (3, 2)]


def test_create_program_and_a_user_in_it_with_skills_and_a_manager(
    cli_database, monkeypatch, capsys
):
    monkeypatch.setenv("PEERAPP_PASSWORD", "a-long-enough-secret")
    cohort = [
        "create-program",
        "--name",
        "Spring leadership",
        "--kind",
        "cohort",
        "--starts",
        "2027-03-01",
        "--ends",
        "2027-05-31",
    ]
    assert cli.main(cohort) == 0
    assert "Created cohort program Spring leadership" in capsys.readouterr().out
    boss = ["create-user", "--email", "boss@corp.example", "--name", "Bo Boss"]
    assert cli.main(boss) == 0
    member = [
        "create-user",
        "--email",
        "ada@corp.example",
        "--name",
        "Ada Park",
        "--roles",
        "mentee",
        "--program",
        "spring LEADERSHIP",
        "--skills",
        "SQL,  hiring",
        "--learning",
        "negotiation",
        "--manager-email",
        "boss@corp.example",
    ]
    assert cli.main(member) == 0
    with Session(make_engine(cli_database)) as db:
        ada = db.exec(select(Employee).where(Employee.email == "ada@corp.example")).one()
        boss_row = db.exec(select(Employee).where(Employee.email == "boss@corp.example")).one()
        spring = programs.program_named(db, "Spring leadership")
        assert (ada.skills, ada.learning_goals, ada.manager_id) == (
            "SQL, hiring",
            "negotiation",
            boss_row.id,
        )
        assert programs.roles_of(programs.membership(db, spring.id, ada.id)) == ["mentee"]
        assert (spring.peer_mentorship_enabled, spring.mentoring_enabled) == (False, True)


def test_create_user_refuses_an_unknown_program_or_manager(cli_database, monkeypatch, capsys):
    monkeypatch.setenv("PEERAPP_PASSWORD", "a-long-enough-secret")
    base = ["create-user", "--email", "ada@corp.example", "--name", "Ada Park"]
    assert cli.main([*base, "--program", "Nowhere"]) != 0
    assert cli.main([*base, "--manager-email", "nobody@corp.example"]) != 0
    err = capsys.readouterr().err
    assert "no program called 'Nowhere'" in err
    assert "no account with nobody@corp.example" in err
    with Session(make_engine(cli_database)) as db:
        assert db.exec(select(Employee)).all() == []
