"""One place for each kind of thing: the environment is read only in ``peerapp/settings.py``."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# os.environ[...] / .get / getenv: every way of reading a variable. rxconfig.py
# *writes* one (Reflex's frame cap, from peerapp's setting): a write is allowed.
_READ = re.compile(r"\bos\.(getenv|environ\b(?!\[[^\]]+\]\s*=[^=]))")


def _reads(path: Path) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if _READ.search(line)
    ]


def test_the_environment_is_read_only_in_settings():
    sources = [*sorted((ROOT / "peerapp").rglob("*.py")), ROOT / "rxconfig.py"]
    found = [
        hit for path in sources if path != ROOT / "peerapp" / "settings.py" for hit in _reads(path)
    ]
    assert not found, "read the environment in peerapp/settings.py instead:\n" + "\n".join(found)


def test_the_check_sees_a_read():
    assert _READ.search('x = os.environ.get("PEERAPP_X")')
    assert _READ.search('x = os.getenv("PEERAPP_X")')
    assert _READ.search('x = os.environ["PEERAPP_X"]')
    assert not _READ.search('os.environ["REFLEX_X"] = "1"')


# Reflex's internals: any module below ``reflex`` (its top-level names are its
# public API), ``reflex_base`` and the ``reflex_components_*`` packages.
_REFLEX_INTERNALS = re.compile(
    r"^\s*(from|import)\s+(reflex\.|reflex_base\b|reflex_components_).*$", re.MULTILINE
)


def test_reflex_internals_are_imported_only_in_reflex_compat():
    door = {ROOT / "peerapp" / "reflex_compat.py", ROOT / "tests" / "test_reflex_compat.py"}
    sources = [
        *sorted((ROOT / "peerapp").rglob("*.py")),
        *sorted((ROOT / "tests").rglob("*.py")),
        ROOT / "rxconfig.py",
    ]
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0).strip()}"
        for path in sources
        if path not in door
        for match in _REFLEX_INTERNALS.finditer(path.read_text())
    ]
    assert not found, "go through peerapp/reflex_compat.py instead:\n" + "\n".join(found)


# Committing or rolling back: services/unit.py owns both (services/unit.py's docstring).
_TRANSACTION_END = re.compile(r"\.(commit|rollback)\(\)")


def test_only_the_unit_of_work_ends_transactions():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / "peerapp").rglob("*.py"))
        if path != ROOT / "peerapp" / "services" / "unit.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if _TRANSACTION_END.search(line)
    ]
    assert not found, "use services.unit (unit_of_work, end_reads):\n" + "\n".join(found)


def test_the_check_sees_a_commit():
    assert _TRANSACTION_END.search("    db.commit()")
    assert _TRANSACTION_END.search("session.rollback()")
    assert not _TRANSACTION_END.search("with unit_of_work(db):")
