"""Departments, titles, skills, places and bios the demo organisation is made of.

They are data, kept in ``demo_catalog.toml`` beside this module so they read
(and change) as a table; this module turns them into typed tuples once, on import.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CATALOG = Path(__file__).with_name("demo_catalog.toml")


@dataclass(frozen=True)
class Department:
    """A department: its share of the company, its titles by rank, what its people know."""

    name: str
    weight: int
    head: str
    director: str  # manages managers
    lead: str  # manages a team
    titles: tuple[str, ...]  # everyone else
    skills: tuple[str, ...]

    @classmethod
    def of(cls, table: dict[str, Any]) -> Department:
        """A department from its table in the catalogue."""
        return cls(**{**table, "titles": tuple(table["titles"]), "skills": tuple(table["skills"])})


_catalog = tomllib.loads(CATALOG.read_text(encoding="utf-8"))
DEPARTMENTS = tuple(Department.of(table) for table in _catalog["departments"])
# The chief executive's own department: one person, whom the department heads report to.
EXECUTIVE = Department.of(_catalog["executive"])
BY_NAME = {department.name: department for department in (*DEPARTMENTS, EXECUTIVE)}
SHARED_GOALS: tuple[str, ...] = tuple(_catalog["shared_goals"])
LOCATIONS: tuple[str, ...] = tuple(_catalog["locations"])
# A bio is "{title} in {department}, based in {location}." and one of these.
BIO_ENDINGS: tuple[str, ...] = tuple(_catalog["bio_endings"])
