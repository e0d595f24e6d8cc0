"""Writing many rows fast: COPY on PostgreSQL, batched executemany elsewhere.

A demo organisation can have a million people. ORM objects for them would take
many minutes and gigabytes, so the demo writes plain rows with ids chosen up
front (managers and memberships name them without reading anything back).
Only for a table that is empty: the ids start at 1.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

Row = tuple[Any, ...]


def insert_rows(db: Session, table: sa.Table, columns: Sequence[str], rows: list[Row]) -> None:
    """Insert ``rows`` (values in ``columns``' order) in the session's transaction."""
    if not rows:
        return
    connection = db.connection()
    if connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg":
        # COPY: about three times as fast as an executemany INSERT here.
        names = ", ".join(connection.dialect.identifier_preparer.quote(c) for c in columns)
        quoted = connection.dialect.identifier_preparer.format_table(table)
        driver = connection.connection.driver_connection
        assert driver is not None
        with driver.cursor() as cursor, cursor.copy(f"COPY {quoted} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    # Core's INSERT, compiled once, run as one executemany. Executing it through Core
    # instead converts every value of every row anew: four times the insert's own time.
    compiled = sa.insert(table).compile(dialect=connection.dialect, column_keys=list(columns))
    converted = map(_converter(connection.dialect, table, columns), rows)
    params: list[Any]
    if not compiled.positional:
        params = [dict(zip(columns, row, strict=True)) for row in converted]
    elif list(compiled.positiontup or ()) == list(columns):
        params = list(converted)
    else:
        order = [columns.index(name) for name in compiled.positiontup or ()]
        params = [tuple(row[i] for i in order) for row in converted]
    connection.exec_driver_sql(compiled.string, params)


def _converter(
    dialect: sa.Dialect, table: sa.Table, columns: Sequence[str]
) -> Callable[[Row], Row]:
    """Each value as the column's type would hand it to the driver (a boolean, a time).

    The converted columns hold few different values (flags, one timestamp), so each
    value is converted once.
    """
    processors = {
        index: process
        for index, name in enumerate(columns)
        if (process := table.c[name].type.dialect_impl(dialect).bind_processor(dialect))
    }
    done: dict[tuple[int, type, Any], Any] = {}

    def convert(row: Row) -> Row:
        values = list(row)
        for index, process in processors.items():
            key = (index, type(values[index]), values[index])
            if key not in done:
                done[key] = process(values[index])
            values[index] = done[key]
        return tuple(values)

    return convert


@contextmanager
def bulk_load(db: Session, tables: Sequence[sa.Table]) -> Iterator[None]:
    """Around one large load into ``tables``: a bigger page cache on SQLite, statistics after.

    SQLite's default cache spills the growing email index to disk; PostgreSQL's
    planner would see the new rows only when autovacuum gets round to them.
    """
    connection = db.connection()
    if connection.dialect.name == "postgresql":
        yield
        for table in tables:
            connection.exec_driver_sql(f"ANALYZE {table.name}")
        return
    if connection.dialect.name != "sqlite":
        yield
        return
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    # Negative: KiB. The email index grows in random order; a small cache spills it to disk.
    connection.exec_driver_sql("PRAGMA cache_size = -262144")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(before or -2000)}")


def follow_explicit_ids(db: Session, table: sa.Table) -> None:
    """After rows were given their ids, let the next id the database picks come after them."""
    connection = db.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(
            sa.text(
                "SELECT setval(pg_get_serial_sequence(:table, 'id'), "
                f"(SELECT coalesce(max(id), 0) + 1 FROM {table.name}), false)"
            ),
            {"table": table.name},
        )
