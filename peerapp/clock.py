"""The one clock of the app. Tests move it with ``frozen_at``."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime

_frozen: datetime | None = None


def utcnow() -> datetime:
    """Current time, timezone-aware UTC."""
    if _frozen is not None:
        return _frozen
    return datetime.now(UTC)


@contextlib.contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    """Pin ``utcnow()`` to ``moment`` inside the block (for tests)."""
    global _frozen
    previous, _frozen = _frozen, moment
    try:
        yield
    finally:
        _frozen = previous
