"""Database tables of peerapp.

Every rule that the database can hold on its own is declared as a constraint
or an index, so that two server processes cannot break it even if both pass
the checks in the service layer at the same moment. ``mentoring`` holds the
programs, people, requests and pairings (``kinds`` their kinds and statuses);
``access`` what lets people in; ``hiding`` whom each person keeps out of their
own directory results;
``notices`` what people are told, in the app and by email.
"""

from peerapp.models.access import ServerSecret, SignInAttempt, SsoTicket, UserSession
from peerapp.models.hiding import HiddenPerson
from peerapp.models.kinds import (
    PairingKind,
    PairingOutcome,
    PairingStatus,
    ProgramKind,
    RequestStatus,
)
from peerapp.models.mentoring import (
    BIO_MAX,
    CAPACITY_MAX,
    DEFAULT_CAPACITY,
    DEFAULT_EXPIRY_DAYS,
    DEFAULT_MENTEE_CAPACITY,
    DEFAULT_OPEN_REQUEST_LIMIT,
    DEFAULT_REMINDER_DAYS,
    DEFAULT_THEMES,
    DESCRIPTION_MAX,
    EMAIL_MAX,
    FEEDBACK_MAX,
    MESSAGE_MAX,
    NAME_MAX,
    REASON_MAX,
    REQUEST_THEMES_MAX,
    SKILLS_MAX,
    TEXT_SHORT,
    THEME_MAX,
    THEMES_MAX,
    THEMES_TEXT_MAX,
    Employee,
    Membership,
    Pairing,
    PeerRequest,
    Program,
    RequestEvent,
    append_only_ddl,
    one_per_pair_while,
)
from peerapp.models.notices import (
    CATEGORY_OF,
    DEFAULT_DELIVERY,
    DEFAULT_DIGEST_HOUR,
    Delivery,
    DigestSchedule,
    Notice,
    NoticeCategory,
    NoticeKind,
    NoticePreference,
    OutboxMessage,
    OutboxStatus,
)
from peerapp.models.search import SEARCHED_COLUMNS, search_index_ddl

__all__ = [
    "SEARCHED_COLUMNS",
    "search_index_ddl",
    "BIO_MAX",
    "CAPACITY_MAX",
    "DEFAULT_CAPACITY",
    "DEFAULT_EXPIRY_DAYS",
    "DEFAULT_MENTEE_CAPACITY",
    "DEFAULT_OPEN_REQUEST_LIMIT",
    "DEFAULT_REMINDER_DAYS",
    "CATEGORY_OF",
    "DEFAULT_DELIVERY",
    "DEFAULT_DIGEST_HOUR",
    "Delivery",
    "DigestSchedule",
    "Notice",
    "NoticeCategory",
    "NoticeKind",
    "NoticePreference",
    "OutboxMessage",
    "OutboxStatus",
    "DEFAULT_THEMES",
    "DESCRIPTION_MAX",
    "EMAIL_MAX",
    "FEEDBACK_MAX",
    "MESSAGE_MAX",
    "NAME_MAX",
    "REASON_MAX",
    "REQUEST_THEMES_MAX",
    "SKILLS_MAX",
    "TEXT_SHORT",
    "THEME_MAX",
    "THEMES_MAX",
    "THEMES_TEXT_MAX",
    "Employee",
    "HiddenPerson",
    "Membership",
    "Pairing",
    "PairingKind",
    "PairingOutcome",
    "PairingStatus",
    "PeerRequest",
    "Program",
    "ProgramKind",
    "RequestEvent",
    "RequestStatus",
    "ServerSecret",
    "SignInAttempt",
    "SsoTicket",
    "UserSession",
    "append_only_ddl",
    "one_per_pair_while",
]
