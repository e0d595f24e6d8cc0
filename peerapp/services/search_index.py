"""Words typed into the directory's search box, matched through the full-text index.

Whatever a person types is a search, never syntax: the text is cut into words
(letters and digits; everything else separates), and each word becomes a
quoted prefix term, so quotes, ``*``, ``-``, ``:``, ``NEAR``, ``AND``/``OR``/
``NOT``, parentheses, ``%``, ``_``, backslashes and emoji can neither raise an
error nor change the meaning. Every word must match (any column, any order).
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from peerapp.models import Employee
from peerapp.models.search import FTS_TABLE, PG_CONFIG

# One-letter prefixes would match nearly everyone: they wait for a second letter.
SHORTEST_WORD = 2
MOST_WORDS = 8
LONGEST_WORD = 40
_WORD = re.compile(r"[^\W_]+")


def words_of(text: str) -> tuple[str, ...]:
    """The searchable words of ``text``, lower-cased, in order, each once."""
    found: list[str] = []
    for word in _WORD.findall(text.lower()):
        word = word[:LONGEST_WORD]
        if len(word) >= SHORTEST_WORD and word not in found:
            found.append(word)
    return tuple(found[:MOST_WORDS])


def _fts5_query(all_of: tuple[str, ...], any_of: tuple[str, ...] = ()) -> str:
    # A quoted string is one term (or phrase) to FTS5 whatever it holds; words
    # hold no quote, and * outside the quotes makes each a prefix.
    parts = [f'"{word}"*' for word in all_of]
    if any_of:
        parts.append("(" + " OR ".join(f'"{word}"*' for word in any_of) + ")")
    return " AND ".join(parts)


def _tsquery(all_of: tuple[str, ...], any_of: tuple[str, ...] = ()) -> str:
    # Words are letters and digits only, so none is tsquery syntax.
    parts = [f"{word}:*" for word in all_of]
    if any_of:
        parts.append("(" + " | ".join(f"{word}:*" for word in any_of) + ")")
    return " & ".join(parts)


def _is_sqlite(db: Session) -> bool:
    return db.get_bind().dialect.name == "sqlite"


def matching_ids(db: Session, words: tuple[str, ...], *, limit: int, after: int = 0) -> list[int]:
    """Ids above ``after`` of employees whose text matches every word, ascending, at most ``limit``.

    The index's own lookup: on SQLite the full-text table alone, on PostgreSQL
    the GIN index.
    """
    if _is_sqlite(db):
        statement = sa.text(
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :query AND rowid > :after "
            "ORDER BY rowid LIMIT :limit"
        )
        asked = {"query": _fts5_query(words), "after": after, "limit": limit}
        rows = db.connection().execute(statement, asked)
    else:
        rows = db.connection().execute(
            sa.select(col(Employee.id))
            .where(probe(db, words), col(Employee.id) > after)
            .order_by(col(Employee.id))
            .limit(limit)
        )
    return [row[0] for row in rows]


def probe(
    db: Session, all_of: tuple[str, ...], any_of: tuple[str, ...] = ()
) -> sa.ColumnElement[bool]:
    """A test of one employee row (the outer query's): its text has every word of
    ``all_of`` and, when given, one of ``any_of``.

    A row at a time, for walks that stop at a page: on SQLite a lookup of that
    rowid in the full-text index, on PostgreSQL the row's stored vector.
    """
    if _is_sqlite(db):
        index = sa.table(FTS_TABLE, sa.column("rowid"))
        found = sa.select(sa.literal(1)).where(
            sa.literal_column(FTS_TABLE).op("MATCH")(_fts5_query(all_of, any_of)),
            index.c.rowid == col(Employee.id),
        )
        return sa.exists(found)
    vector: sa.ColumnElement[Any] = sa.literal_column("employee.search_vector")
    config: sa.ColumnElement[Any] = sa.literal_column(f"'{PG_CONFIG}'::regconfig")
    return vector.op("@@")(sa.func.to_tsquery(config, _tsquery(all_of, any_of)))
