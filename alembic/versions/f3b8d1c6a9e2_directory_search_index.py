"""The directory's full-text index over employees, and the indexes its orders walk.

SQLite: an FTS5 table with the employee table as its content, kept in step by
triggers, filled from the rows already there. PostgreSQL: the unaccent
extension, a ``peerapp_search`` text search configuration, a generated
``tsvector`` column and its GIN index.

Revision ID: f3b8d1c6a9e2
Revises: d5a8e2c4b6f1
Create Date: 2026-12-05 03:30:00.000000

"""

from collections.abc import Sequence

from alembic import op

revision: str = "f3b8d1c6a9e2"
down_revision: str | Sequence[str] | None = "d5a8e2c4b6f1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of peerapp.models.search at the time of this migration.
COLUMNS = "full_name, job_title, department, location, skills, learning_goals, bio"
NEW = ", ".join(f"new.{name}" for name in COLUMNS.split(", "))
OLD = ", ".join(f"old.{name}" for name in COLUMNS.split(", "))
REMOVE = (
    f"INSERT INTO employee_search(employee_search, rowid, {COLUMNS}) "
    f"VALUES ('delete', old.id, {OLD});"
)
ADD = f"INSERT INTO employee_search(rowid, {COLUMNS}) VALUES (new.id, {NEW});"
SQLITE = [
    f"CREATE VIRTUAL TABLE employee_search USING fts5({COLUMNS}, content='employee', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3 4 5 6 7 8')",
    f"CREATE TRIGGER employee_search_insert AFTER INSERT ON employee BEGIN {ADD} END",
    f"CREATE TRIGGER employee_search_delete AFTER DELETE ON employee BEGIN {REMOVE} END",
    f"CREATE TRIGGER employee_search_update AFTER UPDATE OF {COLUMNS} ON employee "
    f"BEGIN {REMOVE} {ADD} END",
    "INSERT INTO employee_search(employee_search) VALUES ('rebuild')",
]
CONFIG = "'peerapp_search'::regconfig"
REST = " || ' ' || ".join(
    f"coalesce({name}, '')" for name in ("full_name", "job_title", "department", "location", "bio")
)
# Skills weighted A and learning goals B: best match asks for those columns alone.
VECTOR = (
    f"setweight(to_tsvector({CONFIG}, coalesce(skills, '')), 'A') || "
    f"setweight(to_tsvector({CONFIG}, coalesce(learning_goals, '')), 'B') || "
    f"to_tsvector({CONFIG}, {REST})"
)
POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "DO $$ BEGIN "
    "IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'peerapp_search') THEN "
    "CREATE TEXT SEARCH CONFIGURATION peerapp_search (COPY = simple); "
    "ALTER TEXT SEARCH CONFIGURATION peerapp_search "
    "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple; "
    "END IF; END $$",
    "ALTER TABLE employee ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
    f"({VECTOR}) STORED",
    "CREATE INDEX ix_employee_search_vector ON employee USING gin (search_vector)",
]


def upgrade() -> None:
    name = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(name, []):
        op.execute(statement)
    op.execute("CREATE INDEX ix_employee_name_order ON employee (lower(full_name), id)")
    for column in ("department", "location"):
        op.execute(
            f"CREATE INDEX ix_employee_{column}_name ON employee ({column}, lower(full_name), id)"
        )
        op.create_index(f"ix_employee_{column}_id", "employee", [column, "id"])
    op.create_index(
        "ix_membership_program_joined", "membership", ["program_id", "joined_at", "employee_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_membership_program_joined", table_name="membership")
    for column in ("location", "department"):
        op.drop_index(f"ix_employee_{column}_id", table_name="employee")
        op.drop_index(f"ix_employee_{column}_name", table_name="employee")
    op.drop_index("ix_employee_name_order", table_name="employee")
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS employee_search_{trigger}")
        op.execute("DROP TABLE IF EXISTS employee_search")
    else:
        op.execute("DROP INDEX IF EXISTS ix_employee_search_vector")
        op.execute("ALTER TABLE employee DROP COLUMN IF EXISTS search_vector")
