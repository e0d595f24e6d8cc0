"""The directory's full-text search, filters, orders and bounded window, on both databases."""

from __future__ import annotations

import random
import re
import threading
import time
from dataclasses import replace

import pytest
import sqlalchemy as sa
from service_helpers import make_person
from sqlmodel import Session

from peerapp.db import make_engine, read_session, reads_only
from peerapp.services import (
    Refused,
    best_match,
    directory,
    matching,
    profiles,
    programs,
    search_index,
)
from peerapp.services.unit import unit_of_work


def names(db, program, **asked) -> list[str]:
    return [e.full_name for e in directory.search(db, program_id=program.id, **asked).entries]


@pytest.fixture
def team(db, program):
    return {
        "zoe": make_person(
            db,
            program,
            "Zoë Čurić",
            job_title="Platform Engineer",
            department="Engineering",
            location="Lisbon",
            skills="Kubernetes, Terraform",
            learning_goals="Negotiation",
            bio="Runs the café reading group.",
        ),
        "mia": make_person(
            db,
            program,
            "Mia Hart",
            job_title="Account Executive",
            department="Sales",
            location="Berlin",
            skills="Negotiation, Forecasting",
            learning_goals="Kubernetes",
            roles=("peer", "mentor"),
        ),
        "raj": make_person(
            db,
            program,
            "Raj Patel",
            job_title="Recruiter",
            department="People",
            location="Lisbon",
            skills="Interviewing",
            roles=("mentee",),
        ),
    }


def test_words_match_any_column_in_any_order_as_prefixes(db, program, team):
    assert names(db, program, query="kube") == ["Mia Hart", "Zoë Čurić"]
    assert names(db, program, query="lisbon platform") == ["Zoë Čurić"]
    assert names(db, program, query="platform LISBON") == ["Zoë Čurić"]
    assert names(db, program, query="forecast") == ["Mia Hart"]
    assert names(db, program, query="reading group") == ["Zoë Čurić"]  # the bio
    assert names(db, program, query="negotiation sales") == ["Mia Hart"]
    assert names(db, program, query="nobody-has-this") == []


def test_accents_are_folded_both_ways(db, program, team):
    assert names(db, program, query="zoe curic") == ["Zoë Čurić"]
    assert names(db, program, query="cafe") == ["Zoë Čurić"]
    make_person(db, program, "Jose Alvarez")
    assert names(db, program, query="José") == ["Jose Alvarez"]


def _edit_profile(db, program, person, **changes: str) -> None:
    """Save ``person``'s profile as a peer with Rust as their one skill, plus ``changes``."""
    fields = {
        "full_name": person.full_name,
        "job_title": person.job_title,
        "department": person.department,
        "location": person.location,
        "bio": "",
        "skills": "Rust",
        "learning_goals": "",
    }
    profiles.update_profile(
        db, program_id=program.id, actor_id=person.id, roles=["peer"], **(fields | changes)
    )


def test_profile_edits_deactivation_and_roles_show_at_once(db, program, team):
    _edit_profile(db, program, team["zoe"], job_title="Staff Engineer", location="Porto")
    assert names(db, program, query="rust porto") == ["Zoë Čurić"]
    assert names(db, program, query="kubernetes") == ["Mia Hart"]
    assert names(db, program, query="terraform") == []
    programs.set_roles(db, program_id=program.id, employee_id=team["mia"].id, roles=set())
    assert names(db, program, query="negotiation") == []
    with unit_of_work(db):
        team["raj"].is_active = False
        db.add(team["raj"])
    assert names(db, program, query="recruiter") == []


def test_a_word_new_to_the_index_is_found_by_its_prefix_at_once(db, program, team):
    # "rus" begins "rustic" in the index; a profile edit adds "rust". Asked as the
    # words it begins (PostgreSQL's word list), the new one must be among them.
    make_person(db, program, "Ola Rustic", bio="Keeps a rustic allotment.")
    assert names(db, program, query="rus") == ["Ola Rustic"]
    _edit_profile(db, program, team["zoe"], skills="Rust, Kubernetes")
    assert names(db, program, query="rus") == ["Ola Rustic", "Zoë Čurić"]
    assert names(db, program, query="RUST kube") == ["Zoë Čurić"]


def test_prefixes_asked_as_whole_words_find_what_the_prefix_finds(db, program, monkeypatch):
    rng = random.Random(15)
    syllables = ["ka", "ro", "mi", "ta", "lu", "sé", "an", "do"]
    for number in range(40):
        words = ["".join(rng.choice(syllables) for _ in range(rng.randint(1, 3))) for _ in range(3)]
        make_person(db, program, f"Person {number:02d}", skills=", ".join(words), bio=words[0])
    queries = ["ka", "ro mi", "kar", "sé", "se an", "tal", "dok", "lu ka ro", "zz", "ANDO"]

    def found() -> list[list[str]]:
        return [names(db, program, query=query, page_size=50) for query in queries]

    as_words = found()
    if not search_index.is_sqlite(db):
        asked = [search_index.looked_up(db, query).asked() for query in queries]
        assert sum(begun is not None for words in asked for _, begun in words) >= 10
    monkeypatch.setattr(search_index, "MOST_BEGUN", 0)  # every word asked as a prefix
    assert found() == as_words
    assert sum(map(len, as_words)) > 20  # the queries do find people


HOSTILE = [
    '"',
    '""',
    "'",
    "*",
    "kube*",
    "-kube",
    "a:b",
    "skills:kube",
    "NEAR(kube lisbon)",
    "kube AND",
    "OR",
    "NOT kube",
    "kube OR mia",
    "(",
    ")",
    "((kube",
    "%",
    "_",
    "%_%",
    "\\",
    "\\\\'",
    "😀",
    "kube 😀",
    "^kube",
    "kube:*",
    "&|!<->",
    "Ω≈ç√",
    "'; DROP TABLE employee; --",
    "\u0000kube",
]


def _generated(count: int) -> list[str]:
    rng = random.Random(15)
    alphabet = "\"'*-:()%_\\^&|!<>~+@#$.,;{}[] abcXYZ019éß😀\t"
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30))) for _ in range(count)]


def test_anything_typed_is_a_search_never_an_error(db, program, team):
    for query in HOSTILE + _generated(100):
        query = query.replace("\u0000", "")
        page = directory.search(db, program_id=program.id, query=query)
        assert page.total <= 3, query
    assert names(db, program, query='"kube"') == ["Mia Hart", "Zoë Čurić"]
    assert names(db, program, query="NOT kube") == []  # "not" is a word nobody has
    assert names(db, program, query="-terraform") == ["Zoë Čurić"]


def test_filters_narrow_the_search(db, program, team):
    assert names(db, program, location="Lisbon") == ["Raj Patel", "Zoë Čurić"]
    assert names(db, program, location="Lisbon", department="People") == ["Raj Patel"]
    assert names(db, program, show="mentors") == ["Mia Hart"]
    assert names(db, program, show="mentees", query="recruit") == ["Raj Patel"]
    assert directory.facet(db, program_id=program.id, column="location") == ["Berlin", "Lisbon"]
    with pytest.raises(Refused):
        directory.facet(db, program_id=program.id, column="password_hash")


def test_theme_filter_matches_whole_themes_of_the_program(db, program, team):
    theme = programs.themes_of(program)[0]
    member = programs.membership(db, program.id, team["mia"].id)
    with unit_of_work(db):
        member.themes = theme
        db.add(member)
    assert names(db, program, theme=theme) == ["Mia Hart"]
    for bad in ("Not a theme", theme[:5], 5, ["x"]):
        with pytest.raises(Refused):
            names(db, program, theme=bad)


def test_has_places_left_hides_full_and_paused_people(db, program, team):
    assert names(db, program, has_places=True) == ["Mia Hart", "Raj Patel", "Zoë Čurić"]
    zoe = programs.membership(db, program.id, team["zoe"].id)
    mia = programs.membership(db, program.id, team["mia"].id)
    with unit_of_work(db):
        zoe.capacity = 0
        mia.paused = True
        db.add_all([zoe, mia])
    assert names(db, program, has_places=True) == ["Raj Patel"]
    assert names(db, program, has_places=True, show="peers") == []
    for bad in ("yes", 1, None):
        with pytest.raises(Refused):
            names(db, program, has_places=bad)


def test_recently_joined_and_name_orders(db, program, team):
    assert names(db, program, sort="name") == ["Mia Hart", "Raj Patel", "Zoë Čurić"]
    assert names(db, program, sort="recent") == ["Raj Patel", "Mia Hart", "Zoë Čurić"]
    for bad in ("password_hash", "", None, 3):
        with pytest.raises(Refused):
            names(db, program, sort=bad)


def test_counts_and_pages_stop_at_the_window(db, program, monkeypatch):
    monkeypatch.setattr(directory, "WINDOW", 30)
    for number in range(45):
        make_person(
            db, program, f"Person {number:02d}", skills="Common" if number % 9 else "Common, Rare"
        )
    page = directory.search(db, program_id=program.id, query="common", page_size=10)
    assert (page.total, page.more, page.page_count) == (30, True, 3)
    last = directory.search(db, program_id=program.id, query="common", page=99, page_size=10)
    assert last.page == 3 and last.ask.page == 3
    assert [e.full_name for e in last.entries][-1] == "Person 29"
    rare = directory.search(db, program_id=program.id, query="rare", page_size=10)
    assert (rare.total, rare.more, rare.page_count) == (5, False, 1)


def test_a_search_reads_while_a_writer_holds_the_lock(tmp_path):
    """On SQLite a search is a WAL reader: a long write neither blocks it nor is blocked."""
    engine = make_engine(f"sqlite:///{tmp_path / 'wal.db'}")
    from sqlmodel import SQLModel

    SQLModel.metadata.create_all(engine)
    with Session(engine) as setup:
        program = programs.default_program(setup)
        make_person(setup, program, "Ada Reader", skills="Reading")
        program_id = program.id
    writing, done = threading.Event(), threading.Event()

    def long_write() -> None:
        with Session(engine) as writer, unit_of_work(writer):
            make_person(writer, None, "Slow Writer")
            writing.set()
            done.wait(5)

    thread = threading.Thread(target=long_write)
    thread.start()
    assert writing.wait(5)
    started = time.monotonic()
    with reads_only(), Session(engine) as reader:
        found = directory.search(reader, program_id=program_id, query="read")
        with pytest.raises(sa.exc.OperationalError, match="readonly"):
            reader.execute(sa.text("DELETE FROM employee"))
    waited = time.monotonic() - started
    done.set()
    thread.join()
    engine.dispose()
    assert [e.full_name for e in found.entries] == ["Ada Reader"]
    assert waited < 2, f"the search waited {waited:.1f}s for the writer"


def test_a_read_session_on_postgresql_sends_no_transaction_and_hands_back_a_transactional_one(
    engine,
):
    """Reads run in autocommit (no BEGIN, no ROLLBACK); the pool's next user gets a transaction."""
    if engine.dialect.name != "postgresql":
        pytest.skip("on SQLite a read session is a WAL reader (the test above)")
    from psycopg.pq import TransactionStatus

    one = sa.create_engine(engine.url, pool_size=1, max_overflow=0)  # one pooled connection
    with Session(one) as setup:
        program = programs.default_program(setup)
        make_person(setup, program, "Ada Reader", skills="Reading")
        program_id = program.id
    with read_session(lambda: Session(one)) as reader:
        # Nothing is taken from the pool before a statement runs: an event handler
        # awaits (state, Redis) before its first, and must not hold a connection then.
        assert one.pool.checkedout() == 0
        found = directory.search(reader, program_id=program_id, query="read")
        raw = reader.connection().connection.dbapi_connection
        assert raw is not None and raw.autocommit
        assert raw.info.transaction_status == TransactionStatus.IDLE  # no BEGIN was sent
    assert [e.full_name for e in found.entries] == ["Ada Reader"]
    with Session(one) as writer:  # the same connection, back from the pool
        writer.execute(sa.text("DELETE FROM membership"))
        raw = writer.connection().connection.dbapi_connection
        assert raw is not None and not raw.autocommit
        assert raw.info.transaction_status == TransactionStatus.INTRANS
        writer.rollback()
    with Session(one) as check:
        assert check.execute(sa.text("SELECT count(*) FROM membership")).scalar_one() == 1
    one.dispose()


# --- best match --------------------------------------------------------------------------


def _small_pool(monkeypatch, size: int) -> None:
    """Score ``size`` candidates, and rank whole only searches that find that few."""
    monkeypatch.setattr(best_match, "POOL", size)
    monkeypatch.setattr(best_match, "RANKED_WHOLE", size)


def best(db, program, viewer, **asked):
    page = directory.search(db, program_id=program.id, viewer_id=viewer.id, sort="best", **asked)
    return page


def test_best_match_ranks_by_what_each_can_teach_the_other(db, program, team):
    viewer = make_person(
        db,
        program,
        "Vic Viewer",
        department="Engineering",
        skills="Negotiation",
        learning_goals="Kubernetes, Interviewing",
    )
    page = best(db, program, viewer)
    order = [e.full_name for e in page.entries]
    # Zoë shares Kubernetes, which Vic wants (3), and wants Negotiation, which Vic has (2);
    # same department: 5. Raj shares Interviewing (3) from People (+1): 4. Mia has nothing
    # Vic wants and wants nothing Vic has, but works in Sales (+1): 1. Vic himself: 0.
    assert order == ["Zoë Čurić", "Raj Patel", "Mia Hart", "Vic Viewer"]
    facts = page.matches
    zoe, raj, mia = team["zoe"].id, team["raj"].id, team["mia"].id
    assert (facts[zoe].teaches_me, facts[zoe].learns_from_me) == (("Kubernetes",), ("Negotiation",))
    assert (facts[zoe].other_department, facts[zoe].score) == ("", 5)
    assert (facts[raj].teaches_me, facts[raj].other_department) == (("Interviewing",), "People")
    assert (facts[mia].teaches_me, facts[mia].other_department, facts[mia].score) == (
        (),
        "Sales",
        1,
    )


def test_best_match_sinks_people_with_no_room(db, program, team):
    viewer = make_person(db, program, "Vic Viewer", learning_goals="Kubernetes")
    mia = programs.membership(db, program.id, team["mia"].id)
    with unit_of_work(db):
        mia.paused = True
        db.add(mia)
    order = [e.full_name for e in best(db, program, viewer).entries]
    assert order[-1] == "Mia Hart"
    assert not best(db, program, viewer).matches[team["mia"].id].has_room


def test_near_ties_come_in_each_viewers_own_stable_order(db, program):
    for number in range(12):
        make_person(db, program, f"Twin {number:02d}", department="Ops", skills="Python")
    ann = make_person(db, program, "Ann Seeker", department="Ops", learning_goals="Python")
    bob = make_person(db, program, "Bob Seeker", department="Ops", learning_goals="Python")

    def twins(viewer) -> list[str]:
        page = best(db, program, viewer)
        return [e.full_name for e in page.entries if e.full_name.startswith("Twin")]

    assert twins(ann) == twins(ann)
    assert twins(bob) == twins(bob)
    assert twins(ann) != twins(bob)
    assert sorted(twins(ann)) == sorted(twins(bob))


def test_best_match_pages_and_filters_like_any_order(db, program, team, monkeypatch):
    viewer = make_person(db, program, "Vic Viewer", learning_goals="Kubernetes")
    page = best(db, program, viewer, location="Lisbon")
    assert sorted(e.full_name for e in page.entries) == ["Raj Patel", "Zoë Čurić"]
    assert best(db, program, viewer, query="kube").entries[0].full_name == "Zoë Čurić"
    _small_pool(monkeypatch, 2)
    assert len(best(db, program, viewer, page_size=1).entries) == 1
    assert best(db, program, viewer, page_size=1, page=5).page == 2
    # Nobody asking (a console search): best match is the name order.
    nobody = directory.search(db, program_id=program.id, sort="best")
    assert [e.full_name for e in nobody.entries][0] == "Mia Hart"


def test_a_card_says_how_quickly_someone_answers_once_there_is_enough(db, program, team):
    from datetime import timedelta

    from peerapp.models import PeerRequest
    from peerapp.services import requests, responsiveness

    mia = team["mia"]
    pending = []
    for number, hours in enumerate([2, 20, 30, 40, 100]):
        sender = make_person(db, program, f"Sender {number}")
        sent = requests.send_request(
            db, program_id=program.id, sender_id=sender.id, recipient_id=mia.id
        ).request
        with unit_of_work(db):
            stored = db.get(PeerRequest, sent.id)
            stored.created_at = stored.created_at - timedelta(hours=hours)
            db.add(stored)
        if number < 4:
            requests.decline_request(db, request_id=sent.id, actor_id=mia.id, reason="")
        else:
            pending.append(sent.id)

    def shown() -> int:
        page = directory.search(db, program_id=program.id, query="mia")
        return page.entries[0].answers_within_days

    assert shown() == 0  # four answers are not enough to say
    requests.accept_request(db, request_id=pending[0], actor_id=mia.id)
    # Waits of 2, 20, 30, 40 and 100 hours: the median, 30 hours, is within 2 days.
    assert responsiveness.answer_days(db, program.id, [mia.id]) == {mia.id: 2}
    assert shown() == 2


def test_best_match_draws_people_who_relate_before_anyone_else(db, program, monkeypatch):
    for number in range(30):
        make_person(db, program, f"Bystander {number:02d}", bio="Keen on public events")
    teacher = make_person(db, program, "Tara Teacher", skills="Public speaking, Go")
    learner = make_person(db, program, "Leo Learner", learning_goals="Rust")
    viewer = make_person(db, program, "Vic Viewer", skills="Rust", learning_goals="Public speaking")
    _small_pool(monkeypatch, 4)
    page = best(db, program, viewer)
    # Only two people relate (a tag, as a phrase, in the right column): both are in the
    # pool of four whatever the viewer's starting point, and they rank first.
    assert [e.full_name for e in page.entries][:2] in (
        ["Tara Teacher", "Leo Learner"],
        ["Leo Learner", "Tara Teacher"],
    )
    assert page.matches[teacher.id].teaches_me == ("Public speaking",)
    assert page.matches[learner.id].learns_from_me == ("Rust",)


def test_tags_with_quotes_backslashes_and_capitals_relate_like_any_other(db, program, monkeypatch):
    for number in range(30):
        make_person(db, program, f"Bystander {number:02d}", skills="Roll, Rock, Events")
    teacher = make_person(db, program, "Tara Teacher", skills="Rock 'n' Roll, ÉVÉNEMENTS")
    learner = make_person(db, program, "Leo Learner", learning_goals=r"C:\Paths & Pipes")
    viewer = make_person(
        db,
        program,
        "Vic Viewer",
        skills=r"c:\paths & pipes",
        learning_goals="rock 'n' roll, Événements",
    )
    _small_pool(monkeypatch, 3)
    page = best(db, program, viewer)
    # The bystanders have words of those tags but none of the tags: only the two
    # who relate are drawn first, whatever the viewer's starting point.
    assert {e.full_name for e in page.entries[:2]} == {"Tara Teacher", "Leo Learner"}
    assert page.matches[teacher.id].teaches_me == ("Rock 'n' Roll", "ÉVÉNEMENTS")
    assert page.matches[learner.id].learns_from_me == (r"C:\Paths & Pipes",)


def test_why_a_colleague_fits_in_words():
    from peerapp.services.matching import Match
    from peerapp.state import directory_words

    fits = Match(
        score=9,
        teaches_me=("Kubernetes", "Go"),
        learns_from_me=("Negotiation",),
        shared_themes=("Discussing shared experiences",),
        other_department="Sales",
    )
    assert directory_words.why(fits) == (
        "Shares Kubernetes and Go, which you want to learn · Wants to learn Negotiation,"
        " which you share · Shares your interest in discussing shared experiences"
        " · Works in Sales"
    )
    assert directory_words.why(Match(score=-100, has_room=False)) == "No places left now"
    assert directory_words.found(1, False) == "1 person"
    assert directory_words.found(500, True) == "500+ people"
    assert directory_words.answers_within(1) == "Usually answers within a day"
    assert directory_words.answers_within(0) == ""


def test_a_search_that_finds_few_ranks_every_one_of_them_without_a_walk(db, program, monkeypatch):
    # Falcon is in many people's text, few of them in the program: the count says
    # so, and then every one of them is read at once and ranked.
    for number in range(8):
        make_person(db, None, f"Outsider {number}", bio="Falcon team")
    for number in range(5):
        make_person(db, program, f"Member {number}", bio="Falcon team")
    teacher = make_person(db, program, "Tara Teacher", skills="Go", bio="Falcon team")
    viewer = make_person(db, program, "Vic Viewer", learning_goals="Go")
    _small_pool(monkeypatch, 6)

    def no_walk(*_args):
        raise AssertionError("a search that finds few walks nothing")

    monkeypatch.setattr(best_match, "_walk", no_walk)
    statements: list[str] = []

    def record(_connection, _cursor, statement, *_rest):
        statements.append(statement)

    sa.event.listen(db.get_bind(), "before_cursor_execute", record)
    try:
        page = best(db, program, viewer, query="falcon")
    finally:
        sa.event.remove(db.get_bind(), "before_cursor_execute", record)
    # One read of the people counts them and brings who is asking and every card:
    # a statement costs about a millisecond of Python, whatever it reads.
    assert len([text for text in statements if re.search(r"\bemployee\b", text)]) == 1
    assert (page.total, page.more, len(page.entries)) == (6, False, 6)
    assert page.entries[0].full_name == "Tara Teacher"
    assert page.matches[teacher.id].teaches_me == ("Go",)
    # Words that few people have at all: their rows come without a count.
    page = best(db, program, viewer, query="tara")
    assert ([e.full_name for e in page.entries], page.total) == (["Tara Teacher"], 1)
    # Seven in the program: more than the pool, so the walk is taken.
    make_person(db, program, "Member 5", bio="Falcon team")
    with pytest.raises(AssertionError, match="walks nothing"):
        best(db, program, viewer, query="falcon")


def test_up_to_the_whole_ranking_limit_everyone_found_is_ranked_not_a_pool(
    db, program, monkeypatch
):
    for number in range(8):
        make_person(db, program, f"Member {number}", bio="Falcon team")
    teacher = make_person(db, program, "Tara Teacher", skills="Go", bio="Falcon team")
    viewer = make_person(db, program, "Vic Viewer", learning_goals="Go")
    monkeypatch.setattr(best_match, "POOL", 2)
    monkeypatch.setattr(best_match, "RANKED_WHOLE", 12)

    def no_walk(*_args):
        raise AssertionError("a search that finds few walks nothing")

    monkeypatch.setattr(best_match, "_walk", no_walk)
    for asked in ({}, {"query": "falcon"}):
        page = best(db, program, viewer, **asked)
        assert page.entries[0].id == teacher.id
        assert (page.more, len(page.entries)) == (False, page.total)
        assert page.total >= 9


def test_best_match_with_a_department_walks_its_people_from_the_viewers_place_and_round(
    db, program, monkeypatch
):
    # Engineers on both sides of the viewer's place, among Sales people: the walk
    # over the department's own index fills the pool from there, then wraps round.
    people = []
    for number in range(12):
        department = "Engineering" if number % 2 else "Sales"
        people.append(make_person(db, program, f"Person {number}", department=department))
    viewer = make_person(db, program, "Vic Viewer", department="Sales")
    engineers = {p.id for p in people if p.department == "Engineering"}
    _small_pool(monkeypatch, 4)
    for start in (people[0].id, people[6].id, people[11].id):
        row = db.execute(matching.seeker_query(program.id, viewer.id)).first()
        me = replace(matching.seeker_of(viewer.id, row), start=start)
        monkeypatch.setattr(matching, "seeker_of", lambda *_args, me=me: me)
        page = best(db, program, viewer, department="Engineering")
        shown = [entry.id for entry in page.entries]
        assert page.total == 6
        after = sorted(i for i in engineers if i >= start)
        walked = after + sorted(engineers - set(after))
        assert set(shown) == set(walked[:4])
