"""The profile's notification settings, saved as one: every category's delivery and the digest time.

The form sends everything at once; it is all checked before anything is
written, and written in one unit of work, so a refused hour leaves the
deliveries as they were too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import Session

from peerapp.services import preferences, validation
from peerapp.services.errors import Refused
from peerapp.services.unit import Change, unit_of_work


@dataclass(frozen=True)
class Settings:
    """A person's delivery per category (every category) and digest schedule."""

    deliveries: dict[str, str]
    schedule: preferences.Schedule


def settings(db: Session, employee_id: int) -> Settings:
    """What the person chose (or the defaults)."""
    return Settings(preferences.deliveries(db, employee_id), preferences.schedule(db, employee_id))


def save(db: Session, employee_id: int, deliveries: object, zone: object, hour: object) -> Change:
    """Set every category's delivery and the digest's zone and hour, or refuse all of it."""
    if not isinstance(deliveries, Mapping):
        raise Refused("Choose how you want to hear about each kind of notification.")
    chosen = {name: preferences.delivery(deliveries.get(name)) for name in preferences.CATEGORIES}
    preferences.time_zone(zone)
    validation.whole_number(hour, "The digest hour", 0, 23)
    with unit_of_work(db):
        for name, delivery in chosen.items():
            preferences.set_delivery(db, employee_id, name, delivery)
        preferences.set_schedule(db, employee_id, zone, hour)
    return Change(told=frozenset({employee_id}))
