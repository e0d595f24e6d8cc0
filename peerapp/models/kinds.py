"""The kinds and statuses of programs, requests and pairings."""

from __future__ import annotations

import enum


class ProgramKind(enum.StrEnum):
    """Evergreen programs are always open; cohort programs run for a period."""

    EVERGREEN = "evergreen"
    COHORT = "cohort"


class PairingKind(enum.StrEnum):
    """Peers guide each other; in mentoring one person (``mentor_id``) guides the other."""

    PEER = "peer"
    MENTORING = "mentoring"


class RequestStatus(enum.StrEnum):
    """Lifecycle of a request; everything except PENDING is final."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class PairingStatus(enum.StrEnum):
    """A pairing is active until one side ends it."""

    ACTIVE = "active"
    ENDED = "ended"


class PairingOutcome(enum.StrEnum):
    """How the person ending a pairing describes it (kept private)."""

    COMPLETED = "completed"
    NOT_A_FIT = "not_a_fit"
