"""PostgreSQL: the list of every word in the search index, kept by a trigger.

A typed prefix that begins only a few listed words is asked as those words,
which the GIN index intersects from its lists; a prefix made it gather every
row of every word it begins first ("data lisbon" at a million people: 33 ms
in the index, 6 ms as words). The trigger adds the new words of each row
written; none is ever taken out (a word nobody has any more matches nobody).
SQLite's full-text table has prefix indexes of its own and needs no list.

Revision ID: c7d2a9e5f1b4
Revises: b2e6f4a8c1d3
Create Date: 2026-12-05 17:45:00.000000

"""

from collections.abc import Sequence

from alembic import op

revision: str = "c7d2a9e5f1b4"
down_revision: str | Sequence[str] | None = "b2e6f4a8c1d3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of peerapp.models.search at the time of this migration.
COLUMNS = "full_name, job_title, department, location, skills, learning_goals, bio"
UPGRADE = [
    'CREATE TABLE IF NOT EXISTS search_word (word text COLLATE "C" PRIMARY KEY)',
    "CREATE OR REPLACE FUNCTION peerapp_search_words() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN "
    "INSERT INTO search_word (word) SELECT lexeme FROM unnest(NEW.search_vector) "
    "ON CONFLICT DO NOTHING; RETURN NULL; END $$",
    f"CREATE TRIGGER employee_search_words AFTER INSERT OR UPDATE OF {COLUMNS} "
    "ON employee FOR EACH ROW EXECUTE FUNCTION peerapp_search_words()",
    "INSERT INTO search_word (word) SELECT word FROM ts_stat('SELECT search_vector FROM "
    "employee') ON CONFLICT DO NOTHING",
]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS employee_search_words ON employee")
    op.execute("DROP FUNCTION IF EXISTS peerapp_search_words()")
    op.execute("DROP TABLE IF EXISTS search_word")
