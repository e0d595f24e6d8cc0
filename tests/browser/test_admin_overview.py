"""The admins' program overview on the settings page, in Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from peerapp.services import accounts, overview, programs, requests
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def _waiting(page):
    figure = (
        page.get_by_test_id("figures-now")
        .locator(".figure")
        .filter(has_text="Requests waiting for an answer")
    )
    return figure.get_by_role("definition")


def _pending_now(app_server) -> int:
    admin_id = app_server.person_id("admin")
    with app_server.db() as db:
        program = programs.default_program(db)
        return overview.program_overview(
            db, actor_id=admin_id, program_id=program.id
        ).pending_requests


def _send_between_two_new_peers(app_server):
    """A new pending request between two people of its own (other tests share the seeded ones)."""
    with app_server.db() as db:
        program = programs.default_program(db)
        sender, recipient = (
            accounts.create_employee(
                db,
                email=f"{name.lower().replace(' ', '.')}@example.com",
                full_name=name,
                password=None,
                program_id=program.id,
                roles=frozenset({"peer"}),
            )
            for name in ("Olive Overview", "Pat Pending")
        )
        return requests.send_request(
            db, program_id=program.id, sender_id=sender.id, recipient_id=recipient.id
        ).request


def test_admin_sees_the_figures_and_refresh_reads_them_again(app_server, new_context):
    admin = sign_in(new_context(), app_server, "admin")
    admin.get_by_role("link", name="Settings").click()

    expect(admin.get_by_role("heading", name="How the program is doing")).to_be_visible()
    expect(admin.get_by_role("heading", name="Last 30 days")).to_be_visible()
    before = _pending_now(app_server)
    expect(_waiting(admin)).to_have_text(str(before))

    request = _send_between_two_new_peers(app_server)
    try:
        assert _pending_now(app_server) == before + 1
        refresh = admin.get_by_role("button", name="Refresh the program figures")
        refresh.focus()
        admin.keyboard.press("Enter")
        expect(_waiting(admin)).to_have_text(str(before + 1))
    finally:
        with app_server.db() as db:
            requests.withdraw_request(db, request_id=request.id, actor_id=request.sender_id)


def test_people_who_are_not_admins_see_no_figures(app_server, new_context):
    erin = sign_in(new_context(), app_server, "erin")
    erin.goto(f"{app_server.url}/admin/settings")

    expect(erin.get_by_role("alert")).to_contain_text("This page is for program admins")
    expect(erin.get_by_role("heading", name="How the program is doing")).to_have_count(0)
    expect(erin.get_by_test_id("figures-now")).to_have_count(0)
