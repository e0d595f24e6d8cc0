"""Forged events of the bell, the notification settings and the unsubscribe page.

Before each case Vera has an unread notice (a row Oscar must never mark read)
and the ``attack`` fixture snapshots the database. Each case is one more
parametrised ``test_forged_event_is_refused`` under the suite's checks:
database unchanged, nothing private reached any socket, no crash in peerapp.
No case saves a valid choice of Oscar's own: that would be his right, not an attack.
"""

from __future__ import annotations

import pytest

from tests.browser.attack.conftest import Attack, handler, names
from tests.browser.attack.test_forged_events import BAD_IDS, BIG, toast_errors
from tests.support.reflex_ws import make_event

CASES = {}
VALID = {
    "delivery-requests_for_me": "at_once",
    "delivery-answers": "at_once",
    "delivery-reminders": "at_once",
    "delivery-pairings": "digest",
    "delivery-program_news": "digest",
    "digest_zone": "UTC",
}


def case(function):
    """Register a case under its function name."""
    CASES[function.__name__.removeprefix("case_")] = function
    return function


@pytest.fixture
def vera_has_news(app_server, scene) -> int:
    """An unread notice of Vera's, written before the case's snapshot.

    Also the unsubscribe links' key: the server makes it the first time a link
    is read, which is not the attack's doing.
    """
    from peerapp.models import CATEGORY_OF, Delivery, Notice, NoticeKind
    from peerapp.services import unsubscribe

    kind = NoticeKind.PAIRING_STARTED.value
    with app_server.db() as db:
        row = Notice(
            employee_id=scene.ids["vera"],
            kind=kind,
            category=CATEGORY_OF[kind],
            delivery=Delivery.DIGEST.value,
            pairing_id=scene.other_pairing,
        )
        db.add(row)
        db.commit()
        unsubscribe.token_for(db, scene.ids["vera"], "answers")
        notice_id = row.id
    _outbox_settled(app_server)
    return notice_id


def _outbox_settled(app_server, seconds: float = 30) -> None:
    """Wait until the app's mail sender has delivered what the scene queued.

    It runs every few seconds in the app and changes the outbox's rows: a round
    between a case's two snapshots would read as the attack's doing.
    """
    import time

    from sqlmodel import func, select

    from peerapp.models import OutboxMessage

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with app_server.db() as db:
            waiting = db.exec(
                select(func.count()).where(OutboxMessage.status.in_(("queued", "sending")))
            ).one()
        if not waiting:
            return
        time.sleep(0.5)
    raise AssertionError(f"the app's mail sender left {waiting} messages waiting")


def _refusals(tab, state: str, method: str, payload: dict) -> list[str]:
    return toast_errors(tab.send(handler(state, method), payload))


def _save(tab, form: dict) -> list[str]:
    tab.send(handler("notice_settings", "save"), {"form_data": form})
    return [str(tab.var(names()["notice_settings"], "error"))]


@case
def case_mark_someone_elses_notice_read(attack: Attack):
    oscar = attack.signed_in(pathname="/notifications")
    notice = attack.vera_notice  # type: ignore[attr-defined]
    refused = _refusals(oscar, "notifications", "open_notice", {"notice_id": notice})
    assert any("That notification does not exist." in text for text in refused)
    refused = _refusals(oscar, "notifications", "open_notice", {"notice_id": 987_654})
    assert any("That notification does not exist." in text for text in refused)


@case
def case_mark_read_with_a_forged_owner_argument(attack: Attack):
    oscar = attack.signed_in(pathname="/notifications")
    vera = attack.scene.ids["vera"]
    for forged in ("employee_id", "viewer_id", "actor_id"):
        oscar.send(
            handler("notifications", "open_notice"),
            {"notice_id": attack.vera_notice, forged: vera},  # type: ignore[attr-defined]
        )
        oscar.send(handler("notifications", "mark_all_read"), {forged: vera})
        oscar.send(handler("notifications", "load"), {forged: vera})


@case
def case_notifications_signed_out(attack: Attack):
    tab = attack.signed_out(pathname="/notifications")
    tab.send(handler("notifications", "load"))
    tab.send(handler("notifications", "mark_all_read"))
    tab.send(handler("notifications", "open_notice"), {"notice_id": attack.vera_notice})  # type: ignore[attr-defined]
    tab.send(handler("notice_settings", "load"))
    tab.send(handler("notice_settings", "save"), {"form_data": {**VALID, "digest_hour": "9"}})
    assert not tab.var(names()["notifications"], "rows")


@case
def case_setvar_forged_rows_then_open(attack: Attack):
    """Rows the tab made up are only a display: the service reads the owner from the database."""
    oscar = attack.signed_in(pathname="/notifications")
    notice = attack.vera_notice  # type: ignore[attr-defined]
    oscar.send(
        handler("notifications", "setvar"),
        {"var_name": "rows", "value": [{"id": notice, "text": "x", "href": "/", "read": False}]},
    )
    oscar.send(handler("notifications", "open_notice"), {"notice_id": notice})


def _bad_notice_id(kind: str, value):
    def run(attack: Attack):
        oscar = attack.signed_in(pathname="/notifications")
        refused = _refusals(oscar, "notifications", "open_notice", {"notice_id": value})
        # Text is turned into an int by Reflex or refused at its boundary.
        if not isinstance(value, str):
            assert any("That notification is not valid." in text for text in refused), value

    run.__name__ = f"case_open_notice_bad_id_{kind}"
    return run


for _kind, _value in BAD_IDS.items():
    case(_bad_notice_id(_kind, _value))


BAD_SETTINGS = {
    "unknown_delivery": ({"delivery-answers": "sms"}, "Choose email at once"),
    "delivery_list": ({"delivery-answers": ["at_once"]}, "Choose email at once"),
    "delivery_none": ({"delivery-answers": None}, "Choose email at once"),
    "delivery_missing": ({"delivery-pairings": "__drop__"}, "Choose email at once"),
    "delivery_huge": ({"delivery-reminders": "a" * BIG}, "Choose email at once"),
    "zone_unknown": ({"digest_zone": "Mars/Olympus"}, "Choose a time zone"),
    "zone_path": ({"digest_zone": "../../etc/passwd"}, "Choose a time zone"),
    "zone_huge": ({"digest_zone": "Europe/" + "x" * BIG}, "Choose a time zone"),
    "zone_list": ({"digest_zone": ["UTC"]}, "Choose a time zone"),
    "zone_sql": ({"digest_zone": "UTC' OR '1'='1"}, "Choose a time zone"),
    "hour_24": ({"digest_hour": "24"}, "The digest hour must be"),
    "hour_negative": ({"digest_hour": "-1"}, "The digest hour must be"),
    "hour_exponent": ({"digest_hour": "1e1"}, "The digest hour must be"),
    "hour_float": ({"digest_hour": 3.5}, "The digest hour must be"),
    "hour_bool": ({"digest_hour": True}, "The digest hour must be"),
    "hour_huge": ({"digest_hour": "9" * BIG}, "The digest hour must be"),
    "hour_arabic_digit": ({"digest_hour": "٣"}, "The digest hour must be"),
}


def _bad_settings(kind: str, change: dict, message: str):
    def run(attack: Attack):
        oscar = attack.signed_in(pathname="/profile")
        form = {**VALID, "digest_hour": "8", **change}
        form = {key: value for key, value in form.items() if value != "__drop__"}
        # Someone else's id along with it changes nothing either.
        form["employee_id"] = attack.scene.ids["vera"]
        errors = _save(oscar, form)
        assert any(message in text for text in errors), (kind, errors)

    run.__name__ = f"case_settings_{kind}"
    return run


for _kind, (_change, _message) in BAD_SETTINGS.items():
    case(_bad_settings(_kind, _change, _message))


@case
def case_settings_not_a_form(attack: Attack):
    oscar = attack.signed_in(pathname="/profile")
    for value in ([], "at_once", 7, None, [["delivery-answers", "app_only"]]):
        oscar.send(handler("notice_settings", "save"), {"form_data": value})
    oscar.send(handler("notice_settings", "save"), {})


def _load_unsubscribe(tab, token: str | None) -> None:
    event = make_event(handler("unsubscribe", "load"), {}, pathname="/unsubscribe")
    if token is not None:
        event["router_data"]["asPath"] = f"/unsubscribe?token={token}"
    tab.emit_event(event)
    tab.settle()


FORGED_TOKENS = {
    "garbage": "not-a-token",
    "empty": "",
    "huge": "A" * BIG,
    "json": '["1","answers"]',
    "unsigned_payload": "WzEsImFuc3dlcnMiXQ",  # [1,"answers"] with no signature
    "wrong_signature": "WzEsImFuc3dlcnMiXQ.Z4k2yA.c2lnbmF0dXJlLW5vdC1vdXJz",
}


def _forged_token(kind: str, token: str):
    def run(attack: Attack):
        from peerapp.services import unsubscribe

        tab = attack.signed_out(pathname="/unsubscribe")
        _load_unsubscribe(tab, token)
        assert tab.var(names()["unsubscribe"], "message") == unsubscribe.INVALID
        tab.send(handler("unsubscribe", "confirm"))
        assert tab.var(names()["unsubscribe"], "phase") == "refused"

    run.__name__ = f"case_unsubscribe_token_{kind}"
    return run


for _kind, _token in FORGED_TOKENS.items():
    case(_forged_token(_kind, _token))


@case
def case_unsubscribe_confirm_without_a_link(attack: Attack):
    from peerapp.services import unsubscribe

    tab = attack.signed_out(pathname="/unsubscribe")
    tab.send(handler("unsubscribe", "confirm"))
    assert tab.var(names()["unsubscribe"], "message") == unsubscribe.INVALID
    oscar = attack.signed_in(pathname="/unsubscribe")
    oscar.send(handler("unsubscribe", "confirm"))


@case
def case_unsubscribe_with_arguments_and_setvar(attack: Attack):
    """The token comes from the page's address only; a token or an id as argument is refused."""
    tab = attack.signed_out(pathname="/unsubscribe")
    tab.send(handler("unsubscribe", "confirm"), {"token": "anything"})
    tab.send(handler("unsubscribe", "confirm"), {"employee_id": attack.scene.ids["vera"]})
    tab.send(handler("unsubscribe", "load"), {"token": "anything"})
    tab.send(handler("unsubscribe", "setvar"), {"var_name": "_token", "value": "anything"})
    tab.send(handler("unsubscribe", "setvar"), {"var_name": "phase", "value": "ask"})
    tab.send(handler("unsubscribe", "confirm"))


CASE_NAMES = sorted(CASES)


@pytest.mark.parametrize("name", CASE_NAMES)
def test_forged_event_is_refused(name: str, vera_has_news: int, attack: Attack):
    attack.vera_notice = vera_has_news  # type: ignore[attr-defined]
    CASES[name](attack)
