"""Settings of the current program in Chromium: both pairing switches and the themes."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from peerapp.models import PeerRequest, Program
from peerapp.services import accounts, admin, requests
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def _program_with_two_requests(app_server) -> tuple[int, int, int]:
    """A program of its own with one pending mentoring and one pending peer request."""
    with app_server.db() as db:
        program = admin.add_program(
            db, actor_id=app_server.person_id("admin"), name="Settings guild"
        ).id
        people = {}
        for key, roles in [
            ("mona", {"mentor"}),
            ("ned", {"mentee"}),
            ("pia", {"peer"}),
            ("quin", {"peer"}),
        ]:
            people[key] = accounts.create_employee(
                db,
                email=f"{key}.settings@example.com",
                full_name=f"{key.title()} Settings",
                password=None,
                program_id=program,
                roles=roles,
            ).id
        mentoring = requests.send_request(
            db,
            program_id=program,
            sender_id=people["ned"],
            recipient_id=people["mona"],
            as_role="mentee",
        ).request.id
        peer = requests.send_request(
            db, program_id=program, sender_id=people["pia"], recipient_id=people["quin"]
        ).request.id
    return program, mentoring, peer


def _status(app_server, request_id: int) -> str:
    with app_server.db() as db:
        return db.exec(select(PeerRequest.status).where(PeerRequest.id == request_id)).one()


def test_turning_mentoring_off_asks_then_cancels_only_mentoring_requests(
    app_server, new_context, keep_current_programs
):
    program, mentoring, peer = _program_with_two_requests(app_server)
    page = sign_in(new_context(), app_server, "admin")
    # An admin may work in any program: the link takes them there.
    page.goto(f"{app_server.url}/admin/settings?program={program}")
    expect(page.get_by_test_id("settings-program")).to_have_text("Program: Settings guild")
    expect(page.get_by_role("combobox", name="Program")).to_have_text("Settings guild")

    mentoring_switch = page.get_by_role("switch", name="Mentor–mentee pairing")
    expect(mentoring_switch).to_be_checked()
    mentoring_switch.click()
    themes = page.get_by_label("Themes")
    themes.fill(themes.input_value() + "\nPublic speaking")
    page.get_by_role("button", name="Save settings").click()
    question = page.get_by_role("alertdialog", name="Turn off mentor–mentee pairing?")
    expect(question).to_contain_text("Peer mentorship is not affected.")
    question.get_by_role("button", name="Keep it on").click()
    expect(question).to_have_count(0)
    assert _status(app_server, mentoring) == "pending"

    page.get_by_role("button", name="Save settings").click()
    page.get_by_role("button", name="Turn off and cancel requests").click()
    expect(page.get_by_text("Pending requests were cancelled for 2 people.")).to_be_visible()
    assert _status(app_server, mentoring) == "cancelled"
    assert _status(app_server, peer) == "pending"
    with app_server.db() as db:
        saved = db.get(Program, program)
        assert (saved.peer_mentorship_enabled, saved.mentoring_enabled) == (True, False)
        assert saved.themes.endswith("\nPublic speaking")

    # No theme at all is refused, and nothing changes.
    themes.fill("")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("A program needs at least one theme.")).to_be_visible()
    with app_server.db() as db:
        assert db.get(Program, program).themes.endswith("\nPublic speaking")
