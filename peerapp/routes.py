"""Routes of the app: part of the contract with users and tests."""

HOME = "/"
LOGIN = "/login"
DIRECTORY = "/directory"
INBOX = "/inbox"
PROFILE = "/profile"
PROGRAMS = "/programs"
SETTINGS = "/admin/settings"
PEERS = "/peers"
LOGIN_SSO = "/login/sso"
NOTIFICATIONS = "/notifications"
# The one-click unsubscribe page of every email (services/unsubscribe.py builds the links).
UNSUBSCRIBE = "/unsubscribe"

# Pages for signed-in people; any of them takes ``?program=<id>`` to work in that program.
SIGNED_IN_PAGES = (DIRECTORY, INBOX, PEERS, PROFILE, PROGRAMS, SETTINGS, NOTIFICATIONS)
PROGRAM_QUERY = "program"

# Single sign-on: backend routes (peerapp/oidc.py), not pages.
OIDC = "/auth/oidc"
OIDC_START = f"{OIDC}/start"
OIDC_CALLBACK = f"{OIDC}/callback"


def signed_in_page(path: str) -> str:
    """The signed-in page ``path`` names, or the directory (a path a browser sent is untrusted)."""
    path = path.rstrip("/") or HOME
    return path if path in SIGNED_IN_PAGES else DIRECTORY


# RFC 8058 one-click unsubscribe, posted by mail clients: a backend route
# (peerapp/unsubscribe_api.py), not a page.
UNSUBSCRIBE_API = "/api/unsubscribe"


def in_program(path: str, program_id: int | None) -> str:
    """``path`` opened in one program (``?program=<id>``), or as it is without one."""
    return f"{path}?{PROGRAM_QUERY}={program_id}" if program_id else path
