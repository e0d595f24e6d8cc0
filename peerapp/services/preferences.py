"""How each person wants to be told, per category, and when their daily digest goes out."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlmodel import Session, col, select

from peerapp.clock import utcnow
from peerapp.models import (
    DEFAULT_DELIVERY,
    DEFAULT_DIGEST_HOUR,
    Delivery,
    DigestSchedule,
    NoticeCategory,
    NoticePreference,
)
from peerapp.models.notices import TIME_ZONE_MAX
from peerapp.services import validation
from peerapp.services.errors import Refused
from peerapp.services.unit import Change, unit_of_work

CATEGORIES = tuple(category.value for category in NoticeCategory)
DELIVERIES = tuple(delivery.value for delivery in Delivery)
DEFAULT_TIME_ZONE = "UTC"


@dataclass(frozen=True)
class Schedule:
    """When a person's digest goes out: an hour of the day in their time zone."""

    time_zone: str = DEFAULT_TIME_ZONE
    hour: int = DEFAULT_DIGEST_HOUR


def category(value: object) -> str:
    """A category name from outside (a form, a link), or a refusal."""
    return validation.one_of(value, CATEGORIES, "That is not a kind of notification peerapp sends.")


def delivery(value: object) -> str:
    """A delivery choice from outside, or a refusal."""
    refusal = "Choose email at once, the daily digest, or in the app only."
    return validation.one_of(value, DELIVERIES, refusal)


def time_zone(value: object) -> str:
    """An IANA time zone name (``Europe/Lisbon``), or a refusal."""
    if not isinstance(value, str) or not value or len(value) > TIME_ZONE_MAX:
        raise Refused("Choose a time zone from the list.")
    if value not in _zones():
        raise Refused("Choose a time zone from the list.")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as missing:
        raise Refused("Choose a time zone from the list.") from missing
    return value


_ZONES: frozenset[str] | None = None


def _zones() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones()) | {DEFAULT_TIME_ZONE}
    return _ZONES


def zone_names() -> list[str]:
    """Every time zone a person may choose, sorted."""
    return sorted(_zones())


def deliveries(db: Session, employee_id: int) -> dict[str, str]:
    """Every category with this person's delivery (their choice or the default)."""
    chosen = dict(
        db.exec(
            select(col(NoticePreference.category), col(NoticePreference.delivery)).where(
                col(NoticePreference.employee_id) == employee_id
            )
        ).all()
    )
    return {name: chosen.get(name, DEFAULT_DELIVERY[name]) for name in CATEGORIES}


def delivery_for(db: Session, employee_id: int, category_name: str) -> str:
    """This person's delivery for one category (one indexed lookup)."""
    chosen = db.exec(
        select(col(NoticePreference.delivery)).where(
            col(NoticePreference.employee_id) == employee_id,
            col(NoticePreference.category) == category_name,
        )
    ).first()
    return chosen or DEFAULT_DELIVERY[category_name]


def set_delivery(db: Session, employee_id: int, category_name: object, choice: object) -> Change:
    """Set one category's delivery for this person; the others stay as they are."""
    name, chosen = category(category_name), delivery(choice)
    with unit_of_work(db):
        row = db.exec(
            select(NoticePreference).where(
                col(NoticePreference.employee_id) == employee_id,
                col(NoticePreference.category) == name,
            )
        ).first()
        if row is None:
            db.add(NoticePreference(employee_id=employee_id, category=name, delivery=chosen))
        elif row.delivery != chosen:
            row.delivery = chosen
            row.updated_at = utcnow()
            db.add(row)
    return Change(told=frozenset({employee_id}))


def schedule(db: Session, employee_id: int) -> Schedule:
    """When this person's digest goes out."""
    row = db.exec(
        select(DigestSchedule).where(col(DigestSchedule.employee_id) == employee_id)
    ).first()
    return Schedule() if row is None else Schedule(row.time_zone, row.hour)


def set_schedule(db: Session, employee_id: int, zone: object, hour: object) -> Change:
    """Set the time zone and hour of this person's daily digest."""
    chosen_zone = time_zone(zone)
    chosen_hour = validation.whole_number(hour, "The digest hour", 0, 23)
    with unit_of_work(db):
        row = db.exec(
            select(DigestSchedule).where(col(DigestSchedule.employee_id) == employee_id)
        ).first()
        if row is None:
            row = DigestSchedule(employee_id=employee_id)
        row.time_zone, row.hour = chosen_zone, chosen_hour
        db.add(row)
    return Change(told=frozenset({employee_id}))
