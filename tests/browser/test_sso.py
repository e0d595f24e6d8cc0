"""Single sign-on through a local OpenID Connect provider, as a person and at the HTTP level."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlmodel import func, select

from peerapp.models import SsoTicket, UserSession
from peerapp.services import sso
from peerapp.settings import OIDC_DEFAULT_LABEL
from tests.browser.conftest import PEOPLE
from tests.support.oidc_provider import User

pytestmark = pytest.mark.browser

SSO_BUTTON = OIDC_DEFAULT_LABEL


def _sign_in_with_sso(page: Page, app) -> None:
    page.goto(f"{app.url}/login")
    page.get_by_role("link", name=SSO_BUTTON).click()


def _expect_refused_on_login(page: Page, code: str) -> None:
    page.wait_for_url(re.compile(r"/login/?\?sso_error="))
    expect(page.get_by_role("alert")).to_have_text(sso.MESSAGES[code])
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def _expect_signed_out(page: Page, app) -> None:
    page.goto(f"{app.url}/directory")
    page.wait_for_url("**/login")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def _ticket_urls(page: Page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url) if "/login/sso?" in r.url else None)
    return seen


def test_sso_button_signs_in_the_person_with_that_email(app_server, oidc_provider, new_context):
    # The provider's email differs in case from the stored one.
    oidc_provider.reset(User(PEOPLE["carol"].email.upper()))
    page = new_context().new_page()
    _sign_in_with_sso(page, app_server)
    page.wait_for_url("**/directory")
    expect(page.get_by_role("heading", name="Directory")).to_be_visible()
    expect(page.get_by_text(PEOPLE["carol"].name, exact=True).first).to_be_visible()
    # The app asked for the code flow with PKCE (S256), a state and a nonce.
    asked = oidc_provider.authorize_requests[-1]
    assert asked["code_challenge_method"] == "S256"
    assert asked["state"] and asked["nonce"]
    # It is an ordinary session: it survives a reload and signing out ends it.
    page.reload()
    expect(page.get_by_role("heading", name="Directory")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")
    _expect_signed_out(page, app_server)


def test_unknown_email_is_refused_with_a_clear_message(app_server, oidc_provider, new_context):
    oidc_provider.reset(User("stranger@example.com"))
    page = new_context().new_page()
    _sign_in_with_sso(page, app_server)
    _expect_refused_on_login(page, "unknown")
    _expect_signed_out(page, app_server)


def test_unverified_email_is_refused(app_server, oidc_provider, new_context):
    oidc_provider.reset(User(PEOPLE["dan"].email, email_verified=False))
    page = new_context().new_page()
    _sign_in_with_sso(page, app_server)
    _expect_refused_on_login(page, "unverified")
    _expect_signed_out(page, app_server)


def test_cancelling_at_the_provider_says_so(app_server, oidc_provider, new_context):
    oidc_provider.reset(User(PEOPLE["dan"].email))
    oidc_provider.deny = True
    page = new_context().new_page()
    _sign_in_with_sso(page, app_server)
    _expect_refused_on_login(page, "cancelled")


def test_a_replayed_ticket_does_not_sign_in(app_server, oidc_provider, new_context):
    oidc_provider.reset(User(PEOPLE["erin"].email))
    first = new_context().new_page()
    tickets = _ticket_urls(first)
    _sign_in_with_sso(first, app_server)
    first.wait_for_url("**/directory")
    expect(first.get_by_role("heading", name="Directory")).to_be_visible()
    assert len(tickets) == 1
    with app_server.db() as db:
        sessions_before = db.exec(select(func.count()).select_from(UserSession)).one()

    thief = new_context().new_page()
    thief.goto(tickets[0])
    _expect_refused_on_login(thief, "expired")
    _expect_signed_out(thief, app_server)
    with app_server.db() as db:
        assert db.exec(select(func.count()).select_from(UserSession)).one() == sessions_before


def test_a_made_up_ticket_or_error_code_shows_nothing_else(app_server, new_context):
    page = new_context().new_page()
    page.goto(f"{app_server.url}/login/sso?ticket=made-up")
    _expect_refused_on_login(page, "expired")
    page.goto(f"{app_server.url}/login?sso_error=%3Cb%3EYou+won%3C%2Fb%3E")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(0)


# ------------------------------------------------------------- the callback, over HTTP


def _to_callback(app, provider, client: httpx.Client) -> str:
    """Start a flow and let the provider approve it; returns the callback URL it sends."""
    start = client.get(f"{app.url}/auth/oidc/start")
    assert start.status_code == 303
    assert "peerapp_oidc_flow" in client.cookies
    approved = client.get(start.headers["location"])
    assert approved.status_code == 302, approved.text
    callback = approved.headers["location"]
    assert callback.startswith(f"{app.url}/auth/oidc/callback?")
    return callback


def _with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()} | changes
    return urlunsplit(parts._replace(query=urlencode(query)))


def _ticket_count(app) -> int:
    with app.db() as db:
        return db.exec(select(func.count()).select_from(SsoTicket)).one()


def _assert_refused(app, response: httpx.Response, tickets_before: int) -> None:
    assert response.status_code == 303
    assert response.headers["location"] == f"{app.url}/login?sso_error=failed"
    assert _ticket_count(app) == tickets_before


def test_honest_callback_hands_out_a_ticket(app_server, oidc_provider):
    oidc_provider.reset(User(PEOPLE["finn"].email))
    with httpx.Client() as client:
        landed = client.get(_to_callback(app_server, oidc_provider, client))
    assert landed.status_code == 303
    assert landed.headers["location"].startswith(f"{app_server.url}/login/sso?ticket=")


@pytest.mark.parametrize("tamper", ["nonce", "signature", "issuer", "audience", "expired"])
def test_callback_refuses_a_bad_id_token(app_server, oidc_provider, tamper):
    oidc_provider.reset(User(PEOPLE["finn"].email))
    oidc_provider.tamper = tamper
    before = _ticket_count(app_server)
    with httpx.Client() as client:
        response = client.get(_to_callback(app_server, oidc_provider, client))
    _assert_refused(app_server, response, before)


def test_callback_refuses_a_tampered_state(app_server, oidc_provider):
    oidc_provider.reset(User(PEOPLE["finn"].email))
    before = _ticket_count(app_server)
    with httpx.Client() as client:
        callback = _to_callback(app_server, oidc_provider, client)
        response = client.get(_with_query(callback, state="forged-state"))
    _assert_refused(app_server, response, before)


def test_callback_refuses_a_browser_that_did_not_start_the_flow(app_server, oidc_provider):
    """Login CSRF: a callback URL carried to another browser (no flow cookie) is refused."""
    oidc_provider.reset(User(PEOPLE["finn"].email))
    before = _ticket_count(app_server)
    with httpx.Client() as starter:
        callback = _to_callback(app_server, oidc_provider, starter)
    with httpx.Client() as victim:
        response = victim.get(callback)
    _assert_refused(app_server, response, before)


def test_callback_refuses_a_forged_flow_cookie(app_server, oidc_provider):
    oidc_provider.reset(User(PEOPLE["finn"].email))
    before = _ticket_count(app_server)
    with httpx.Client() as client:
        callback = _to_callback(app_server, oidc_provider, client)
        body, signature = client.cookies["peerapp_oidc_flow"].split(".")
    with httpx.Client() as other:
        response = other.get(
            callback, headers={"Cookie": f"peerapp_oidc_flow={body}.{signature[::-1]}"}
        )
    _assert_refused(app_server, response, before)


def test_a_code_cannot_be_used_twice(app_server, oidc_provider):
    oidc_provider.reset(User(PEOPLE["finn"].email))
    with httpx.Client() as client:
        callback = _to_callback(app_server, oidc_provider, client)
        cookie = client.cookies["peerapp_oidc_flow"]
        assert client.get(callback).status_code == 303
    before = _ticket_count(app_server)
    with httpx.Client() as replay:
        response = replay.get(callback, headers={"Cookie": f"peerapp_oidc_flow={cookie}"})
    _assert_refused(app_server, response, before)
    assert oidc_provider.token_errors == ["invalid_grant"]
