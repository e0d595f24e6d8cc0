"""The production server delivers its outbox by itself and answers one-click unsubscribes."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser

import pytest
from playwright.sync_api import expect

from peerapp import routes, unsubscribe_api
from peerapp.models import OutboxMessage, OutboxStatus
from peerapp.services import preferences, unsubscribe
from peerapp.services.unit import unit_of_work
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def _post(url: str) -> tuple[int, str, Message]:
    request = urllib.request.Request(
        url,
        data=b"List-Unsubscribe=One-Click",
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read().decode(), answer.headers
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read().decode(), refused.headers


def test_the_running_app_writes_queued_mail_as_an_eml_file(app_server):
    message = EmailMessage()
    message["To"] = "bob.brown@example.com"
    message["Subject"] = "Delivered by the app's own sender"
    message["Message-ID"] = "<browser-test-1@peerapp.example>"
    message.set_content("Hello Bob")
    with app_server.db() as db, unit_of_work(db):
        db.add(
            OutboxMessage(
                category="answers",
                to_address="bob.brown@example.com",
                subject=message["Subject"],
                content=message.as_string(),
                message_id=message["Message-ID"],
            )
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        files = list(app_server.mail_dir.glob("*browser-test-1*.eml"))
        if files:
            break
        time.sleep(0.2)
    (written,) = files
    parsed = BytesParser(policy=policy.default).parsebytes(written.read_bytes())
    assert parsed["Subject"] == "Delivered by the app's own sender"
    assert parsed.get_content().strip() == "Hello Bob"


def test_one_click_unsubscribe_works_on_the_production_server(app_server):
    carol = app_server.person_id("carol")
    with app_server.db() as db:
        token = unsubscribe.token_for(db, carol, "pairings")
    address = f"{app_server.url}{routes.UNSUBSCRIBE_API}?token="

    status, text, headers = _post(address + "not-a-token")
    assert (status, text) == (400, unsubscribe.INVALID)
    assert headers["X-Content-Type-Options"] == "nosniff"

    status, text, _ = _post(address + token)
    assert (status, text) == (200, unsubscribe_api.DONE)
    with app_server.db() as db:
        assert preferences.delivery_for(db, carol, "pairings") == "app_only"


def test_admins_see_the_emails_that_could_not_be_delivered(app_server, new_context):
    with app_server.db() as db, unit_of_work(db):
        db.add(
            OutboxMessage(
                category="reminders",
                to_address="left.long.ago@example.com",
                subject="Your request closes tomorrow",
                content="Subject: Your request closes tomorrow\n\nHello\n",
                message_id="<browser-test-failed@peerapp.example>",
                status=OutboxStatus.FAILED.value,
                attempts=1,
                last_error="550 5.1.1 no such user",
            )
        )
    admin = sign_in(new_context(), app_server, "admin")
    admin.get_by_role("link", name="Settings").click()
    expect(admin.get_by_role("heading", name="Email")).to_be_visible()
    expect(admin.get_by_test_id("mail-summary")).to_have_text("1 email could not be delivered.")
    failures = admin.get_by_role("table", name="Latest emails that could not be delivered")
    row = failures.get_by_role("row").filter(has_text="left.long.ago@example.com")
    expect(row).to_contain_text("Your request closes tomorrow")
    expect(row).to_contain_text("550 5.1.1 no such user")


def test_a_requests_email_arrives_and_its_unsubscribe_link_stops_only_that_kind(
    app_server, new_context
):
    """From a real request to the .eml the app's sender writes, then its link in the browser."""
    import re
    import uuid

    from peerapp.models import DEFAULT_DELIVERY
    from peerapp.services import accounts, programs, requests

    tag = uuid.uuid4().hex[:8]
    with app_server.db() as db:
        program_id = programs.default_program(db).id
        made = [
            accounts.create_employee(
                db,
                email=f"{name.lower()}.{tag}@example.com",
                full_name=f"{name} Mailtest",
                password=None,
                program_id=program_id,
                roles=frozenset({"peer"}),
            ).id
            for name in ("Rosa", "Tomas")
        ]
    rosa, tomas = made
    tomas_email = f"tomas.{tag}@example.com"
    with app_server.db() as db:
        requests.send_request(db, program_id=program_id, sender_id=rosa, recipient_id=tomas)

    deadline, found = time.monotonic() + 30, None
    while found is None and time.monotonic() < deadline:
        for path in app_server.mail_dir.glob("*.eml"):
            parsed = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
            if tomas_email in str(parsed["To"]):
                found = parsed
                break
        else:
            time.sleep(0.2)
    assert found is not None, "the app's sender wrote no email for the request"
    assert "Rosa Mailtest" in found["Subject"]
    plain = found.get_body(("plain",)).get_content()
    link = re.search(r"https?://\S+/unsubscribe\?token=\S+", plain)
    assert link is not None, plain

    page = new_context().new_page()  # the person reads their mail, not signed in
    page.goto(link.group(0))
    expect(page.get_by_text("Stop emails about requests for you?")).to_be_visible()
    page.get_by_role("button", name="Stop these emails").click()
    expect(page.get_by_role("status")).to_contain_text("You will no longer get emails about")
    with app_server.db() as db:
        assert preferences.deliveries(db, tomas) == {
            **DEFAULT_DELIVERY,
            "requests_for_me": "app_only",
        }
        assert preferences.deliveries(db, rosa) == DEFAULT_DELIVERY
