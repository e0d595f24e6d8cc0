"""Routes of the app: part of the contract with users and tests."""

LOGIN = "/login"
DIRECTORY = "/directory"
INBOX = "/inbox"
PROFILE = "/profile"
SETTINGS = "/admin/settings"
PEERS = "/peers"
LOGIN_SSO = "/login/sso"
