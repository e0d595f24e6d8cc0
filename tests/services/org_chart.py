"""The org chart the conflict-of-interest tests share (imported by their modules).

::

    Cleo Chief
    ├── Vic Vice
    │   ├── Lena Lead ── Dana Dev, Deniz Dev
    │   └── Liam Lead ── Dora Dev
    └── Otto Other ── Ola Other

plus Nia Newcomer, with no manager and no reports. Everyone holds all three roles.
"""

from __future__ import annotations

from service_helpers import email_for, make_person
from sqlmodel import Session

from peerapp.models import Employee, Program

ALL_ROLES = ("peer", "mentor", "mentee")
CHART = [  # (name, manager's name), managers first
    ("Cleo Chief", None),
    ("Vic Vice", "Cleo Chief"),
    ("Lena Lead", "Vic Vice"),
    ("Liam Lead", "Vic Vice"),
    ("Dana Dev", "Lena Lead"),
    ("Deniz Dev", "Lena Lead"),
    ("Dora Dev", "Liam Lead"),
    ("Otto Other", "Cleo Chief"),
    ("Ola Other", "Otto Other"),
    ("Nia Newcomer", None),
]


def make_org(db: Session, program: Program) -> dict[str, Employee]:
    """The chart above, keyed by first name (lower case)."""
    return {
        name.split()[0].lower(): make_person(
            db,
            program,
            name,
            roles=ALL_ROLES,
            manager_email=email_for(manager) if manager else None,
        )
        for name, manager in CHART
    }
