"""Single sign-on configuration and the signed flow cookie (no server, no database)."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from peerapp import oidc
from peerapp.settings import OIDC_DEFAULT_LABEL, OidcSettings, oidc_settings

OIDC_VARS = (
    "PEERAPP_OIDC_ISSUER",
    "PEERAPP_OIDC_CLIENT_ID",
    "PEERAPP_OIDC_CLIENT_SECRET",
    "PEERAPP_OIDC_LABEL",
    "PEERAPP_PUBLIC_URL",
)


@pytest.fixture
def no_sso(monkeypatch):
    for name in OIDC_VARS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def _rendered_login_page() -> str:
    from peerapp.pages.login import login_page

    return str(login_page().render())


def test_sso_is_off_without_issuer_and_client_id(no_sso):
    assert oidc_settings() is None
    page = _rendered_login_page()
    assert OIDC_DEFAULT_LABEL not in page
    assert oidc.START_PATH not in page


def test_sso_routes_answer_404_when_off(no_sso):
    client = TestClient(oidc.api(), follow_redirects=False)
    assert client.get(oidc.START_PATH).status_code == 404
    assert client.get(f"{oidc.CALLBACK_PATH}?code=x&state=y").status_code == 404


def test_settings_and_button_when_on(no_sso):
    no_sso.setenv("PEERAPP_OIDC_ISSUER", "https://id.example.com/realms/acme/")
    no_sso.setenv("PEERAPP_OIDC_CLIENT_ID", "peerapp")
    no_sso.setenv("PEERAPP_OIDC_CLIENT_SECRET", "s3cret")
    no_sso.setenv("PEERAPP_OIDC_LABEL", "Sign in with Acme ID")
    no_sso.setenv("PEERAPP_PUBLIC_URL", "https://peers.acme.com/")
    settings = oidc_settings()
    assert settings == OidcSettings(
        issuer="https://id.example.com/realms/acme",
        client_id="peerapp",
        client_secret="s3cret",
        label="Sign in with Acme ID",
        public_url="https://peers.acme.com",
    )
    assert settings.metadata_url == (
        "https://id.example.com/realms/acme/.well-known/openid-configuration"
    )
    assert settings.redirect_uri == "https://peers.acme.com/auth/oidc/callback"
    page = _rendered_login_page()
    assert "Sign in with Acme ID" in page
    assert oidc.START_PATH in page


def test_defaults_for_label_and_public_url(no_sso):
    no_sso.setenv("PEERAPP_OIDC_ISSUER", "https://id.example.com")
    no_sso.setenv("PEERAPP_OIDC_CLIENT_ID", "peerapp")
    no_sso.setenv("PEERAPP_OIDC_CLIENT_SECRET", "s3cret")
    settings = oidc_settings()
    assert settings.label == OIDC_DEFAULT_LABEL
    assert settings.redirect_uri == "http://localhost:3000/auth/oidc/callback"


@pytest.mark.parametrize(
    ("present", "missing"),
    [
        (
            {"PEERAPP_OIDC_ISSUER": "https://id"},
            "PEERAPP_OIDC_CLIENT_ID, PEERAPP_OIDC_CLIENT_SECRET",
        ),
        ({"PEERAPP_OIDC_CLIENT_ID": "x", "PEERAPP_OIDC_CLIENT_SECRET": "y"}, "PEERAPP_OIDC_ISSUER"),
        ({"PEERAPP_OIDC_ISSUER": "https://id", "PEERAPP_OIDC_CLIENT_ID": "x"}, "CLIENT_SECRET"),
    ],
)
def test_half_configured_sso_stops_with_a_message(no_sso, present, missing):
    for name, value in present.items():
        no_sso.setenv(name, value)
    with pytest.raises(RuntimeError, match="half configured") as stopped:
        oidc_settings()
    assert missing in str(stopped.value)


# ------------------------------------------------------------- the flow cookie

SETTINGS = OidcSettings("https://id", "peerapp", "s3cret", "Sign in", "https://peers")
FLOW = {"state": "st", "nonce": "no", "code_verifier": "ve"}


def test_flow_cookie_round_trips_until_it_expires():
    sealed = oidc.seal_flow(SETTINGS, FLOW, now=1000)
    assert oidc.open_flow(SETTINGS, sealed, now=1000) == {**FLOW, "exp": 1000 + oidc.FLOW_SECONDS}
    assert oidc.open_flow(SETTINGS, sealed, now=1000 + oidc.FLOW_SECONDS + 1) is None


def test_flow_cookie_is_bound_to_the_client_secret():
    sealed = oidc.seal_flow(SETTINGS, FLOW, now=1000)
    other = OidcSettings("https://id", "peerapp", "another", "Sign in", "https://peers")
    assert oidc.open_flow(other, sealed, now=1000) is None


@pytest.mark.parametrize("value", [None, "", "no-dot", "a.b.c", "x" * 5000, "e30.AAAA"])
def test_malformed_flow_cookies_are_ignored(value):
    assert oidc.open_flow(SETTINGS, value, now=1000) is None


def test_a_changed_payload_breaks_the_signature():
    import base64
    import json

    body, signature = oidc.seal_flow(SETTINGS, FLOW, now=1000).split(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload["state"] = "attacker"
    forged = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    assert oidc.open_flow(SETTINGS, f"{forged}.{signature}", now=1000) is None
