"""One-click unsubscribe: a signed, expiring link that turns off email for one category.

Every email carries a link made for its recipient and its category (RFC 8058's
``List-Unsubscribe`` and ``List-Unsubscribe-Post`` headers point at it too). The
link works without signing in, so it must prove itself: it is signed with a key
only the server knows (itsdangerous, over a per-purpose server secret) and
stops working after ``VALID_DAYS``. Using it sets that one category to "in the
app only" and changes nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlmodel import Session

from peerapp.models import Delivery
from peerapp.services import preferences
from peerapp.services.channels import server_key
from peerapp.services.errors import Refused

PURPOSE = "unsubscribe-links"
SALT = "peerapp.unsubscribe"
VALID_DAYS = 60
# A token is a few dozen characters; anything much longer is not one of ours.
TOKEN_MAX = 200
PATH = "/unsubscribe"
EXPIRED = "This unsubscribe link has expired. Change your email settings on your profile instead."
INVALID = "This unsubscribe link is not valid. Change your email settings on your profile instead."


@dataclass(frozen=True)
class Unsubscribe:
    """Whose email, of which category, a valid link turns off."""

    employee_id: int
    category: str


def _serializer(db: Session) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(server_key(db, PURPOSE).hex(), salt=SALT)


def token_for(db: Session, employee_id: int, category: str) -> str:
    """A signed token for this person and category (valid for ``VALID_DAYS``)."""
    return _serializer(db).dumps([employee_id, preferences.category(category)])


def link_for(db: Session, base_url: str, employee_id: int, category: str) -> str:
    """The full unsubscribe address under ``base_url`` (the address people open)."""
    token = token_for(db, employee_id, category)
    return f"{base_url.rstrip('/')}{PATH}?token={quote(token, safe='')}"


def read(db: Session, token: object) -> Unsubscribe:
    """What a token turns off, or a refusal saying why it cannot."""
    if not isinstance(token, str) or not token or len(token) > TOKEN_MAX:
        raise Refused(INVALID)
    try:
        employee_id, category = _serializer(db).loads(token, max_age=VALID_DAYS * 24 * 3600)
    except SignatureExpired as old:
        raise Refused(EXPIRED) from old
    except BadSignature as bad:
        raise Refused(INVALID) from bad
    except (TypeError, ValueError) as bad:
        raise Refused(INVALID) from bad
    if not isinstance(employee_id, int) or isinstance(employee_id, bool):
        raise Refused(INVALID)
    if category not in preferences.CATEGORIES:
        raise Refused(INVALID)
    return Unsubscribe(employee_id, category)


def apply(db: Session, token: object) -> Unsubscribe:
    """Turn off email for the token's category; the person's other choices stay."""
    wanted = read(db, token)
    preferences.set_delivery(db, wanted.employee_id, wanted.category, Delivery.APP_ONLY.value)
    return wanted
