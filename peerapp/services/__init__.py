"""Business rules of peerapp: plain functions over a SQLModel Session.

Nothing here imports Reflex. Every function that changes data takes the id of
the person acting (from server-side session state, never from the browser) and
raises ``Refused`` with a message fit to show that person when a rule says no.
"""

from peerapp import db as _db  # noqa: F401  (SQLite write-lock discipline for every engine)
from peerapp.services.errors import Refused

__all__ = ["Refused"]
