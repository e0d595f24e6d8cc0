"""Checks for values that arrive from a browser or a console: type and length."""

from __future__ import annotations

import re

from peerapp.services.errors import Refused

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# ASCII digits only: str.isdigit() and int() also take "²", "٣" or "৫", and
# int() of thousands of digits raises instead of answering.
_WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Ids are INTEGER columns: anything larger cannot exist, and handing it to the
# database driver fails (SQLite: OverflowError; PostgreSQL: out of range).
ID_MAX = 2**31 - 1

# Reflex reads this tag inside any string it turns into JavaScript (every toast
# message is one): the text after it is taken as a reference to a compiled
# expression, and a tag it cannot resolve makes it loop until memory runs out.
# Names and reasons reach toasts, so stored text must never contain it.
REFLEX_VAR_TAG = "<reflex.Var>"


def text(value: object, label: str, max_len: int, *, required: bool = False) -> str:
    """Return ``value`` stripped, or refuse if it is not text, too long or missing."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Refused(f"{label} must be text.")
    value = _CONTROL.sub("", value).strip()
    if not _encodable(value):
        raise Refused(f"{label} contains characters that cannot be saved.")
    if REFLEX_VAR_TAG in value:
        # (The message must not quote the tag: refusals are shown in toasts.)
        raise Refused(f"{label} cannot contain a “reflex.Var” tag.")
    if required and not value:
        raise Refused(f"{label} is required.")
    if len(value) > max_len:
        raise Refused(f"{label} can be at most {max_len} characters (it has {len(value)}).")
    return value


def whole_number(value: object, label: str, low: int, high: int) -> int:
    """A whole number from ``low`` to ``high``, given as an int or as typed in a form.

    Typed text must be ASCII digits (at most nine): "²", "٣", "1e3", "-1" or a
    number thousands of digits long are refused with the same message.
    """
    message = f"{label} must be a whole number from {low} to {high}."
    if isinstance(value, str):
        typed = value.strip()
        if not _WHOLE_NUMBER.fullmatch(typed):
            raise Refused(message)
        value = int(typed)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise Refused(message)
    return value


def _encodable(value: str) -> bool:
    """Whether the text is valid Unicode (a browser can send lone UTF-16 surrogates)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def display_text(value: object, max_len: int) -> str:
    """Text sent by a browser only to be shown back (a name in a dialog): never refused.

    Anything that is not usable text becomes empty, so it can go into a toast safely.
    """
    if not isinstance(value, str):
        return ""
    try:
        return text(value, "Text", max_len)
    except Refused:
        return ""


def email(value: object) -> str:
    """A normalised (lower-case) email address, or a refusal."""
    address = text(value, "Email", 254, required=True).lower()
    if not _EMAIL.match(address):
        raise Refused("Enter a valid email address, like name@company.com.")
    return address


def identifier(value: object, label: str = "id") -> int:
    """A positive integer id that fits the id columns; bools and strings are refused."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= ID_MAX:
        raise Refused(f"That {label} is not valid.")
    return value


def flag(value: object, label: str) -> bool:
    """A real boolean; "false" strings and numbers are refused."""
    if not isinstance(value, bool):
        raise Refused(f"{label} must be on or off.")
    return value


def tag_list(value: object, label: str, max_len: int) -> str:
    """Comma-separated tags, de-duplicated, stored as one normalised string."""
    raw = text(value, label, max_len)
    seen: dict[str, str] = {}
    for part in raw.split(","):
        tag = " ".join(part.split())
        if tag and tag.lower() not in seen:
            seen[tag.lower()] = tag
    return ", ".join(seen.values())


def split_tags(value: str) -> list[str]:
    """The tags of a stored tag string."""
    return [tag.strip() for tag in value.split(",") if tag.strip()]
