"""The demo organisation's shape: who reports to whom, and each person's title.

People are numbered breadth-first from the chief executive: the department
heads, then their reports, and so on. A manager therefore always comes before
their reports, so ids that follow the numbers never point forward (a batch
never names a manager not yet written) and no chain of managers can loop.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from peerapp.services.demo_data import DEPARTMENTS, EXECUTIVE, Department

# How many people report to one manager (the last manager of a department may get fewer).
MIN_SPAN = 5
MAX_SPAN = 10


@dataclass(frozen=True)
class Org:
    """Per position (0 is the chief executive): department, manager position, title."""

    departments: list[Department]
    managers: list[int | None]
    titles: list[str]

    def __len__(self) -> int:
        return len(self.managers)


def shape(rng: random.Random, size: int) -> Org:
    """An organisation of ``size`` people: departments split by weight, 5–10 reports each."""
    if size <= 0:
        return Org([], [], [])
    departments: list[Department] = [EXECUTIVE]
    managers: list[int | None] = [None]
    left = dict(zip(DEPARTMENTS, _shares(size - 1), strict=True))
    for department, count in left.items():
        if count:
            departments.append(department)
            managers.append(0)
            left[department] = count - 1
    # Breadth-first: each person in turn takes the next reports of their department.
    position = 1
    while position < len(managers):
        department = departments[position]
        take = min(rng.randint(MIN_SPAN, MAX_SPAN), left[department])
        if take:
            departments.extend([department] * take)
            managers.extend([position] * take)
            left[department] -= take
        position += 1
    return Org(departments, managers, _titles(rng, departments, managers))


def _shares(count: int) -> list[int]:
    """``count`` people split between the departments by weight (largest remainders)."""
    total = sum(department.weight for department in DEPARTMENTS)
    shares = [count * department.weight // total for department in DEPARTMENTS]
    by_remainder = sorted(
        range(len(DEPARTMENTS)), key=lambda i: -(count * DEPARTMENTS[i].weight % total)
    )
    for index in by_remainder[: count - sum(shares)]:
        shares[index] += 1
    return shares


def _titles(
    rng: random.Random, departments: list[Department], managers: list[int | None]
) -> list[str]:
    reports = [0] * len(managers)
    for manager in managers:
        if manager is not None:
            reports[manager] += 1
    leads_managers = [False] * len(managers)
    for position, manager in enumerate(managers):
        if manager is not None and reports[position]:
            leads_managers[manager] = True
    titles = []
    for position, department in enumerate(departments):
        if managers[position] in (None, 0):
            titles.append(department.head)
        elif leads_managers[position]:
            titles.append(department.director)
        elif reports[position]:
            titles.append(department.lead)
        else:
            titles.append(rng.choice(department.titles))
    return titles


def first_with(org: Org, department: str, title: str, taken: set[int]) -> int | None:
    """The first position in ``department`` with ``title``, else the first in it, else the last.

    Never the chief executive nor a position in ``taken``; None when nobody is left.
    """
    in_department: int | None = None
    for position in range(1, len(org)):
        if position in taken or org.departments[position].name != department:
            continue
        if org.titles[position] == title:
            return position
        if in_department is None:
            in_department = position
    if in_department is not None:
        return in_department
    return next((p for p in range(len(org) - 1, 0, -1) if p not in taken), None)
