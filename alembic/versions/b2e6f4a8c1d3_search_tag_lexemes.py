"""PostgreSQL's search vector also holds every tag as one lexeme behind a mark of its column.

Best match asks the index for people with one of a few exact tags ("s:react",
a skill; "g:negotiation", a learning goal). Before, it asked for phrases of
weighted words, which the index can only narrow down: it then read thousands
of rows to check the phrases. The vector is generated, so the column is
dropped and added again (the table is rewritten once) and its index rebuilt.
SQLite's full-text table is unchanged.

Revision ID: b2e6f4a8c1d3
Revises: 9c4e2b7d1a06
Create Date: 2026-12-05 17:10:00.000000

"""

from collections.abc import Sequence

from alembic import op

revision: str = "b2e6f4a8c1d3"
down_revision: str | Sequence[str] | None = "9c4e2b7d1a06"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of peerapp.models.search at the time of this migration.
CONFIG = "'peerapp_search'::regconfig"
COLUMNS = ("full_name", "job_title", "department", "location", "skills", "learning_goals", "bio")
TAGS_FUNCTION = (
    "CREATE OR REPLACE FUNCTION peerapp_tags(mark text, tags text) RETURNS text[] "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ "
    "SELECT coalesce(array_agg(mark || lower(btrim(tag))) FILTER (WHERE btrim(tag) <> ''), "
    "'{}') FROM unnest(string_to_array(tags, ',')) AS tag $$"
)
WORDS = " || ' ' || ".join(f"coalesce({name}, '')" for name in COLUMNS)
VECTOR = (
    f"to_tsvector({CONFIG}, {WORDS}) || "
    "array_to_tsvector(peerapp_tags('s:', coalesce(skills, ''))) || "
    "array_to_tsvector(peerapp_tags('g:', coalesce(learning_goals, '')))"
)
# The vector before: skills weighted A and learning goals B, for phrases.
REST = " || ' ' || ".join(
    f"coalesce({name}, '')" for name in ("full_name", "job_title", "department", "location", "bio")
)
WEIGHTED_VECTOR = (
    f"setweight(to_tsvector({CONFIG}, coalesce(skills, '')), 'A') || "
    f"setweight(to_tsvector({CONFIG}, coalesce(learning_goals, '')), 'B') || "
    f"to_tsvector({CONFIG}, {REST})"
)


def _vector(expression: str) -> None:
    op.execute("DROP INDEX IF EXISTS ix_employee_search_vector")
    op.execute("ALTER TABLE employee DROP COLUMN IF EXISTS search_vector")
    op.execute(
        "ALTER TABLE employee ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
        f"({expression}) STORED"
    )
    op.execute("CREATE INDEX ix_employee_search_vector ON employee USING gin (search_vector)")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(TAGS_FUNCTION)
    _vector(VECTOR)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _vector(WEIGHTED_VECTOR)
    op.execute("DROP FUNCTION IF EXISTS peerapp_tags(text, text)")
