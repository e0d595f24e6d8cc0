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

# Pages for signed-in people; any of them takes ``?program=<id>`` to work in that program.
SIGNED_IN_PAGES = (DIRECTORY, INBOX, PEERS, PROFILE, PROGRAMS, SETTINGS)
PROGRAM_QUERY = "program"

# Single sign-on: backend routes (peerapp/oidc.py), not pages.
OIDC = "/auth/oidc"
OIDC_START = f"{OIDC}/start"
OIDC_CALLBACK = f"{OIDC}/callback"


def signed_in_page(path: str) -> str:
    """The signed-in page ``path`` names, or the directory (a path a browser sent is untrusted)."""
    path = path.rstrip("/") or HOME
    return path if path in SIGNED_IN_PAGES else DIRECTORY


# One-click unsubscribe (RFC 8058): the List-Unsubscribe header of every email POSTs here.
UNSUBSCRIBE_ONE_CLICK = "/api/unsubscribe"
