"""Keep log records from Reflex and Socket.IO short.

Reflex logs a refused event with its whole payload (the event repr in the
message, the payload again in the exception text): ten anonymous 900 KB
events added 9 MB to the server log. Every record of those loggers is cut to
``PEERAPP_LOG_RECORD_MAX_CHARS`` characters here, message and traceback
together, before any handler sees it. The start of a record says what
happened and the end of a traceback says where; both are kept.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from peerapp import settings
from peerapp.reflex_compat import REFLEX_LOGGER_ROOTS

_installed = False


def shorten(text: str, limit: int) -> str:
    """``text`` if short enough, else its head and tail around a note of what was cut."""
    if len(text) <= limit:
        return text
    tail = limit // 4
    head = limit - tail
    return f"{text[:head]} …[{len(text) - head - tail} characters cut]… {text[-tail:]}"


def _watched(name: str) -> bool:
    return name.split(".", 1)[0] in REFLEX_LOGGER_ROOTS


def _shorten_record(record: logging.LogRecord, limit: int) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: keep the raw parts, logging reports it
        return
    if record.exc_info and record.exc_info[0] is not None:
        message += "\n" + "".join(traceback.format_exception(*record.exc_info)).rstrip()
        record.exc_info = None
        record.exc_text = None
    if record.stack_info:
        message += "\n" + record.stack_info
        record.stack_info = None
    record.msg = shorten(message, limit)
    record.args = ()


def install(limit: int | None = None) -> None:
    """Shorten every record of Reflex's and Socket.IO's loggers (once per process)."""
    global _installed
    if _installed:
        return
    _installed = True
    cap = limit or settings.LOG_RECORD_MAX_CHARS
    make_record = logging.getLogRecordFactory()

    def short_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        if _watched(record.name):
            _shorten_record(record, cap)
        return record

    logging.setLogRecordFactory(short_record)
