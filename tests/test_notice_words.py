"""Notices in words: every kind has its sentence and its page; the bell's count and name."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from peerapp import routes
from peerapp.models import CATEGORY_OF, NoticeCategory, NoticeKind
from peerapp.services import unsubscribe
from peerapp.services.notices import NoticeItem
from peerapp.state import notice_words as words

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def item(kind: NoticeKind, **facts) -> NoticeItem:
    base = {
        "id": 1,
        "kind": kind.value,
        "category": CATEGORY_OF[kind.value],
        "created_at": NOW,
        "read": False,
        "other_name": "Alex Morgan",
        "program_id": 4,
        "program_name": "Evergreen",
    }
    return NoticeItem(**{**base, **facts})


@pytest.mark.parametrize(
    ("kind", "facts", "sentence"),
    [
        (
            NoticeKind.REQUEST_RECEIVED,
            {"viewer_side": "mentor"},
            "Alex Morgan asks you to be their mentor.",
        ),
        (NoticeKind.REQUEST_RECEIVED, {}, "New peer request from Alex Morgan."),
        (
            NoticeKind.REQUEST_ACCEPTED,
            {"other_name": "Sam Okafor"},
            "Sam Okafor accepted your request.",
        ),
        (
            NoticeKind.REQUEST_DECLINED,
            {"detail": "On leave."},
            "Alex Morgan declined your request: On leave.",
        ),
        (
            NoticeKind.REQUEST_DECLINED,
            {"detail": "Sorry!"},
            "Alex Morgan declined your request: Sorry!",
        ),
        (
            NoticeKind.REQUEST_EXPIRED,
            {"request_id": 9, "sent_by_viewer": True},
            "Your request to Alex Morgan expired.",
        ),
        (NoticeKind.REQUEST_EXPIRED, {"request_id": 9}, "Alex Morgan's request expired."),
        (
            NoticeKind.REQUEST_CANCELLED,
            {"request_id": 9, "sent_by_viewer": True, "detail": "Peer mentorship was switched off"},
            "Your request to Alex Morgan was cancelled: Peer mentorship was switched off.",
        ),
        (
            NoticeKind.REMINDER,
            {"expires_at": NOW + timedelta(days=3)},
            "Alex Morgan's request closes in 3 days.",
        ),
        (
            NoticeKind.LAST_REMINDER,
            {"expires_at": NOW + timedelta(hours=20)},
            "Alex Morgan's request closes tomorrow.",
        ),
        (NoticeKind.PAIRING_STARTED, {"viewer_side": "mentee"}, "Alex Morgan now mentors you."),
        (NoticeKind.PAIRING_STARTED, {}, "You and Alex Morgan are now peers."),
        (NoticeKind.PAIRING_ENDED, {}, "Your pairing with Alex Morgan ended."),
        (
            NoticeKind.PAIRING_ENDED,
            {"detail": "Leadership ended on 3 March 2026."},
            "Your pairing with Alex Morgan ended: Leadership ended on 3 March 2026.",
        ),
        (NoticeKind.PAIRING_TYPE_OFF, {}, "Evergreen changed which pairings it offers."),
    ],
)
def test_each_kind_reads_as_a_sentence(kind, facts, sentence):
    assert words.headline(item(kind, **facts)) == sentence


def test_every_kind_and_category_has_words_a_page_and_an_icon():
    for kind in NoticeKind:
        assert "Something changed" not in words.headline(item(kind))
    for category in NoticeCategory:
        assert category.value in words.CATEGORY_WORDS
        assert words.icon(item(NoticeKind.REMINDER, category=category.value)) != "bell"
    assert set(words.DELIVERY_WORDS) == {"at_once", "digest", "app_only"}


def test_links_open_the_right_page_in_the_notices_program():
    assert words.link(item(NoticeKind.REQUEST_RECEIVED)) == "/inbox?program=4"
    assert words.link(item(NoticeKind.PAIRING_ENDED, program_id=None)) == routes.PEERS
    assert words.link(item(NoticeKind.PAIRING_TYPE_OFF)) == "/programs?program=4"


def test_bell_count_and_name():
    assert words.bell_label(0) == "Notifications"
    assert words.bell_label(3) == "Notifications, 3 unread"
    assert words.count_label(99) == "99"
    assert words.bell_label(100) == "Notifications, 99+ unread"


def test_ages():
    assert words.ago(NOW - timedelta(seconds=5), NOW) == "just now"
    assert words.ago(NOW - timedelta(minutes=1), NOW) == "1 minute ago"
    assert words.ago(NOW - timedelta(hours=5), NOW) == "5 hours ago"
    assert words.ago(NOW - timedelta(hours=30), NOW) == "yesterday"
    assert words.ago(NOW - timedelta(days=9), NOW) == "21 Feb 2026, 09:00 UTC"


def test_unsubscribe_words_and_route():
    assert routes.UNSUBSCRIBE == unsubscribe.PATH
    assert words.stop_question("answers") == "Stop emails about answers to your requests?"
    assert words.stopped("pairings").startswith("You will no longer get emails about your pairings")
