"""A scene of people with private data, and a harness that checks every forged event.

The attacker is Oscar, an ordinary peer. The scene gives him things he may see
(his own request from Pam, his pairing with Tara and her email) and plants
marked secrets he must never see: other people's request messages and decline
reasons, private end-of-pairing feedback, every password hash and session
token, and the email of everyone he is not paired with.

Each case runs inside ``Attack``: it snapshots every table before and after,
collects every frame the server sent to any client the case opened, and reads
the server log written meanwhile. Errors there are accepted only when Reflex
refused the event at its boundary (unknown handler, wrong argument names) and
no frame of peerapp's code was on the stack; anything else is a crash in the
app and fails the case.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from tests.browser.conftest import RunningApp
from tests.launch import ROOT
from tests.support.reflex_ws import Barrier, ReflexClient, handler_name, storage_key

SCENE_PASSWORD = "attack-scene-password"
SECRET = "zq9secret"  # every planted private text contains this


@dataclass(frozen=True)
class Actor:
    key: str
    email: str
    name: str


CAST = {
    key: Actor(key, f"{key}.{last.lower()}@attack.example.com", f"{key.title()} {last}")
    for key, last in [
        ("oscar", "Outsider"),
        ("vera", "Vantage"),
        ("walt", "Whitlock"),
        ("tara", "Thornbury"),
        ("pam", "Pemberton"),
        ("nina", "Nakagawa"),
    ]
}


@dataclass
class Scene:
    """Ids and secrets of the attack scene."""

    ids: dict[str, int]
    oscar_token: str
    victim_tokens: dict[str, str]
    other_request: int  # Vera -> Walt, pending, marked message
    oscar_incoming: int  # Pam -> Oscar, pending (valid for Oscar to answer)
    oscar_outgoing: int  # Oscar -> Nina, pending
    other_pairing: int  # Vera & Tara, active (Oscar is not part of it)
    oscar_pairing: int  # Oscar & Tara, active
    ended_pairing: int  # Walt & Tara, ended with private feedback
    secrets: list[str] = field(default_factory=list)

    def token_for(self, app: RunningApp, key: str) -> str:
        """A fresh session token for a cast member (their own sign-in)."""
        from peerapp.services import sessions

        with app.db() as db:
            return sessions.start_session(db, self.ids[key], days=1)


def _build_scene(app: RunningApp) -> Scene:
    from peerapp.models import Pairing, PeerRequest
    from peerapp.services import accounts, digest, pairings, programs, requests, sessions

    with app.db() as db:
        program = programs.default_program(db)
        ids = {}
        for actor in CAST.values():
            ids[actor.key] = accounts.create_employee(
                db,
                email=actor.email,
                full_name=actor.name,
                password=SCENE_PASSWORD,
                job_title="Scene Member",
                department="Attack Lab",
                program_id=program.id,
                roles={"peer"},
            ).id
        pid = program.id

        def send(sender: str, recipient: str, message: str) -> int:
            requests.send_request(
                db,
                program_id=pid,
                sender_id=ids[sender],
                recipient_id=ids[recipient],
                message=message,
            )
            return db.exec(
                select(PeerRequest.id).where(
                    PeerRequest.sender_id == ids[sender],
                    PeerRequest.recipient_id == ids[recipient],
                    PeerRequest.status == "pending",
                )
            ).one()

        def pairing_of(a: str, b: str) -> int:
            low, high = sorted((ids[a], ids[b]))
            return db.exec(
                select(Pairing.id)
                .where(Pairing.person_low_id == low, Pairing.person_high_id == high)
                .order_by(Pairing.id.desc())  # type: ignore[union-attr]
            ).first()

        other_request = send("vera", "walt", f"{SECRET} vera asks walt")
        declined = send("walt", "nina", f"{SECRET} walt asks nina")
        requests.decline_request(
            db, request_id=declined, actor_id=ids["nina"], reason=f"{SECRET} nina declines"
        )
        oscar_incoming = send("pam", "oscar", "Pam would like to pair")
        oscar_outgoing = send("oscar", "nina", "Oscar would like to pair")
        accepted = send("tara", "oscar", "Tara would like to pair")
        requests.accept_request(db, request_id=accepted, actor_id=ids["oscar"])
        oscar_pairing = pairing_of("oscar", "tara")
        tv = send("tara", "vera", f"{SECRET} tara asks vera")
        requests.accept_request(db, request_id=tv, actor_id=ids["vera"])
        other_pairing = pairing_of("vera", "tara")
        wt = send("tara", "walt", f"{SECRET} tara asks walt")
        requests.accept_request(db, request_id=wt, actor_id=ids["walt"])
        ended_pairing = pairing_of("walt", "tara")
        pairings.end_pairing(
            db,
            pairing_id=ended_pairing,
            actor_id=ids["walt"],
            outcome="not_a_fit",
            feedback=f"{SECRET} walt's private feedback on tara",
        )
        # The app's periodic task writes the daily digests (pairing news waits for them):
        # write them now, dated tomorrow, so none is written between a case's snapshots.
        tomorrow = datetime.now(UTC).date() + timedelta(days=1)
        digest.send_due_digests(db, datetime.combine(tomorrow, time(23), UTC))
        oscar_token = sessions.start_session(db, ids["oscar"], days=1)
        victim_tokens = {
            key: sessions.start_session(db, ids[key], days=1)
            for key in ("vera", "walt", "tara", "pam")
        }
    _wait_for_the_mail_round(app)
    return Scene(
        ids=ids,
        oscar_token=oscar_token,
        victim_tokens=victim_tokens,
        other_request=other_request,
        oscar_incoming=oscar_incoming,
        oscar_outgoing=oscar_outgoing,
        other_pairing=other_pairing,
        oscar_pairing=oscar_pairing,
        ended_pairing=ended_pairing,
    )


def _wait_for_the_mail_round(app: RunningApp) -> None:
    """Let the app's mail sender write and deliver what is waiting before a snapshot.

    Its rounds run every half second; a round that wrote or sent mail between a
    case's two snapshots would look like a change the forged event made.
    """
    import time as clock

    from peerapp.models import Delivery, Notice, OutboxMessage, OutboxStatus

    unsent = [OutboxStatus.QUEUED.value, OutboxStatus.SENDING.value]
    deadline = clock.monotonic() + 30
    while clock.monotonic() < deadline:
        with app.db() as db:
            waiting = (
                db.exec(
                    sa.select(sa.func.count())
                    .select_from(Notice)
                    .where(Notice.delivery == Delivery.AT_ONCE.value, Notice.mailed_at.is_(None))
                ).one()[0]
                + db.exec(
                    sa.select(sa.func.count())
                    .select_from(OutboxMessage)
                    .where(OutboxMessage.status.in_(unsent))
                ).one()[0]
            )
        if not waiting:
            return
        clock.sleep(0.2)
    raise AssertionError("the app's mail sender left the scene's email undelivered")


@pytest.fixture(scope="session")
def scene(app_server: RunningApp) -> Scene:
    """The attack scene, created once in the app's database."""
    return _build_scene(app_server)


# --- database snapshots ------------------------------------------------------------


def snapshot(database_url: str) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order."""
    from peerapp.db import make_engine

    engine = make_engine(database_url)
    tables = {}
    with engine.connect() as connection:
        metadata = sa.MetaData()
        metadata.reflect(bind=connection)
        for name, table in sorted(metadata.tables.items()):
            rows = connection.execute(sa.select(table)).all()
            tables[name] = sorted((tuple(row) for row in rows), key=repr)
    engine.dispose()
    return tables


def _expected(name: str, row: tuple) -> bool:
    # A refused sign-in is recorded for throttling (hashed keys, succeeded=False):
    # that row is the defence working, not the attack.
    return name == "signinattempt" and row[-1] is False


def diff(before: dict, after: dict) -> list[str]:
    """Human list of rows added or removed per table (expected audit rows aside)."""
    lines = []
    for name in sorted(set(before) | set(after)):
        old, new = set(before.get(name, [])), set(after.get(name, []))
        lines += [f"{name}: - {row!r}" for row in sorted(old - new, key=repr)]
        lines += [
            f"{name}: + {row!r}" for row in sorted(new - old, key=repr) if not _expected(name, row)
        ]
    return lines


def forbidden_values(app: RunningApp, scene: Scene, viewer: str) -> dict[str, str]:
    """Everything ``viewer`` (a cast key, or "anonymous") must never receive, with a label."""
    from peerapp.models import (
        Employee,
        Pairing,
        PeerRequest,
        RequestEvent,
        ServerSecret,
        UserSession,
    )

    me = scene.ids.get(viewer, -1)
    found: dict[str, str] = {"$argon2": "a password hash"}
    with app.db() as db:
        peers = set()
        for pairing in db.exec(select(Pairing).where(Pairing.status == "active")).all():
            if me in (pairing.person_low_id, pairing.person_high_id):
                peers |= {pairing.person_low_id, pairing.person_high_id}
        for person in db.exec(select(Employee)).all():
            if person.password_hash:
                found[person.password_hash] = f"password hash of {person.email}"
            if person.id != me and person.id not in peers:
                found[person.email] = f"email of {person.full_name}"
        for row in db.exec(select(UserSession)).all():
            found[row.token_hash] = "a session token hash"
        for secret in db.exec(select(ServerSecret)).all():
            found[secret.value] = f"the server's {secret.purpose} key"
        for pairing in db.exec(select(Pairing)).all():
            if pairing.end_feedback and pairing.ended_by_id != me:
                found[pairing.end_feedback] = "someone else's private pairing feedback"
        for request in db.exec(select(PeerRequest)).all():
            if me not in (request.sender_id, request.recipient_id):
                if request.message:
                    found[request.message] = f"message of request {request.id}"
                if request.close_reason:
                    found[request.close_reason] = f"close reason of request {request.id}"
        for event in db.exec(select(RequestEvent)).all():
            if event.reason and SECRET in event.reason:
                found[event.reason] = "someone else's decline reason"
    for key, token in scene.victim_tokens.items():
        found[token] = f"{key}'s session token"
        found[hashlib.sha256(token.encode()).hexdigest()] = f"{key}'s session token hash"
    return found


# --- server log ------------------------------------------------------------------

# Exceptions Reflex raises when it refuses a forged event or frame before any app
# code runs: unknown handler names, arguments that do not fit the handler's
# signature, payloads or router data of the wrong shape, undecodable JSON.
_BOUNDARY = re.compile(
    r"No registered handler found for event"
    r"|got an unexpected keyword argument"
    r"|missing \d+ required (?:positional|keyword-only) arguments?"
    r"|has no attribute 'set_"
    r"|'(?:str|list|int|NoneType)' object has no attribute '(?:items|update|get)'"
    r"|Failed to deserialize event data"
    r"|Event data must be a dictionary"
    r"|JSONDecodeError"
    r"|KeyError: \d+"
)


def check_log(text: str) -> list[str]:
    """Problems in a stretch of server log: errors that are not boundary refusals."""
    if "Traceback" not in text and " ERROR " not in text and "\nERROR" not in text:
        return []
    problems = []
    # The log wraps long lines (even inside paths): undo it before searching.
    if str(ROOT / "peerapp") in text.replace("\n", ""):
        problems.append("an exception passed through peerapp's code")
    # A chained exception ("direct cause", "during handling") is one error.
    chained = re.sub(
        r"(exception:|occurred:)\s*Traceback \(most recent call last\):", r"\1 (chained)", text
    )
    blocks = re.split(r"Traceback \(most recent call last\):", chained)[1:]
    for block in blocks:
        if not _BOUNDARY.search(re.sub(r"\s+", " ", block)):
            problems.append("unexpected error:\n" + block[-800:])
    return problems


# --- the harness -----------------------------------------------------------------

BARRIER = None


def barrier() -> Barrier:
    """Reflex's own "page is hydrated" flag, set to what it already is: no effect.

    No app handler keeps text from a tab that has nothing open to type into
    (a signed-out tab keeps nothing at all), so the nonce rides in the URL.
    """
    global BARRIER
    if BARRIER is None:
        from peerapp.reflex_compat import hydration_state

        BARRIER = Barrier.in_url(hydration_state(), "set_is_hydrated", "value", True)
    return BARRIER


class Attack:
    """One forged-event case: clients, snapshots and checks."""

    def __init__(self, app: RunningApp, scene: Scene):
        self.app = app
        self.scene = scene
        self.clients: list[ReflexClient] = []
        # (client, whose eyes, first frame checked): what each tab may not see.
        self.watched: list[tuple[ReflexClient, str, int]] = []
        _wait_for_the_mail_round(app)
        self.before = snapshot(app.database_url)

    # clients
    def client(self, *, token: str | None = None, viewer: str | None = "oscar") -> ReflexClient:
        """An unconnected tab (``token`` is the Reflex tab token, not a session).

        ``viewer`` is who looks at this tab's frames (a cast key or "anonymous");
        None for a victim's own tab, whose own data is not a leak.
        """
        made = ReflexClient(self.app.url, barrier=barrier(), token=token)
        self.clients.append(made)
        if viewer is not None:
            self.watched.append((made, viewer, 0))
        return made

    def watch_from_now(self, made: ReflexClient, viewer: str) -> None:
        """Check only what ``made`` receives from now on, through ``viewer``'s eyes."""
        self.watched = [entry for entry in self.watched if entry[0] is not made]
        self.watched.append((made, viewer, len(made.received.frames)))

    def signed_in(
        self,
        session_token: str | None = None,
        *,
        pathname: str = "/inbox",
        viewer: str | None = "oscar",
    ) -> ReflexClient:
        """A tab whose local storage holds a session token (Oscar's by default)."""
        from peerapp.state.session import SessionState

        made = self.client(viewer=viewer)
        token = self.scene.oscar_token if session_token is None else session_token
        made.connect(pathname=pathname, storage={storage_key(SessionState, "session_token"): token})
        return made

    def signed_out(self, *, pathname: str = "/login") -> ReflexClient:
        """A tab with empty local storage (Oscar, signed out)."""
        made = self.client()
        made.connect(pathname=pathname)
        return made

    def rebaseline(self) -> None:
        """The attacker's own legitimate step (like signing out) is not the attack."""
        _wait_for_the_mail_round(self.app)
        self.before = snapshot(self.app.database_url)

    def close(self) -> None:
        for made in self.clients:
            made.close()


@pytest.fixture
def attack(app_server: RunningApp, scene: Scene) -> Iterator[Attack]:
    """Run a case, then assert: no database change, no leak, no app crash."""
    start = app_server.log_size()
    case = Attack(app_server, scene)
    try:
        yield case
    finally:
        case.close()
    after = snapshot(app_server.database_url)
    changes = diff(case.before, after)
    leaks = set()
    forbidden = {}
    for made, viewer, first in case.watched:
        if viewer not in forbidden:
            forbidden[viewer] = forbidden_values(app_server, scene, viewer)
        received = "\n".join(made.received.frames[first:])
        # A value the tab sent itself (a forged token, say) may be echoed back.
        sent = "\n".join(made.received.sent)
        leaks |= {
            f"{label} (to {viewer})"
            for value, label in forbidden[viewer].items()
            if value in received and value not in sent
        }
    leaks = sorted(leaks)
    end = app_server.log_size()
    log_problems = check_log(app_server.log_between(start, end))
    if not log_problems:
        app_server.accept_log_span(start, end)
    assert not changes, "the forged events changed the database:\n" + "\n".join(changes[:20])
    assert not leaks, f"private data reached the attacker: {leaks}"
    assert not log_problems, "\n".join(log_problems)


def names():
    """Full handler names, from the state classes."""
    from peerapp.state.directory import DirectoryState
    from peerapp.state.hidden import HiddenPeopleState
    from peerapp.state.inbox import InboxState
    from peerapp.state.notice_settings import NoticeSettingsState, UnsubscribeState
    from peerapp.state.notifications import NotificationsState
    from peerapp.state.overview import ProgramOverviewState
    from peerapp.state.pairings import PairingActionsState
    from peerapp.state.profile import ProfileState
    from peerapp.state.program_forms import JoinProgramState, NewProgramState
    from peerapp.state.program_settings import ProgramSettingsState
    from peerapp.state.programs import ProgramsState
    from peerapp.state.requests import RequestActionsState
    from peerapp.state.session import SessionState
    from peerapp.state.switcher import ProgramSwitcherState

    return {
        "session": SessionState,
        "directory": DirectoryState,
        "hidden": HiddenPeopleState,
        "pairing": PairingActionsState,
        "profile": ProfileState,
        "requests": RequestActionsState,
        "settings": ProgramSettingsState,
        "overview": ProgramOverviewState,
        "inbox": InboxState,
        "programs": ProgramsState,
        "new_program": NewProgramState,
        "join": JoinProgramState,
        "switcher": ProgramSwitcherState,
        "notifications": NotificationsState,
        "notice_settings": NoticeSettingsState,
        "unsubscribe": UnsubscribeState,
    }


def handler(state: str, method: str) -> str:
    """``handler("requests", "accept")`` -> the full event name."""
    return handler_name(names()[state], method)


# --- the count ---------------------------------------------------------------------

_OUTCOMES: dict[str, str] = {}


def pytest_runtest_logreport(report):
    """Record each case once: an attack succeeded if its test failed in any phase."""
    if (
        "test_forged_event_is_refused[" not in report.nodeid
        and "test_server_resources.py::" not in report.nodeid
    ):
        return
    if report.failed and report.when == "setup":
        _OUTCOMES[report.nodeid] = "could not run"
    elif report.failed:
        _OUTCOMES[report.nodeid] = "succeeded"
    elif report.when == "call" and report.passed:
        _OUTCOMES.setdefault(report.nodeid, "refused")


def pytest_terminal_summary(terminalreporter):
    if _OUTCOMES:
        succeeded = sorted(k for k, v in _OUTCOMES.items() if v == "succeeded")
        broken = sum(v == "could not run" for v in _OUTCOMES.values())
        terminalreporter.write_line(
            f"forged-event attacks: {len(_OUTCOMES) - broken} tried, {len(succeeded)} succeeded"
            + (f", {broken} could not run" if broken else "")
        )
        for nodeid in succeeded:
            terminalreporter.write_line(f"  succeeded: {nodeid}")
