"""The request lifecycle in the browser: usage, pause, expiry, ending a pairing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from peerapp.clock import utcnow
from peerapp.models import PeerRequest
from peerapp.services import programs, requests
from tests.browser.conftest import assert_not_reloaded, mark_page, search_directory, sign_in

pytestmark = pytest.mark.browser

LIVE = 5_000


def _send(app, sender: str, recipient: str) -> int:
    # Ids first: a second session inside the first would wait on SQLite's write lock.
    sender_id, recipient_id = app.person_id(sender), app.person_id(recipient)
    with app.db() as db:
        program = programs.default_program(db)
        outcome = requests.send_request(
            db, program_id=program.id, sender_id=sender_id, recipient_id=recipient_id
        )
        return outcome.request.id


def test_sending_shows_where_you_stand(app_server, new_context):
    mia = sign_in(new_context(), app_server, "mia")
    usage = mia.get_by_test_id("usage")
    expect(usage).to_contain_text("0 of 5 open requests used")
    expect(usage).to_contain_text("You have 3 of 3 places left")
    search_directory(mia, "Lee Lund")
    expect(mia.get_by_text("Lee Lund has 3 of 3 places left")).to_be_visible()
    mia.get_by_role("button", name="Request Lee Lund").click()
    expect(usage).to_contain_text("1 of 5 open requests used", timeout=LIVE)

    mia.get_by_role("link", name=re.compile("^Inbox")).click()
    outgoing = mia.get_by_test_id("outgoing")
    expect(outgoing).to_contain_text("Waiting for Lee Lund")
    expect(outgoing).to_contain_text("expires in 14 days")


def test_ending_a_pairing_reaches_the_partner_live_and_stays_private(app_server, new_context):
    request_id = _send(app_server, "hana", "ivan")
    ivan_id = app_server.person_id("ivan")
    with app_server.db() as db:
        requests.accept_request(db, request_id=request_id, actor_id=ivan_id)

    ivan = sign_in(new_context(), app_server, "ivan")
    ivan.get_by_role("link", name="My pairings").click()
    expect(ivan.get_by_test_id("peer-card").filter(has_text="Hana Hill")).to_be_visible()
    mark_page(ivan)

    hana = sign_in(new_context(), app_server, "hana")
    hana.get_by_role("link", name="My pairings").click()
    card = hana.get_by_test_id("peer-card").filter(has_text="Ivan Ito")
    expect(card).to_contain_text("ivan.ito@example.com")
    card.get_by_role("button", name="End pairing with Ivan Ito").click()
    dialog = hana.get_by_role("alertdialog")
    dialog.get_by_label("Not a fit").click()
    dialog.get_by_label("Private feedback (optional)").fill("Our schedules never matched")
    dialog.get_by_role("button", name="End pairing").click()
    expect(hana.get_by_text("Pairing with Ivan Ito ended.")).to_be_visible()
    expect(hana.get_by_text("You have no pairings yet.")).to_be_visible()

    expect(ivan.get_by_test_id("peer-card")).to_have_count(0, timeout=LIVE)
    expect(ivan.get_by_text("You have no pairings yet.")).to_be_visible()
    assert_not_reloaded(ivan)
    ivan.goto(f"{app_server.url}/inbox")
    expect(ivan.get_by_role("heading", name="Inbox")).to_be_visible()
    expect(ivan.get_by_text("Our schedules never matched")).to_have_count(0)

    hana.get_by_role("link", name="Directory", exact=True).click()
    search_directory(hana, "Ivan Ito")
    expect(hana.get_by_role("button", name="Request Ivan Ito")).to_be_visible()


def test_a_paused_member_cannot_be_requested(app_server, new_context):
    jo = sign_in(new_context(), app_server, "jo")
    jo.get_by_role("link", name="Profile").click()
    jo.get_by_label("Pause new requests").check()
    jo.get_by_role("button", name="Save profile").click()
    expect(jo.get_by_text("Profile saved.")).to_be_visible()
    jo.get_by_role("link", name=re.compile("^Inbox")).click()
    expect(jo.get_by_test_id("usage")).to_contain_text("You are paused")

    kim = sign_in(new_context(), app_server, "kim")
    search_directory(kim, "Jo Jones")
    expect(kim.get_by_text("Jo Jones is not taking new requests right now")).to_be_visible()
    expect(kim.get_by_role("button", name="Request Jo Jones")).to_have_count(0)


def test_an_expired_request_closes_on_both_sides_without_reload(app_server, new_context):
    request_id = _send(app_server, "kim", "lee")
    kim = sign_in(new_context(), app_server, "kim")
    kim.goto(f"{app_server.url}/inbox")
    expect(kim.get_by_test_id("outgoing")).to_contain_text("Lee Lund")
    mark_page(kim)
    lee = sign_in(new_context(), app_server, "lee")
    lee.goto(f"{app_server.url}/inbox")
    expect(lee.get_by_test_id("incoming")).to_contain_text("Kim Kerr")
    mark_page(lee)

    # Pretend it was sent 15 days ago; the app's own expiry sweep does the rest.
    sent = utcnow() - timedelta(days=15)
    with app_server.db() as db:
        db.execute(
            sa.update(PeerRequest)
            .where(PeerRequest.id == request_id)
            .values(created_at=sent, expires_at=sent + timedelta(days=14))
        )
        db.commit()

    for page, other in ((kim, "Lee Lund"), (lee, "Kim Kerr")):
        past = page.get_by_test_id("history").get_by_test_id("past-request").filter(has_text=other)
        expect(past).to_contain_text("Expired: No answer within 14 days", timeout=LIVE)
        assert_not_reloaded(page)
    expect(kim.get_by_test_id("outgoing").get_by_text("Lee Lund", exact=True)).to_have_count(0)
    expect(lee.get_by_test_id("incoming").get_by_text("Kim Kerr", exact=True)).to_have_count(0)
