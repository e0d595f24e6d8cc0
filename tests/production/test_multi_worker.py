"""Live updates across backend processes, and recovery from a backend restart."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_not_reloaded, mark_page, search_directory, sign_in
from tests.production.conftest import Cluster


def _open_inbox(page: Page) -> None:
    page.get_by_role("link", name="Inbox").first.click()
    expect(page.get_by_role("heading", name="Inbox", level=1)).to_be_visible()


def _incoming_from(page: Page, name: str):
    return page.get_by_test_id("incoming-request").filter(has_text=name)


def test_request_reaches_an_inbox_served_by_another_worker(cluster: Cluster, new_context):
    bob = sign_in(cluster.context_on(new_context(), "two"), cluster.app, "bob")
    _open_inbox(bob)
    alice = sign_in(cluster.context_on(new_context(), "one"), cluster.app, "alice")
    assert cluster.worker_of(alice) != cluster.worker_of(bob)
    mark_page(bob)

    search_directory(alice, "Bob Brown")
    alice.get_by_role("button", name="Request Bob Brown").click()

    expect(_incoming_from(bob, "Alice Adams")).to_be_visible()
    expect(bob.get_by_test_id("inbox-count")).to_have_text("1")
    expect(bob.get_by_text("New peer request from Alice Adams").first).to_be_visible()
    assert_not_reloaded(bob)

    # And back: Bob accepts on his worker, Alice's tab on the other one hears it.
    _open_inbox(alice)
    mark_page(alice)
    bob.get_by_role("button", name="Accept request from Alice Adams").click()
    expect(
        alice.get_by_text("Your request to Bob Brown: Accepted by Bob Brown").first
    ).to_be_visible()
    pairings = alice.get_by_role("region", name="Your pairings")
    expect(pairings.get_by_text("Bob Brown", exact=True)).to_be_visible()
    assert_not_reloaded(alice)


def test_tabs_recover_after_the_backend_restarts(cluster: Cluster, new_context):
    carol = sign_in(cluster.context_on(new_context(), "one"), cluster.app, "carol")
    dan = sign_in(cluster.context_on(new_context(), "two"), cluster.app, "dan")
    _open_inbox(dan)
    search_directory(carol, "Dan Diaz")
    mark_page(carol)
    mark_page(dan)

    # Every process stops and all server-side state is lost (as with one
    # in-memory worker); the browsers stay open.
    cluster.stop_all(lose_state=True)
    for page in (carol, dan):
        expect(page.get_by_test_id("connection-status")).to_contain_text("Reconnecting")
    cluster.start_all()

    for page in (carol, dan):
        expect(page.get_by_test_id("connection-status")).to_have_count(0, timeout=30_000)
    carol.get_by_role("button", name="Request Dan Diaz").click()

    expect(_incoming_from(dan, "Carol Chen")).to_have_count(1)
    expect(dan.get_by_test_id("inbox-count")).to_have_text("1")
    expect(carol.get_by_role("button", name="Requested Dan Diaz")).to_be_disabled()
    assert_not_reloaded(carol)
    assert_not_reloaded(dan)


def test_signing_out_everywhere_silences_a_quiet_tab_on_another_worker(
    cluster: Cluster, new_context
):
    quiet = sign_in(cluster.context_on(new_context(), "two"), cluster.app, "finn")
    token = quiet.evaluate("window.localStorage.getItem('peerapp_session')")
    assert token
    laptop = sign_in(cluster.context_on(new_context(), "one"), cluster.app, "finn")
    assert cluster.worker_of(quiet) != cluster.worker_of(laptop)

    # The shared state store never holds a token that would sign Finn in.
    for key in cluster.redis.scan_iter():
        if cluster.redis.type(key) == b"string":
            assert token.encode() not in cluster.redis.get(key), key

    laptop.get_by_role("link", name="Profile").first.click()
    laptop.get_by_role("button", name="Sign out everywhere").click()
    laptop.get_by_role("alertdialog").get_by_role("button", name="Sign out everywhere").click()
    laptop.wait_for_url("**/login")

    # The quiet tab, served by the other process, sent nothing and is told at once.
    expect(quiet.get_by_text("You were signed out")).to_be_visible()
    expect(quiet.get_by_role("heading", name="Directory")).to_have_count(0)
