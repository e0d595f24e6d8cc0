"""The bell, the notifications page, the profile's notification settings, the unsubscribe page.

Everything is asserted as a person sees it; the database is only read to
check that exactly the right preference changed.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from tests.browser.conftest import assert_not_reloaded, mark_page, search_directory, sign_in
from tests.browser.test_accessibility import _serious

pytestmark = pytest.mark.browser

LIVE = 3_000  # ms, as in test_peer_flow


def _unread(app_server, key: str) -> int:
    from peerapp.services import notices

    employee_id = app_server.person_id(key)
    with app_server.db() as db:
        return notices.unread_count(db, employee_id)


def forget_notices(app_server, key: str) -> None:
    """Start a person with no notices (other tests' requests leave them some)."""
    from sqlmodel import delete

    from peerapp.models import Notice

    employee_id = app_server.person_id(key)
    with app_server.db() as db:
        db.exec(delete(Notice).where(Notice.employee_id == employee_id))
        db.commit()


def _bell(page):
    return page.get_by_test_id("bell")


@pytest.fixture
def jo_withdraws_after(app_server):
    """Leave no request pending between Jo and Gwen for the other tests."""
    yield
    from peerapp.models import PeerRequest
    from peerapp.services import requests

    jo = app_server.person_id("jo")
    with app_server.db() as db:
        pending = db.exec(
            select(PeerRequest.id).where(
                PeerRequest.sender_id == jo, PeerRequest.status == "pending"
            )
        ).all()
        for request_id in pending:
            requests.withdraw_request(db, request_id=request_id, actor_id=jo)


def test_bell_counts_a_request_live_and_mark_all_read_clears_every_tab(
    app_server, new_context, jo_withdraws_after
):
    before = _unread(app_server, "gwen")
    gwen_context = new_context()
    gwen = sign_in(gwen_context, app_server, "gwen")
    expected = "Notifications" if before == 0 else f"Notifications, {before} unread"
    expect(_bell(gwen)).to_have_accessible_name(expected)
    # Her second tab has the list open already: it offers the news without a reload.
    second_tab = gwen_context.new_page()
    second_tab.goto(f"{app_server.url}/notifications")
    expect(second_tab.get_by_role("heading", name="Recent", level=2)).to_be_visible()
    mark_page(second_tab)

    jo = sign_in(new_context(), app_server, "jo")
    search_directory(jo, "Gwen")
    jo.get_by_role("button", name="Request Gwen Gray").click()
    expect(jo.get_by_role("button", name="Requested Gwen Gray")).to_be_disabled()

    # Both of Gwen's tabs count it without a reload.
    name = f"Notifications, {before + 1} unread"
    expect(_bell(gwen)).to_have_accessible_name(name, timeout=LIVE)
    expect(_bell(second_tab)).to_have_accessible_name(name, timeout=LIVE)
    expect(_bell(gwen).get_by_test_id("bell-count")).to_have_text(str(before + 1))
    second_tab.get_by_role("button", name="Show them").click()
    expect(second_tab.get_by_role("list", name="Recent notifications")).to_contain_text(
        "New peer request from Jo Jones."
    )
    expect(second_tab.get_by_role("button", name="Show them")).to_have_count(0)
    assert_not_reloaded(second_tab)

    _bell(gwen).click()
    gwen.wait_for_url("**/notifications")
    listed = gwen.get_by_role("list", name="Recent notifications")
    newest = listed.get_by_role("listitem").first
    expect(newest).to_contain_text("New peer request from Jo Jones.")
    expect(newest).to_contain_text("Unread")
    expect(newest.get_by_role("link")).to_have_attribute("href", re.compile(r"/inbox\?program="))

    gwen.get_by_role("button", name="Mark all as read").click()
    expect(gwen.get_by_text("All notifications are marked as read.")).to_be_visible()
    expect(listed.get_by_text("Unread")).to_have_count(0)
    expect(_bell(gwen)).to_have_accessible_name("Notifications", timeout=LIVE)
    expect(_bell(second_tab)).to_have_accessible_name("Notifications", timeout=LIVE)
    expect(gwen.get_by_role("button", name="Mark all as read")).to_be_disabled()
    assert _unread(app_server, "gwen") == 0


def test_opening_a_notice_marks_it_read_and_follows_its_link(app_server, new_context):
    from peerapp.models import CATEGORY_OF, Delivery, Notice, NoticeKind

    forget_notices(app_server, "lee")
    kind = NoticeKind.PAIRING_TYPE_OFF.value
    lee = app_server.person_id("lee")
    with app_server.db() as db:
        db.add(
            Notice(
                employee_id=lee,
                kind=kind,
                category=CATEGORY_OF[kind],
                delivery=Delivery.DIGEST.value,
                detail="Peer requests were cancelled",
            )
        )
        db.commit()
    page = sign_in(new_context(), app_server, "lee")
    _bell(page).click()
    notice = page.get_by_role("link", name=re.compile("changed which pairings it offers"))
    expect(notice).to_contain_text("Your program changed which pairings it offers: Peer")
    notice.click()
    page.wait_for_url("**/programs")
    expect(page.get_by_role("heading", name="Programs", level=1)).to_be_visible()
    expect(_bell(page)).to_have_accessible_name("Notifications", timeout=LIVE)
    assert _unread(app_server, "lee") == 0


def test_empty_notifications_say_so(app_server, new_context):
    forget_notices(app_server, "mia")
    page = sign_in(new_context(), app_server, "mia")
    _bell(page).click()
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    expect(page.get_by_text(re.compile("^Nothing new"))).to_be_visible()


@pytest.fixture
def hana_defaults_after(app_server):
    yield
    from peerapp.models import DigestSchedule, NoticePreference

    hana = app_server.person_id("hana")
    with app_server.db() as db:
        for model in (NoticePreference, DigestSchedule):
            for row in db.exec(select(model).where(model.employee_id == hana)).all():
                db.delete(row)
        db.commit()


def _settings(page):
    return page.get_by_role("heading", name="Notifications", level=2).locator("xpath=../..")


def test_notification_settings_save_and_come_back(app_server, new_context, hana_defaults_after):
    from peerapp.services import preferences

    page = sign_in(new_context(), app_server, "hana")
    page.goto(f"{app_server.url}/profile")
    section = _settings(page)
    answers = section.get_by_role("radiogroup", name="Answers to my requests")
    expect(answers.get_by_role("radio", name="Email at once")).to_be_checked()
    expect(
        section.get_by_role("radiogroup", name="Pairings").get_by_role("radio", name="Daily digest")
    ).to_be_checked()
    expect(section.get_by_label("Hour")).to_have_value("8")
    expect(section.get_by_label("Time zone")).to_have_value("UTC")

    answers.get_by_role("radio", name="In the app only").click()
    section.get_by_role("radiogroup", name="Pairings").get_by_role(
        "radio", name="Email at once"
    ).click()
    section.get_by_label("Hour").select_option("18")
    section.get_by_label("Time zone").fill("Mars/Olympus")
    section.get_by_role("button", name="Save notification settings").click()
    expect(section.get_by_role("alert")).to_have_text("Choose a time zone from the list.")
    hana = app_server.person_id("hana")
    with app_server.db() as db:
        assert preferences.deliveries(db, hana)["answers"] == "at_once"  # nothing half saved

    section.get_by_label("Time zone").fill("Europe/Lisbon")
    section.get_by_role("button", name="Save notification settings").click()
    expect(page.get_by_text("Notification settings saved.")).to_be_visible()
    expect(section.get_by_role("alert")).to_have_count(0)

    page.reload()
    section = _settings(page)
    expect(
        section.get_by_role("radiogroup", name="Answers to my requests").get_by_role(
            "radio", name="In the app only"
        )
    ).to_be_checked()
    expect(section.get_by_label("Hour")).to_have_value("18")
    expect(section.get_by_label("Time zone")).to_have_value("Europe/Lisbon")
    with app_server.db() as db:
        assert preferences.deliveries(db, hana) == {
            "requests_for_me": "at_once",
            "answers": "app_only",
            "reminders": "at_once",
            "pairings": "at_once",
            "program_news": "digest",
        }
        assert preferences.schedule(db, hana) == preferences.Schedule("Europe/Lisbon", 18)


def test_settings_and_the_list_work_with_the_keyboard_alone(
    app_server, new_context, hana_defaults_after
):
    page = sign_in(new_context(), app_server, "hana")
    _bell(page).focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/notifications")
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()

    page.goto(f"{app_server.url}/profile")
    reminders = _settings(page).get_by_role("radiogroup", name="Reminders")
    reminders.get_by_role("radio", name="Email at once").focus()
    # Arrow keys move within the group; Space chooses. (Radix checks on an arrow key
    # only while it is still held when focus arrives: a person's key, not a script's.)
    page.keyboard.press("ArrowRight")
    expect(reminders.get_by_role("radio", name="Daily digest")).to_be_focused()
    page.keyboard.press("Space")
    expect(reminders.get_by_role("radio", name="Daily digest")).to_be_checked()
    _settings(page).get_by_label("Hour").focus()
    page.keyboard.press("ArrowDown")  # 08:00 -> 09:00
    _settings(page).get_by_label("Time zone").focus()
    page.keyboard.press("Enter")  # Enter in a field sends the form, as everywhere
    expect(page.get_by_text("Notification settings saved.")).to_be_visible()
    page.reload()
    reminders = _settings(page).get_by_role("radiogroup", name="Reminders")
    expect(reminders.get_by_role("radio", name="Daily digest")).to_be_checked()
    expect(_settings(page).get_by_label("Hour")).to_have_value("9")


@pytest.fixture
def ivan_defaults_after(app_server):
    yield
    from peerapp.models import NoticePreference

    ivan = app_server.person_id("ivan")
    with app_server.db() as db:
        for row in db.exec(select(NoticePreference).where(NoticePreference.employee_id == ivan)):
            db.delete(row)
        db.commit()


def test_unsubscribe_link_changes_exactly_that_preference(
    app_server, new_context, ivan_defaults_after
):
    from peerapp.models import DEFAULT_DELIVERY
    from peerapp.services import preferences, unsubscribe

    ivan = app_server.person_id("ivan")
    with app_server.db() as db:
        link = unsubscribe.link_for(db, app_server.url, ivan, "answers")
    page = new_context().new_page()  # not signed in: the link is its own authority
    page.goto(link)
    expect(page.get_by_text("Stop emails about answers to your requests?")).to_be_visible()
    with app_server.db() as db:
        assert preferences.deliveries(db, ivan) == DEFAULT_DELIVERY  # opening changed nothing

    page.get_by_role("button", name="Stop these emails").click()
    expect(page.get_by_role("status")).to_contain_text(
        "You will no longer get emails about answers to your requests."
    )
    expect(
        page.get_by_role("link", name="Change your email settings on your profile")
    ).to_be_visible()
    with app_server.db() as db:
        assert preferences.deliveries(db, ivan) == {**DEFAULT_DELIVERY, "answers": "app_only"}


def test_unsubscribe_with_a_bad_link_says_so(app_server, new_context):
    from peerapp.services import unsubscribe

    page = new_context().new_page()
    page.goto(f"{app_server.url}/unsubscribe?token=not-a-real-token")
    expect(page.get_by_role("alert")).to_have_text(unsubscribe.INVALID)
    expect(page.get_by_role("button", name="Stop these emails")).to_have_count(0)
    page.goto(f"{app_server.url}/unsubscribe")
    expect(page.get_by_role("alert")).to_have_text(unsubscribe.INVALID)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_bell_list_settings_and_unsubscribe_pass_axe(app_server, new_context, scheme):
    from peerapp.services import unsubscribe

    context = new_context(color_scheme=scheme)
    page = sign_in(context, app_server, "lee")
    found = {}
    page.goto(f"{app_server.url}/notifications")
    expect(page.get_by_role("heading", name="Recent", level=2)).to_be_visible()
    page.wait_for_load_state("networkidle")
    found["notifications"] = _serious(page)
    page.goto(f"{app_server.url}/profile#notification-settings")
    expect(page.get_by_role("button", name="Save notification settings")).to_be_visible()
    page.wait_for_load_state("networkidle")
    found["profile"] = _serious(page)
    lee = app_server.person_id("lee")
    with app_server.db() as db:
        link = unsubscribe.link_for(db, app_server.url, lee, "pairings")
    stranger = new_context(color_scheme=scheme).new_page()
    stranger.goto(link)
    expect(stranger.get_by_role("button", name="Stop these emails")).to_be_visible()
    found["unsubscribe"] = _serious(stranger)
    assert found == {name: [] for name in found}
