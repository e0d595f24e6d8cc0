"""Mentor–mentee pairing in Chromium: asking, offering, a note with themes, and the peer switch."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from peerapp.services import accounts, joining, programs, requests
from tests.browser.conftest import PASSWORD, assert_not_reloaded, mark_page, search_directory

pytestmark = pytest.mark.browser

LIVE = 3_000


def _person(app, name: str, roles: set[str], program_id: int | None = None) -> tuple[int, str]:
    """A new account in a program (default: the first; other tests never see these names)."""
    email = name.lower().replace(" ", ".") + "@example.com"
    with app.db() as db:
        employee = accounts.create_employee(
            db,
            email=email,
            full_name=name,
            password=PASSWORD,
            program_id=program_id or programs.default_program(db).id,
            roles=frozenset(roles),
        )
        return employee.id, email


def _sign_in(context, app, email: str) -> Page:
    page = context.new_page()
    page.goto(f"{app.url}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/directory")
    return page


def _find(page: Page, text: str) -> None:
    search_directory(page, text)


def test_a_mentee_asks_a_mentor_who_sees_it_live_accepts_and_both_see_the_pairing(
    app_server, new_context
):
    _person(app_server, "Nora Nash", {"mentee"})
    _, omar_email = _person(app_server, "Omar Oakes", {"mentor"})
    omar = _sign_in(new_context(), app_server, omar_email)
    omar.get_by_role("link", name=re.compile("^Inbox")).click()
    mark_page(omar)

    nora = _sign_in(new_context(), app_server, "nora.nash@example.com")
    _find(nora, "Omar Oakes")
    # Nora holds no peer role: the card offers mentoring only.
    expect(nora.get_by_role("button", name="Request Omar Oakes")).to_have_count(0)
    nora.get_by_role("button", name="Ask Omar Oakes to mentor you").click()
    expect(nora.get_by_text("You asked Omar Oakes to mentor you.")).to_be_visible()
    expect(nora.get_by_role("button", name="Mentoring requested with Omar Oakes")).to_be_disabled()

    incoming = omar.get_by_test_id("incoming")
    expect(incoming.get_by_test_id("request-kind")).to_have_text(
        "Nora Nash asks you to be their mentor", timeout=LIVE
    )
    assert_not_reloaded(omar)
    omar.get_by_role("button", name="Accept request from Nora Nash").click()
    expect(omar.get_by_test_id("peers").get_by_text("You mentor Nora Nash")).to_be_visible(
        timeout=LIVE
    )

    nora.get_by_role("link", name="My pairings").click()
    expect(nora.get_by_test_id("pairing-label")).to_contain_text("Omar Oakes mentors you")
    nora.get_by_role("link", name="Directory", exact=True).click()
    _find(nora, "Omar Oakes")
    expect(nora.get_by_text("Mentoring", exact=True)).to_be_visible()


def test_a_mentor_offers_with_a_note_and_themes_the_mentee_reads_them(app_server, new_context):
    _, rosa_email = _person(app_server, "Rosa Reyes", {"mentor"})
    _, sid_email = _person(app_server, "Sid Stone", {"mentee"})
    rosa = _sign_in(new_context(), app_server, rosa_email)
    _find(rosa, "Sid Stone")
    rosa.get_by_role("button", name="Request with a note to Sid Stone").click()
    dialog = rosa.get_by_role("dialog")
    expect(dialog.get_by_role("radio", name="Offer to mentor them")).to_be_checked()
    dialog.get_by_role("checkbox", name="Learning about other business functions").click()
    dialog.get_by_label("Note (optional)").fill("Happy to show you how Finance plans a year.")
    dialog.get_by_role("button", name="Send request").click()
    expect(dialog).to_have_count(0)
    expect(rosa.get_by_text("You offered to mentor Sid Stone.")).to_be_visible()

    sid = _sign_in(new_context(), app_server, sid_email)
    sid.get_by_role("link", name=re.compile("^Inbox")).click()
    request = sid.get_by_test_id("incoming-request")
    expect(request.get_by_test_id("request-kind")).to_have_text("Rosa Reyes offers to mentor you")
    expect(request).to_contain_text("Learning about other business functions")
    expect(request).to_contain_text("Happy to show you how Finance plans a year.")


def test_a_refused_note_keeps_the_dialog_and_what_was_typed(app_server, new_context):
    _, tess_email = _person(app_server, "Tess Tran", {"mentee"})
    uma_id, _ = _person(app_server, "Uma Upton", {"mentor"})
    tess = _sign_in(new_context(), app_server, tess_email)
    _find(tess, "Uma Upton")
    tess.get_by_role("button", name="Request with a note to Uma Upton").click()
    with app_server.db() as db:  # meanwhile Uma takes no more mentees
        member = programs.membership(db, programs.default_program(db).id, uma_id)
        member.mentee_capacity = 0
        db.add(member)
        db.commit()
    dialog = tess.get_by_role("dialog")
    dialog.get_by_label("Note (optional)").fill("Could we talk about negotiation?")
    dialog.get_by_role("button", name="Send request").click()
    expect(
        tess.get_by_text("Uma Upton has no places left for another mentee right now.")
    ).to_be_visible()
    expect(dialog.get_by_label("Note (optional)")).to_have_value("Could we talk about negotiation?")


def test_switching_peer_mentorship_off_leaves_mentoring_requests_in_place(app_server, new_context):
    # A program of its own, so that switching it off touches no other test's requests.
    admin_id = app_server.person_id("admin")
    with app_server.db() as db:
        own = programs.create_program(db, "Switch test program")
        default_id = programs.default_program(db).id
        joining.choose_program(db, employee_id=admin_id, program_id=own.id)
    vera_id, vera_email = _person(app_server, "Vera Vance", {"mentee", "peer"}, own.id)
    wes_id, _ = _person(app_server, "Wes Ward", {"mentor", "peer"}, own.id)
    with app_server.db() as db:
        requests.send_request(
            db, program_id=own.id, sender_id=vera_id, recipient_id=wes_id, as_role="mentee"
        )
    vera = _sign_in(new_context(), app_server, vera_email)
    admin = _sign_in(new_context(), app_server, "ada.admin@example.com")
    try:
        admin.get_by_role("link", name="Settings").click()
        admin.get_by_role("switch", name="Peer mentorship").click()
        admin.get_by_role("button", name="Save settings").click()
        admin.get_by_role("button", name="Turn off and cancel requests").click()
        expect(admin.get_by_text("Settings saved.")).to_be_visible()

        vera.get_by_role("link", name=re.compile("^Inbox")).click()
        outgoing = vera.get_by_test_id("outgoing-request")
        expect(outgoing.get_by_test_id("request-kind")).to_have_text(
            "You asked Wes Ward to mentor you"
        )
        vera.get_by_role("link", name="Directory", exact=True).click()
        _find(vera, "Wes Ward")
        expect(vera.get_by_role("button", name="Request Wes Ward")).to_have_count(0)
        expect(vera.get_by_role("button", name="Mentoring requested with Wes Ward")).to_be_visible()
    finally:
        with app_server.db() as db:
            joining.choose_program(db, employee_id=admin_id, program_id=default_id)
