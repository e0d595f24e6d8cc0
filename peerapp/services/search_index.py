"""Words typed into the directory's search box, matched through the full-text index.

Whatever a person types is a search, never syntax: the text is cut into words
(letters and digits; everything else separates), and each word becomes a
quoted prefix term, so quotes, ``*``, ``-``, ``:``, ``NEAR``, ``AND``/``OR``/
``NOT``, parentheses, ``%``, ``_``, backslashes and emoji can neither raise an
error nor change the meaning. Every word must match (any column, any order).

On PostgreSQL a typed word that begins only a few of the index's words (its
word list, ``search_word``) is asked as those whole words: the index then
intersects their lists, where a prefix made it gather every row of every word
it begins before intersecting anything.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlmodel import Session, col

from peerapp.models import Employee
from peerapp.models.search import FTS_TABLE, PG_CONFIG, TAG_MARKS, bulk_load_ddl

_WORD = re.compile(r"[^\W_]+")
# One-letter prefixes would match nearly everyone: they wait for a second letter.
SHORTEST_WORD = 2
MOST_WORDS = 8
LONGEST_WORD = 40


def words_of(text: str) -> tuple[str, ...]:
    """The searchable words of ``text``, lower-cased, in order, each once.

    Accents are folded by each database's index, on the words as on the text.
    """
    found: list[str] = []
    for word in _WORD.findall(text.lower()):
        word = word[:LONGEST_WORD]
        if len(word) >= SHORTEST_WORD and word not in found:
            found.append(word)
    return tuple(found[:MOST_WORDS])


# PostgreSQL: a typed word that begins at most this many indexed words is asked as them.
MOST_BEGUN = 16
_BEGUN = sa.text(
    "SELECT typed.number, begun.word "
    "FROM unnest(CAST(:typed AS text[])) WITH ORDINALITY AS typed(prefix, number) "
    "CROSS JOIN LATERAL (SELECT listed.word FROM search_word AS listed "
    'WHERE listed.word >= lower(unaccent(typed.prefix)) COLLATE "C" '
    'AND listed.word < (lower(unaccent(typed.prefix)) || chr(1114111)) COLLATE "C" '
    "ORDER BY listed.word LIMIT :most) AS begun"
)


@dataclass(frozen=True)
class Words:
    """What a search's words ask the index: each typed word, and on PostgreSQL the
    indexed words it begins, when few (``None``: asked as a prefix)."""

    typed: tuple[str, ...] = ()
    begun: tuple[tuple[str, ...] | None, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.typed)

    def asked(self) -> list[tuple[str, tuple[str, ...] | None]]:
        """Each typed word with what it begins (``None`` where not looked up)."""
        begun = self.begun or (None,) * len(self.typed)
        return list(zip(self.typed, begun, strict=True))


def looked_up(db: Session, text: str) -> Words:
    """The searchable words of ``text`` (``words_of``), each with the indexed words it
    begins when they are few: one statement, on PostgreSQL, for all of them."""
    typed = words_of(text)
    if not typed or is_sqlite(db):
        return Words(typed)
    begun: dict[int, list[str]] = {}
    for number, word in db.execute(_BEGUN, {"typed": list(typed), "most": MOST_BEGUN + 1}):
        begun.setdefault(number, []).append(word)
    return Words(typed, tuple(_few(begun.get(number, [])) for number in range(1, len(typed) + 1)))


def _few(words: list[str]) -> tuple[str, ...] | None:
    # None or too many: a prefix (a word the list cannot match, say one the text
    # search parser cuts in two, still finds what a prefix finds).
    if 0 < len(words) <= MOST_BEGUN and all(_WORD.fullmatch(word) for word in words):
        return tuple(words)
    return None


@dataclass(frozen=True)
class Wanted:
    """People who relate to someone: who have one of ``goals`` among their skills, or
    one of ``skills`` among their learning goals (tags as written)."""

    goals: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()

    @classmethod
    def of(cls, goals: Iterable[str], skills: Iterable[str]) -> Wanted:
        """From tags as written (blank ones left out)."""
        return cls(
            goals=tuple(tag.strip() for tag in goals if tag.strip()),
            skills=tuple(tag.strip() for tag in skills if tag.strip()),
        )

    def __bool__(self) -> bool:
        return bool(self.goals or self.skills)


def _fts5_query(all_of: tuple[str, ...], wanted: Wanted = Wanted()) -> str:
    # A quoted string is one term or phrase to FTS5 whatever it holds; words hold
    # no quote, and * outside the quotes makes a typed word a prefix. A tag is the
    # phrase of its words, looked for in one column only.
    parts = [f'"{word}"*' for word in all_of]
    alternatives = [
        f"{{{column}}} : (" + " OR ".join('"' + " ".join(words) + '"' for words in phrases) + ")"
        for column, tags in (("skills", wanted.goals), ("learning_goals", wanted.skills))
        if (phrases := [words for tag in tags if (words := words_of(tag))])
    ]
    if alternatives:
        parts.append("(" + " OR ".join(alternatives) + ")")
    return " AND ".join(parts)


def _tag_lexemes(wanted: Wanted) -> str:
    """The tsquery of the tag lexemes ``wanted`` asks for (any one), before lower-casing.

    Each lexeme is quoted, so a tag's spaces and punctuation stay in it; a quote
    is doubled and a backslash escaped, as tsquery's input reads them.
    """

    def quoted(mark: str, tag: str) -> str:
        return "'" + (mark + tag).replace("\\", "\\\\").replace("'", "''") + "'"

    return " | ".join(
        quoted(TAG_MARKS[column], tag)
        for column, tags in (("skills", wanted.goals), ("learning_goals", wanted.skills))
        for tag in tags
    )


def is_sqlite(db: Session) -> bool:
    """Whether ``db`` is SQLite (FTS5), not PostgreSQL (stored vectors)."""
    return db.get_bind().dialect.name == "sqlite"


def first_matches(
    db: Session,
    words: Words,
    limit: int,
    *,
    since: int = 0,
    wanted: Wanted = Wanted(),
    in_order: bool = True,
) -> sa.Select[Any]:
    """SELECT the ids, from ``since`` up and at most ``limit``, of employees whose text
    has every word of ``words`` and who relate to what is ``wanted`` (when given).

    The index's own lookup, read in id order and stopped at ``limit``: on SQLite
    the full-text table alone, on PostgreSQL the stored vectors. A subquery for
    ``IN``, so no list of ids travels through Python. ``in_order=False``: any
    ``limit`` of them will do (PostgreSQL then skips sorting every match by id).
    """
    if is_sqlite(db):
        index = sa.table(FTS_TABLE, sa.column("rowid"))
        match = sa.literal_column(FTS_TABLE).op("MATCH")(_fts5_query(words.typed, wanted))
        rows = sa.select(index.c.rowid).where(match)
        if since:
            rows = rows.where(index.c.rowid >= since)
        return rows.order_by(index.c.rowid).limit(limit)
    found = sa.select(col(Employee.id)).where(_vector_matches(words, wanted))
    if since:
        # Only with a place to start from: "id >= 0" made PostgreSQL walk the key.
        found = found.where(col(Employee.id) >= since)
    return (found.order_by(col(Employee.id)) if in_order else found).limit(limit)


def among(db: Session, ids: sa.Select[Any]) -> sa.ColumnElement[bool]:
    """A condition on ``Employee.id``: one of ``ids`` (a ``first_matches``).

    PostgreSQL gets ``id = ANY(ARRAY(...))``: the ids are read once and looked up
    by primary key, where ``IN (subquery)`` made it hash a scan of every employee.
    """
    if is_sqlite(db):
        return col(Employee.id).in_(ids)
    return col(Employee.id) == sa.any_(sa.func.array(ids.scalar_subquery()))


def _vector_matches(words: Words, wanted: Wanted = Wanted()) -> sa.ColumnElement[bool]:
    # A typed word is letters and digits only, so none is tsquery syntax: as a
    # prefix it is folded like the text by the configuration; the words it begins
    # are lexemes of letters and digits already. Tag lexemes are lower-cased by the
    # database, as the stored ones were.
    vector: sa.ColumnElement[Any] = sa.literal_column("employee.search_vector")
    config: sa.ColumnElement[Any] = sa.literal_column(f"'{PG_CONFIG}'::regconfig")
    asked: list[sa.ColumnElement[Any]] = []
    each = words.asked()
    prefixes = [f"{typed}:*" for typed, begun in each if begun is None]
    if prefixes:
        asked.append(sa.func.to_tsquery(config, " & ".join(prefixes)))
    whole = [" | ".join(f"'{word}'" for word in begun) for _, begun in each if begun]
    if whole:
        asked.append(sa.cast(" & ".join(f"({either})" for either in whole), TSQUERY))
    if wanted:
        asked.append(sa.cast(sa.func.lower(_tag_lexemes(wanted)), TSQUERY))
    return vector.op("@@")(functools.reduce(lambda both, then: both.op("&&")(then), asked))


@contextmanager
def built_after_bulk_load(db: Session) -> Iterator[None]:
    """Inside the block employees are inserted in bulk; the index is built once at its end.

    Part of the caller's transaction: if the load fails, nothing of it stays.
    """
    before, after = bulk_load_ddl(db.get_bind().dialect.name)
    for statement in before:
        db.connection().exec_driver_sql(statement)
    yield
    for statement in after:
        db.connection().exec_driver_sql(statement)
