"""Routes of the app: part of the contract with users and tests."""

HOME = "/"
LOGIN = "/login"
DIRECTORY = "/directory"
INBOX = "/inbox"
PROFILE = "/profile"
SETTINGS = "/admin/settings"
PEERS = "/peers"
LOGIN_SSO = "/login/sso"

# Single sign-on: backend routes (peerapp/oidc.py), not pages.
OIDC = "/auth/oidc"
OIDC_START = f"{OIDC}/start"
OIDC_CALLBACK = f"{OIDC}/callback"
