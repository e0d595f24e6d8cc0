"""Each item of peerapp/reflex_compat.py still means what it says in this Reflex."""

from __future__ import annotations

import logging
import sys

from peerapp import log_limits, reflex_compat


def test_socket_max_frame_env_is_reflex_s():
    from reflex_base.environment import environment

    assert hasattr(environment, reflex_compat.SOCKET_MAX_FRAME_ENV)


def test_reflex_package_loggers_sit_under_the_watched_roots():
    import reflex_base.event.processor.event_processor as processor

    assert processor.logger.name.split(".")[0] in reflex_compat.REFLEX_LOGGER_ROOTS
    assert logging.getLogger("reflex.app").name.split(".")[0] in reflex_compat.REFLEX_LOGGER_ROOTS


def test_long_reflex_records_are_cut_with_their_traceback():
    log_limits.install(limit=400)
    try:
        raise KeyError("x" * 100_000)
    except KeyError:
        record = logging.getLogger("reflex.app").makeRecord(
            "reflex.app", logging.ERROR, __file__, 1, "event %s", ("y" * 100_000,), sys.exc_info()
        )
    text = logging.Formatter().format(record)
    assert len(text) < 600
    assert text.startswith("event yyy") and "characters cut" in text
    assert record.exc_info is None


def test_other_loggers_are_left_alone():
    log_limits.install(limit=400)
    record = logging.getLogger("peerapp.x").makeRecord(
        "peerapp.x", logging.INFO, __file__, 1, "%s", ("z" * 5000,), None
    )
    assert len(record.getMessage()) == 5000
