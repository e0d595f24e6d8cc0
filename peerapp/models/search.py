"""The directory's full-text index over employees, in each database's own machinery.

SQLite: an FTS5 table ``employee_search`` whose content is the ``employee``
table itself (external content: nothing is stored twice), kept in step by
triggers, so a profile edit is searchable in the same transaction. Diacritics
are folded by the tokenizer, and prefix indexes make "as you type" prefixes of
two to four letters a direct lookup.

PostgreSQL: a generated ``tsvector`` column ``employee.search_vector`` with a
GIN index, built with the ``peerapp_search`` configuration: the ``simple``
dictionary (no stemming, no stop words: names and skills are not English
prose) after ``unaccent``. Each tag of skills and of learning goals is also a
lexeme of its own, the whole tag lower-cased behind a mark of its column
(``s:`` a skill, ``g:`` a learning goal): best match asks the index for people
with one of a few exact tags, which it answers from its lists alone, where
phrases of common words made it check thousands of rows. The table
``search_word`` lists every lexeme of the index (a trigger adds the new ones
of each row written; none is taken out), so a typed prefix can be asked as
the few whole words it begins, which the index intersects from its lists,
where a prefix made it gather every row of every word it begins.

Both index the same columns. The column and the virtual table are not in the
SQLModel classes: the ORM never reads them, only ``services/search_index.py``.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from peerapp.models.mentoring import Employee
from peerapp.models.table import table_of

SEARCHED_COLUMNS = (
    "full_name",
    "job_title",
    "department",
    "location",
    "skills",
    "learning_goals",
    "bio",
)
FTS_TABLE = "employee_search"
PG_CONFIG = "peerapp_search"
# PostgreSQL: the marks of the tag lexemes, by column.
TAG_MARKS = {"skills": "s:", "learning_goals": "g:"}
# The tags of a stored tag string (comma-separated), each lower-cased behind a mark.
PG_TAGS_FUNCTION = (
    "CREATE OR REPLACE FUNCTION peerapp_tags(mark text, tags text) RETURNS text[] "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ "
    "SELECT coalesce(array_agg(mark || lower(btrim(tag))) FILTER (WHERE btrim(tag) <> ''), "
    "'{}') FROM unnest(string_to_array(tags, ',')) AS tag $$"
)


def _sqlite_insert_trigger() -> str:
    columns = ", ".join(SEARCHED_COLUMNS)
    new = ", ".join(f"new.{name}" for name in SEARCHED_COLUMNS)
    add = f"INSERT INTO {FTS_TABLE}(rowid, {columns}) VALUES (new.id, {new});"
    return f"CREATE TRIGGER employee_search_insert AFTER INSERT ON employee BEGIN {add} END"


def _sqlite() -> list[str]:
    columns = ", ".join(SEARCHED_COLUMNS)
    new = ", ".join(f"new.{name}" for name in SEARCHED_COLUMNS)
    old = ", ".join(f"old.{name}" for name in SEARCHED_COLUMNS)
    remove = (
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {columns}) VALUES ('delete', old.id, {old});"
    )
    add = f"INSERT INTO {FTS_TABLE}(rowid, {columns}) VALUES (new.id, {new});"
    return [
        f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5({columns}, content='employee', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3 4 5 6 7 8')",
        _sqlite_insert_trigger(),
        f"CREATE TRIGGER employee_search_delete AFTER DELETE ON employee BEGIN {remove} END",
        f"CREATE TRIGGER employee_search_update AFTER UPDATE OF {columns} ON employee "
        f"BEGIN {remove} {add} END",
        # Rows that were there before the index (a migrated database).
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
    ]


def pg_vector() -> str:
    """The generated vector: the words of every searched column, and the tags."""
    config = f"'{PG_CONFIG}'::regconfig"
    words = " || ' ' || ".join(f"coalesce({name}, '')" for name in SEARCHED_COLUMNS)
    tags = " || ".join(
        f"array_to_tsvector(peerapp_tags('{mark}', coalesce({name}, '')))"
        for name, mark in TAG_MARKS.items()
    )
    return f"to_tsvector({config}, {words}) || {tags}"


WORD_TABLE = "search_word"
_ADD_WORDS = (
    f"INSERT INTO {WORD_TABLE} (word) SELECT word FROM ts_stat('SELECT search_vector FROM "
    "employee') ON CONFLICT DO NOTHING"
)


def _pg_words_trigger() -> str:
    columns = ", ".join(SEARCHED_COLUMNS)
    return (
        f"CREATE TRIGGER employee_search_words AFTER INSERT OR UPDATE OF {columns} "
        "ON employee FOR EACH ROW EXECUTE FUNCTION peerapp_search_words()"
    )


def _pg_word_list() -> list[str]:
    # Lexemes come out of a vector in order, so two one-row writes that add the
    # same new words add them in the same order and cannot deadlock on them.
    return [
        f'CREATE TABLE IF NOT EXISTS {WORD_TABLE} (word text COLLATE "C" PRIMARY KEY)',
        "CREATE OR REPLACE FUNCTION peerapp_search_words() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        f"INSERT INTO {WORD_TABLE} (word) SELECT lexeme FROM unnest(NEW.search_vector) "
        "ON CONFLICT DO NOTHING; RETURN NULL; END $$",
        _pg_words_trigger(),
        # Rows that were there before the list (a migrated database).
        _ADD_WORDS,
    ]


def _postgresql() -> list[str]:
    return [
        "CREATE EXTENSION IF NOT EXISTS unaccent",
        "DO $$ BEGIN "
        f"IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{PG_CONFIG}') THEN "
        f"CREATE TEXT SEARCH CONFIGURATION {PG_CONFIG} (COPY = simple); "
        f"ALTER TEXT SEARCH CONFIGURATION {PG_CONFIG} "
        "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple; "
        "END IF; END $$",
        PG_TAGS_FUNCTION,
        "ALTER TABLE employee ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
        f"({pg_vector()}) STORED",
        "CREATE INDEX ix_employee_search_vector ON employee USING gin (search_vector)",
        *_pg_word_list(),
    ]


def bulk_load_ddl(dialect: str) -> tuple[list[str], list[str]]:
    """Statements around a bulk insert of employees: the index is built once after it.

    Row by row, the index would cost ten times the insert itself.
    """
    if dialect == "sqlite":
        return (
            ["DROP TRIGGER employee_search_insert"],
            [
                f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
                _sqlite_insert_trigger(),
                # Statistics, so the planner knows a program may hold everyone.
                "ANALYZE",
            ],
        )
    if dialect == "postgresql":
        return (
            [
                "DROP INDEX ix_employee_search_vector",
                "DROP TRIGGER employee_search_words ON employee",
            ],
            [
                "CREATE INDEX ix_employee_search_vector ON employee USING gin (search_vector)",
                _ADD_WORDS,
                _pg_words_trigger(),
                "ANALYZE employee",
                "ANALYZE membership",
            ],
        )
    return [], []


def search_index_ddl(dialect: str) -> list[str]:
    """Statements that create the full-text index of employees on this dialect."""
    return {"sqlite": _sqlite, "postgresql": _postgresql}.get(dialect, list)()


@sa.event.listens_for(table_of(Employee), "after_create")
def _make_search_index(target: sa.Table, connection: sa.Connection, **_kw: Any) -> None:
    for statement in search_index_ddl(connection.dialect.name):
        connection.exec_driver_sql(statement)


@sa.event.listens_for(table_of(Employee), "before_drop")
def _drop_search_index(target: sa.Table, connection: sa.Connection, **_kw: Any) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    elif connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {WORD_TABLE}")


# The orders the directory pages through, each an index walk that stops at a page.
_employee = table_of(Employee).c
sa.Index("ix_employee_name_order", sa.func.lower(_employee.full_name), _employee.id)
for _column in ("department", "location"):
    sa.Index(
        f"ix_employee_{_column}_name",
        _employee[_column],
        sa.func.lower(_employee.full_name),
        _employee.id,
    )
    # Best match walks ids from a place of the viewer's own, within a filter.
    sa.Index(f"ix_employee_{_column}_id", _employee[_column], _employee.id)


def skipped_in_schema_checks(name: str | None, kind: str) -> bool:
    """Whether schema comparisons (``reflex db``'s check, the drift test) leave an object out.

    The index's own objects are not in the SQLModel classes; the order indexes
    are on expressions, which SQLite's reflection cannot read back to compare.
    """
    name = name or ""
    return (kind == "table" and (name.startswith(FTS_TABLE) or name == WORD_TABLE)) or name in (
        "search_vector",
        "ix_employee_search_vector",
        "ix_employee_name_order",
        "ix_employee_department_name",
        "ix_employee_location_name",
    )
