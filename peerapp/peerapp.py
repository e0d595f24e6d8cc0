"""The Reflex app: page wiring only."""

from collections.abc import Callable

import reflex as rx

from peerapp import log_limits, oidc, reflex_compat, routes, unsubscribe_api
from peerapp.components.live import connection_status
from peerapp.expiry_task import expire_requests_periodically
from peerapp.mail_task import send_mail_periodically
from peerapp.models.search import skipped_in_schema_checks
from peerapp.pages.directory import directory_page
from peerapp.pages.inbox import inbox_page
from peerapp.pages.login import login_page
from peerapp.pages.notifications import notifications_page
from peerapp.pages.peers import peers_page
from peerapp.pages.profile import profile_page
from peerapp.pages.program_settings import program_settings_page
from peerapp.pages.programs import programs_page
from peerapp.pages.sso import sso_landing_page
from peerapp.pages.unsubscribe import unsubscribe_page
from peerapp.security_headers import SecurityHeaders
from peerapp.state.directory import DirectoryState
from peerapp.state.hidden import HiddenPeopleState, refresh_after_hiding
from peerapp.state.notice_settings import NoticeSettingsState, UnsubscribeState
from peerapp.state.notifications import NotificationsState
from peerapp.state.overview import ProgramOverviewState
from peerapp.state.profile import ProfileState
from peerapp.state.program_settings import ProgramSettingsState
from peerapp.state.programs import ProgramsState
from peerapp.state.session import SessionState
from peerapp.state.sso import SsoState
from peerapp.traffic import EventLimits

# A tab's token is chosen by its browser: only the shape Reflex generates is let in,
# so no socket can take the name of a shared channel.
reflex_compat.refuse_foreign_client_tokens()
reflex_compat.skip_in_schema_checks(skipped_in_schema_checks)
# Reflex logs refused events with their whole payload: keep its records short.
log_limits.install()

app = rx.App(
    stylesheets=["/styles.css"],
    toaster=rx.toast.provider(position="bottom-right", close_button=True),
    # /auth/oidc/* (single sign-on) and /api/unsubscribe (one-click unsubscribe
    # from an email) in front of the Reflex backend, then CSP, nosniff,
    # no-referrer and DENY framing on every HTTP response, pages included, then
    # (outermost) the per-tab and per-address limits of the event WebSocket.
    api_transformer=[oidc.api(), unsubscribe_api.api(), SecurityHeaders, EventLimits],
)
# Reflex's default overlay names the socket URL when offline; say it in people's words.
reflex_compat.replace_connection_overlay(app, connection_status)
app.register_lifespan_task(expire_requests_periodically)
app.register_lifespan_task(send_mail_periodically)


def _index() -> rx.Component:
    return rx.center(rx.spinner(size="3"), min_height="60vh")


app.add_page(_index, route=routes.HOME, title="peerapp", on_load=SessionState.open_home)
app.add_page(
    login_page,
    route=routes.LOGIN,
    title="Sign in · peerapp",
    on_load=[SessionState.redirect_if_signed_in, SsoState.show_error],
)
app.add_page(
    sso_landing_page,
    route=routes.LOGIN_SSO,
    title="Signing in · peerapp",
    on_load=SsoState.redeem,
)


def _signed_in_page(
    page: Callable[[], rx.Component], route: str, title: str, *load: rx.EventHandler
) -> None:
    """A page for signed-in people: the sign-in check runs first, then the page's own loads."""
    app.add_page(page, route=route, title=title, on_load=[SessionState.require_sign_in, *load])


_signed_in_page(directory_page, routes.DIRECTORY, "Directory · peerapp", DirectoryState.load)
_signed_in_page(inbox_page, routes.INBOX, "Inbox · peerapp")
_signed_in_page(peers_page, routes.PEERS, "My pairings · peerapp")
_signed_in_page(
    profile_page,
    routes.PROFILE,
    "Your profile · peerapp",
    ProfileState.load,
    HiddenPeopleState.load,
    NoticeSettingsState.load,
)
_signed_in_page(
    program_settings_page,
    routes.SETTINGS,
    "Program settings · peerapp",
    ProgramSettingsState.load,
    ProgramOverviewState.load,
)
_signed_in_page(programs_page, routes.PROGRAMS, "Programs · peerapp", ProgramsState.load)
_signed_in_page(
    notifications_page, routes.NOTIFICATIONS, "Notifications · peerapp", NotificationsState.load
)
# Opened from an email, signed in or not: the signed token in its address is its authority.
app.add_page(
    unsubscribe_page,
    route=routes.UNSUBSCRIBE,
    title="Email settings · peerapp",
    on_load=UnsubscribeState.load,
)

refresh_after_hiding(DirectoryState.refresh)
