"""Start the real app (production build, its own SQLite file) once per test session.

The server runs exactly as `make run` would run it, on a free port, with a
fixed set of people created through the service layer. Tests drive it with
Playwright in Debian's Chromium and assert only what a person sees.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlmodel import Session

from tests.launch import AppProcess, app_env, free_port, migrate
from tests.support.oidc_provider import OidcProvider

PASSWORD = "correct-horse-battery"
CHROMIUM = os.environ.get("PEERAPP_CHROMIUM", "/usr/bin/chromium")


@dataclass(frozen=True)
class Person:
    """A seeded test account."""

    email: str
    name: str
    roles: str
    admin: bool = False


PEOPLE = {
    "admin": Person("ada.admin@example.com", "Ada Admin", "mentor", admin=True),
    "alice": Person("alice.adams@example.com", "Alice Adams", "peer"),
    "bob": Person("bob.brown@example.com", "Bob Brown", "peer,mentee"),
    "carol": Person("carol.chen@example.com", "Carol Chen", "peer"),
    "dan": Person("dan.diaz@example.com", "Dan Diaz", "peer"),
    "erin": Person("erin.evans@example.com", "Erin Evans", "mentor"),
    "finn": Person("finn.ford@example.com", "Finn Ford", "peer"),
    "gwen": Person("gwen.gray@example.com", "Gwen Gray", "peer"),
    "hana": Person("hana.hill@example.com", "Hana Hill", "peer"),
    "ivan": Person("ivan.ito@example.com", "Ivan Ito", "peer"),
    "jo": Person("jo.jones@example.com", "Jo Jones", "peer"),
    "kim": Person("kim.kerr@example.com", "Kim Kerr", "peer"),
    "lee": Person("lee.lund@example.com", "Lee Lund", "peer"),
    "mia": Person("mia.moss@example.com", "Mia Moss", "peer"),
}


@dataclass
class RunningApp:
    """The app under test: its URL, database URL and server log."""

    url: str
    database_url: str
    log_path: Path
    # Where the app writes its email as .eml files (no SMTP server is configured).
    mail_dir: Path
    # Byte ranges of the server log whose errors a test has already checked and
    # accepted (forged events that Reflex itself rejects with a logged error).
    accepted_log_spans: list[tuple[int, int]] = field(default_factory=list)

    def log_size(self) -> int:
        """Current length of the server log, to mark where a test's output starts."""
        return self.log_path.stat().st_size

    def log_between(self, start: int, end: int) -> str:
        """The server log written between two ``log_size`` marks."""
        with open(self.log_path, "rb") as log:
            log.seek(start)
            return log.read(end - start).decode(errors="replace")

    def accept_log_span(self, start: int, end: int) -> None:
        """Exclude a span from the end-of-session error check (the caller checked it)."""
        self.accepted_log_spans.append((start, end))

    def db(self) -> Session:
        """A session on the app's database (for setting up a scene)."""
        from peerapp.db import make_engine

        return Session(make_engine(self.database_url))

    def person_id(self, key: str) -> int:
        """Database id of a seeded person."""
        from sqlmodel import select

        from peerapp.models import Employee

        with self.db() as db:
            return db.exec(select(Employee.id).where(Employee.email == PEOPLE[key].email)).one()


def _seed(database_url: str) -> None:
    from peerapp.db import make_engine
    from peerapp.services import accounts, programs

    with Session(make_engine(database_url)) as db:
        program = programs.default_program(db)
        for key, person in PEOPLE.items():
            accounts.create_employee(
                db,
                email=person.email,
                full_name=person.name,
                password=PASSWORD,
                job_title=f"{key.title()} Specialist",
                department="Engineering" if key in ("alice", "carol") else "Product",
                skills="Python, Facilitation" if key == "alice" else "Roadmapping",
                is_admin=person.admin,
                program_id=program.id,
                roles=programs.parse_roles(person.roles),
            )


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[OidcProvider]:
    """A local OpenID Connect provider the app's single sign-on points at."""
    provider = OidcProvider().start()
    yield provider
    provider.stop()


@pytest.fixture(scope="session")
def app_server(tmp_path_factory, oidc_provider) -> Iterator[RunningApp]:
    """Migrate a fresh database, seed people, start `reflex run --env prod`."""
    workdir = tmp_path_factory.mktemp("app")
    database_url = f"sqlite:///{workdir / 'peerapp.db'}"
    port = free_port()
    oidc_provider.redirect_uris.add(f"http://127.0.0.1:{port}/auth/oidc/callback")
    env = app_env(
        database_url,
        PEERAPP_OIDC_ISSUER=oidc_provider.url,
        PEERAPP_OIDC_CLIENT_ID=oidc_provider.client_id,
        PEERAPP_OIDC_CLIENT_SECRET=oidc_provider.client_secret,
        PEERAPP_PUBLIC_URL=f"http://127.0.0.1:{port}",
        # Only the app's own origin may open its WebSocket (see peerapp/settings.py).
        PEERAPP_ALLOWED_ORIGINS=f"http://127.0.0.1:{port},http://localhost:{port}",
        # The raw-socket clients act far faster than a person (every event is
        # followed by one or two sync events): a tab may send five times the
        # default. A flood of a thousand at once is still mostly dropped.
        PEERAPP_EVENTS_PER_SECOND_PER_TAB="100",
        # Tests change departments and look for them at once in the filter lists.
        PEERAPP_FILTER_LISTS_SECONDS="0",
        PEERAPP_EVENT_BURST_PER_TAB="300",
        PEERAPP_MAIL_DIR=str(workdir / "mail"),
        PEERAPP_MAIL_INTERVAL_SECONDS="0.5",
    )
    migrate(env)
    _seed(database_url)
    server = AppProcess(env, port, workdir / "server.log")
    try:
        server.start(pytest.fail)
        app = RunningApp(
            url=server.url,
            database_url=database_url,
            log_path=server.log_path,
            mail_dir=workdir / "mail",
        )
        yield app
    finally:
        server.stop()
    problems = server.logged_problems(skip=app.accepted_log_spans)
    assert not problems, "server logged errors:\n" + "\n".join(problems[:20])


@pytest.fixture
def keep_current_programs(app_server):
    """Every person's current program as it was: the other tests work in the first program."""
    from sqlmodel import select

    from peerapp.models import Employee

    with app_server.db() as db:
        before = dict(db.exec(select(Employee.id, Employee.current_program_id)).all())
    yield
    with app_server.db() as db:
        for employee_id, program_id in before.items():
            db.execute(
                sa.update(Employee)
                .where(Employee.id == employee_id)
                .values(current_program_id=program_id)
            )
        db.commit()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium; Playwright's own browser download is not possible here."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


def sign_in(context: BrowserContext, app: RunningApp, key: str) -> Page:
    """Open a page in ``context`` and sign in as a seeded person, by the visible form."""
    page = context.new_page()
    page.goto(f"{app.url}/login")
    page.get_by_label("Email").fill(PEOPLE[key].email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/directory")
    expect(page.get_by_role("heading", name="Directory")).to_be_visible()
    return page


def search_directory(page: Page, text: str) -> None:
    """Type into the directory search and wait until only one person is listed.

    The box is emptied first: coming back to the directory, it may still show
    the last search until the page's own load empties it, and typing the same
    words into it again would change nothing (no search would be sent).
    """
    box = page.get_by_label("Search peers")
    box.fill("")
    box.fill(text)
    # The search is debounced: wait for it to land so the list does not re-render
    # under the next click.
    expect(page.get_by_role("status").filter(has_text="person")).to_have_text("1 person")


def mark_page(page: Page) -> None:
    """Tag the loaded document; a reload would drop the tag."""
    page.evaluate("window.__peerappNoReload = true")


def assert_not_reloaded(page: Page) -> None:
    """The document tagged by ``mark_page`` is still the one shown."""
    assert page.evaluate("window.__peerappNoReload === true"), "the page was reloaded"


def _is_csp_violation(text: str) -> bool:
    return "Content Security Policy" in text or "Content-Security-Policy" in text


@pytest.fixture
def new_context(browser: Browser):
    """Separate browser contexts (separate people), closed after the test.

    Every page of these contexts reports Content-Security-Policy violations from
    its console; the test fails if there was any, so each browser test also
    checks that the app works under its policy.
    """
    contexts: list[BrowserContext] = []
    violations: list[str] = []

    def watch(page: Page) -> None:
        page.on(
            "console",
            lambda message: (
                violations.append(f"{page.url}: {message.text}")
                if _is_csp_violation(message.text)
                else None
            ),
        )

    def make(**kwargs) -> BrowserContext:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, **kwargs)
        context.set_default_timeout(15_000)
        context.on("page", watch)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations[:10])
