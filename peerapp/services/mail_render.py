"""An email from words: plain text and HTML alternative, unsubscribe headers, nothing injectable.

Every value a person typed reaches the HTML through ``html.escape`` and the
headers through ``header_text`` (control characters and line breaks become
spaces), so a hostile display name can neither add a header nor break the
message. The standard library builds the message (``email.policy.SMTP``:
CRLF line ends, RFC 2047 words for non-ASCII names).
"""

from __future__ import annotations

import functools
import html
import re
import secrets
import unicodedata
from dataclasses import dataclass
from email.headerregistry import Address, BaseHeader, HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage
from email.policy import SMTP, Policy
from email.utils import make_msgid, parseaddr
from typing import cast

from peerapp.services.mail_words import Words

HEADER_TEXT_MAX = 150
_SPACES = re.compile(r"\s+")


class _AddressList(UnstructuredHeader):
    """``List-Unsubscribe``: written as set, on one line.

    Its value is ``<url>``, longer than a folded line, with nowhere to fold;
    the standard folder would turn it into RFC 2047 encoded words, which mail
    clients do not read as an address. The value is ours (ASCII, no line
    breaks: the policy refuses those when it is set), and one line is far
    below the 998 characters RFC 5322 allows.
    """

    # Given by BaseHeader, which the registry mixes in with this class.
    name: str

    def fold(self, *, policy: Policy) -> str:
        return f"{self.name}: {self}{policy.linesep}"


class _HeaderClasses(HeaderRegistry):
    """The standard header registry, keeping the class it makes for each header name.

    The stock registry builds a new class for every header it is asked for
    (a third of the time it takes to build a message); the classes depend on
    the name only.
    """

    def __init__(self) -> None:
        super().__init__()
        self.map_to_type("list-unsubscribe", cast(type[BaseHeader], _AddressList))
        self._made: dict[str, type[BaseHeader]] = {}

    def __getitem__(self, name: str) -> type[BaseHeader]:
        made = self._made.get(name.lower())
        if made is None:
            made = self._made[name.lower()] = super().__getitem__(name)
        return made


POLICY = SMTP.clone(header_factory=_HeaderClasses())


@functools.lru_cache(maxsize=16)
def _same_every_time(name: str, value: str) -> BaseHeader:
    """A header whose value never changes, parsed once (header objects are immutable)."""
    return cast(BaseHeader, POLICY.header_factory(name, value))


def header_text(value: str, limit: int = HEADER_TEXT_MAX) -> str:
    """``value`` safe for one header line: no control or separator characters, one line."""
    kept = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in value
    )
    text = _SPACES.sub(" ", kept).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class Item:
    """One notice in an email: its words and the address its link opens."""

    words: Words
    url: str


@dataclass(frozen=True)
class Section:
    """Notices of one category; ``unsubscribe`` turns that category's email off."""

    title: str
    items: tuple[Item, ...]
    unsubscribe: str


@dataclass(frozen=True)
class Letter:
    """Everything one email says, before it becomes a message."""

    to_name: str
    to_address: str
    subject: str
    sections: tuple[Section, ...]
    # Where the List-Unsubscribe header's one-click POST goes (RFC 8058).
    unsubscribe_post: str
    settings_url: str


def domain_of(mail_from: str) -> str:
    """The domain of the From address, for Message-IDs (no DNS lookup per message)."""
    address = parseaddr(mail_from)[1]
    return address.rpartition("@")[2] or "localhost"


def compose(letter: Letter, *, mail_from: str) -> EmailMessage:
    """The message: headers, a plain-text part and an HTML alternative."""
    message = EmailMessage(policy=POLICY)
    message["From"] = _same_every_time("From", mail_from)
    message["To"] = Address(
        display_name=header_text(letter.to_name), addr_spec=letter.to_address.strip()
    )
    message["Subject"] = header_text(letter.subject)
    message["Message-ID"] = make_msgid(domain=domain_of(mail_from))
    message["List-Unsubscribe"] = f"<{letter.unsubscribe_post}>"
    message["List-Unsubscribe-Post"] = _same_every_time(
        "List-Unsubscribe-Post", "List-Unsubscribe=One-Click"
    )
    message["Auto-Submitted"] = _same_every_time("Auto-Submitted", "auto-generated")
    message.set_content(_plain(letter))
    message.add_alternative(_html(letter), subtype="html")
    # Random and unguessable, so no typed text can contain it; chosen here, the
    # generator does not search the parts for a free one (a regex compiled per message).
    message.set_boundary(f"=_peerapp_{secrets.token_hex(16)}")
    return message


def _plain(letter: Letter) -> str:
    out = [f"Hello {letter.to_name},", ""]
    for section in letter.sections:
        if section.title:
            out += [section.title.upper(), ""]
        for item in section.items:
            out += [item.words.subject, *item.words.lines]
            out += [f"{item.words.link_label}: {item.url}", ""]
    out += ["-- ", "You receive these emails because of your peerapp notification settings."]
    for section in letter.sections:
        out.append(f"Stop emails about {section.title.lower()}: {section.unsubscribe}")
    out.append(f"All your settings: {letter.settings_url}")
    return "\n".join(out) + "\n"


def _e(text: str) -> str:
    """Text as HTML: escaped, its line breaks kept."""
    return html.escape(text, quote=True).replace("\r\n", "\n").replace("\n", "<br>")


def _html(letter: Letter) -> str:
    body = [f"<p>Hello {_e(letter.to_name)},</p>"]
    for section in letter.sections:
        if len(letter.sections) > 1 or len(section.items) > 1:
            body.append(f"<h2>{_e(section.title)}</h2>")
        for item in section.items:
            body.append(f"<h3>{_e(item.words.subject)}</h3>")
            body += [f"<p>{_e(line)}</p>" for line in item.words.lines]
            body.append(f'<p><a href="{_e(item.url)}">{_e(item.words.link_label)}</a></p>')
    body.append("<hr><p><small>You receive these emails because of your peerapp ")
    body.append("notification settings.")
    for section in letter.sections:
        what = _e(section.title.lower())
        body.append(f' <a href="{_e(section.unsubscribe)}">Stop emails about {what}</a>.')
    body.append(f' <a href="{_e(letter.settings_url)}">All your settings</a>.</small></p>')
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{_e(header_text(letter.subject))}</title></head><body>{''.join(body)}</body></html>\n"
    )
