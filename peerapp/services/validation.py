"""Checks for values that arrive from a browser or a console: type and length."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from datetime import date, datetime

from peerapp.services.errors import Refused

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# ASCII digits only: str.isdigit() and int() also take "²", "٣" or "৫", and
# int() of thousands of digits raises instead of answering.
_WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")
# Ids are INTEGER columns: anything larger cannot exist, and handing it to the
# database driver fails (SQLite: OverflowError; PostgreSQL: out of range).
ID_MAX = 2**31 - 1

# Reflex reads this tag inside any string it turns into JavaScript (every toast
# message is one): the text after it is taken as a reference to a compiled
# expression, and a tag it cannot resolve makes it loop until memory runs out.
# Names and reasons reach toasts, so stored text must never contain it.
REFLEX_VAR_TAG = "<reflex.Var>"


def text(
    value: object, label: str, max_len: int, *, required: bool = False, one_line: bool = False
) -> str:
    """Return ``value`` cleaned, or refuse if it is not text, too long or missing.

    Cleaning keeps what a reader sees and drops what they cannot (see
    ``visible``); ``one_line`` fields (names, titles, departments...) also
    collapse every run of spaces and line breaks into one space, since a
    page shows "Priya  Raman" and "Priya Raman" alike.
    """
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Refused(f"{label} must be text.")
    if len(value) > 4 * max_len + 64:
        # Far too long whatever cleaning would remove: do not spend time on it.
        raise Refused(f"{label} can be at most {max_len} characters (it has {len(value)}).")
    if not _encodable(value):
        raise Refused(f"{label} contains characters that cannot be saved.")
    value = visible(value)
    value = " ".join(value.split()) if one_line else value.strip()
    if REFLEX_VAR_TAG in value:
        # (The message must not quote the tag: refusals are shown in toasts.)
        raise Refused(f"{label} cannot contain a “reflex.Var” tag.")
    if required and not value:
        raise Refused(f"{label} is required.")
    if len(value) > max_len:
        raise Refused(f"{label} can be at most {max_len} characters (it has {len(value)}).")
    return value


# Invisible characters that change how the text around them reads. Format
# characters (Unicode category Cf) include the bidirectional embeddings,
# overrides and isolates (U+202A-202E, U+2066-2069) and marks (U+200E/F,
# U+061C), with which "nam⁮ayirP" displays as another person's name; also
# zero-width spaces, soft hyphens, the byte order mark and the tag characters
# that can carry hidden ASCII. Controls (Cc) other than tab and line breaks,
# and line/paragraph separators, are dropped too. Letters that draw nothing
# (Hangul fillers, the blank braille pattern) would let a name look empty or
# like another one.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f")
_KEPT_CONTROLS = frozenset("\t\n\r")
_ZWNJ, _ZWJ = "\u200c", "\u200d"


def _is_variation_selector(char: str) -> bool:
    code = ord(char)
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF


def _is_pictograph(char: str) -> bool:
    """An emoji or symbol (or a modifier that ends one), which a joiner may link."""
    return unicodedata.category(char) in ("So", "Sk") or char == "\ufe0f"


def _joins_script(char: str) -> bool:
    """Arabic, Syriac and the Indic scripts use joiners to choose letter forms."""
    return 0x0600 <= ord(char) <= 0x0DFF


def _is_ideograph(char: str) -> bool:
    code = ord(char)
    return 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x3FFFF


def _keep(previous: str, char: str, following: str) -> bool:
    """Whether a character that may be invisible is doing visible work here."""
    if char in (_ZWJ, _ZWNJ):
        # Emoji sequences (👩‍💻) and scripts that need them keep their joiners;
        # between Latin letters a joiner only hides a difference.
        if char == _ZWJ and previous and following and _is_pictograph(previous):
            return _is_pictograph(following)
        return bool(previous and following) and (
            _joins_script(previous) and _joins_script(following)
        )
    if _is_variation_selector(char):
        # ❤️ and keycaps, and the ideographic variants of Japanese names, keep theirs.
        return bool(previous) and (
            not unicodedata.category(previous).startswith("L") or _is_ideograph(previous)
        )
    category = unicodedata.category(char)
    if category in ("Cc",):
        return char in _KEPT_CONTROLS
    return category not in ("Cf", "Zl", "Zp") and char not in _BLANK_LETTERS


def _maybe_invisible(char: str) -> bool:
    return (
        unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp")
        or _is_variation_selector(char)
        or char in _BLANK_LETTERS
    )


def visible(value: str) -> str:
    """``value`` in composed form (NFC) without characters a reader cannot see.

    Emoji written with joiners (👩‍👩‍👧, 🏳️‍🌈), ❤️ and the joiners of Arabic,
    Persian and Indic text are kept; tag characters are not, so a regional
    flag like 🏴󠁧󠁢󠁳󠁣󠁴󠁿 shows as a plain black flag.
    """
    value = unicodedata.normalize("NFC", value)
    if not any(_maybe_invisible(char) for char in value):
        return value
    kept: list[str] = []
    for index, char in enumerate(value):
        if _maybe_invisible(char):
            previous = kept[-1] if kept else ""
            following = value[index + 1] if index + 1 < len(value) else ""
            if not _keep(previous, char, following):
                continue
        kept.append(char)
    return "".join(kept)


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


def is_identifier(value: object) -> bool:
    """Whether ``value`` is a positive integer id that fits the id columns (not a bool)."""
    return not isinstance(value, bool) and isinstance(value, int) and 0 < value <= ID_MAX


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


def one_of(value: object, allowed: Collection[str], refusal: str) -> str:
    """``value`` if it is one of ``allowed`` (a choice sent from a list); else ``refusal``."""
    if not isinstance(value, str) or value not in allowed:
        raise Refused(refusal)
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


def day(value: object, label: str) -> date:
    """A calendar day: a ``date`` or the ISO text a date field sends (YYYY-MM-DD)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise Refused(f"{label} must be a date (YYYY-MM-DD).")


def choices(value: object, label: str, allowed: list[str], most: int) -> list[str]:
    """Up to ``most`` distinct items of ``allowed`` (a list, or lines of text), in its order."""
    if isinstance(value, str):
        value = [line for line in value.splitlines() if line.strip()]
    if not isinstance(value, list | tuple):
        raise Refused(f"{label} must be a list.")
    chosen: set[str] = set()
    for item in value:
        if not isinstance(item, str) or item.strip() not in allowed:
            raise Refused(f"{label}: choose from the program's themes.")
        chosen.add(item.strip())
    if len(chosen) > most:
        raise Refused(f"Choose at most {most} {label.lower()}.")
    return [item for item in allowed if item in chosen]
