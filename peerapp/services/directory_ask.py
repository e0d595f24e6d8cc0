"""What a directory search asks for, read strictly from what the browser sent.

Text fields are text (anything typed is a search, see ``search_index``); a
filter that is not one of its choices is refused with words a person can
act on; a page that is not a positive whole number is page 1.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col

from peerapp import models
from peerapp.models import Membership
from peerapp.services import programs, validation
from peerapp.services.errors import Refused

QUERY_MAX = 100
# The orders a person can choose: best match (for the person asking), name, recently joined.
SORTS = ("best", "name", "recent")

# The directory's "Show" choices: who is listed under each.
SHOWING: dict[str, Any] = {
    "": None,
    "peers": col(Membership.is_peer),
    "mentors": col(Membership.is_mentor),
    "mentees": col(Membership.is_mentee),
}


@dataclass(frozen=True)
class Ask:
    """One search: the words, the filters, the order and the page."""

    query: str = ""
    department: str = ""
    location: str = ""
    show: str = ""
    theme: str = ""
    has_places: bool = False
    sort: str = "name"
    page: int = 1


# What a search is when the browser sends nothing of it.
_DEFAULT = Ask()


def typed_query(value: object) -> str:
    """The search box's text as typed (spaces kept: the box shows it back)."""
    if isinstance(value, str) and len(value) > QUERY_MAX:
        raise Refused(f"Search can be at most {QUERY_MAX} characters (it has {len(value)}).")
    validation.text(value, "Search", QUERY_MAX)
    return value if isinstance(value, str) else ""


def department_filter(value: object) -> str:
    """A department to filter by, cleaned like the profile field ("" for all)."""
    return validation.text(value, "Department", models.TEXT_SHORT, one_line=True)


def location_filter(value: object) -> str:
    """A location to filter by, cleaned like the profile field ("" for all)."""
    return validation.text(value, "Location", models.TEXT_SHORT, one_line=True)


def page_number(value: object) -> int:
    """A page number from the browser: anything that is not a positive int is page 1.

    The cap keeps it a database integer; past the results shows the last page.
    """
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return 1
    return min(value, validation.ID_MAX)


def showing(value: object) -> str:
    """Which people: "" (everyone), "peers", "mentors" or "mentees"."""
    return validation.one_of(value, SHOWING, "Show everyone, peers, mentors or mentees.")


def sort_order(value: object) -> str:
    """Best match, name or recently joined."""
    return validation.one_of(value, SORTS, "Sort by best match, name or recently joined.")


def theme_filter(db: Session, program_id: int, value: object) -> str:
    """One of the program's themes, or "" for any."""
    theme = validation.text(value, "Theme", models.THEME_MAX, one_line=True)
    if theme and theme not in programs.themes_of(programs.get_program(db, program_id)):
        raise Refused("That theme is not one of this program's themes.")
    return theme


def read_ask(db: Session, program_id: int, browser: Mapping[str, object]) -> Ask:
    """The search the browser asked for, each part checked; a part it left out is the default."""
    unknown = browser.keys() - _DEFAULT.__dataclass_fields__.keys()
    if unknown:
        raise TypeError(f"A search has no part called {', '.join(sorted(unknown))}.")

    def part(name: str) -> object:
        return browser.get(name, getattr(_DEFAULT, name))

    return Ask(
        query=validation.text(typed_query(part("query")), "Search", QUERY_MAX, one_line=True),
        department=department_filter(part("department")),
        location=location_filter(part("location")),
        show=showing(part("show")),
        theme=theme_filter(db, program_id, part("theme")),
        has_places=validation.flag(part("has_places"), "Has places left"),
        sort=sort_order(part("sort")),
        page=page_number(part("page")),
    )
