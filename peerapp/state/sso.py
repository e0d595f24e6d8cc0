"""Single sign-on in the browser: show SSO errors, redeem the one-time ticket."""

from __future__ import annotations

import reflex as rx

from peerapp import routes
from peerapp.services import sessions, sso
from peerapp.services.errors import Refused
from peerapp.settings import SESSION_DAYS
from peerapp.state.identity import resolve_viewer
from peerapp.state.session import SessionState


class SsoState(rx.State):
    """The message of a failed single sign-on, shown on the sign-in page."""

    error: str = ""

    @rx.event
    def show_error(self):
        """on_load of /login: turn ``?sso_error=<code>`` into its fixed message."""
        self.error = sso.message_for(self.router.url.query_parameters.get("sso_error"))

    @rx.event
    async def redeem(self):
        """on_load of /login/sso: exchange ``?ticket=`` for a session, exactly once."""
        ticket = self.router.url.query_parameters.get("ticket")
        session = await self.get_state(SessionState)
        previous = session._session_key()
        try:
            with rx.session() as db:
                previous_owner = sessions.session_owner(db, previous)
                token = sso.redeem_ticket(
                    db, ticket, previous_token=previous, session_days=SESSION_DAYS
                )
                viewer = resolve_viewer(db, token)
        except Refused as refused:
            code = refused.code if isinstance(refused, sso.SsoRefused) else "failed"
            return rx.redirect(f"{routes.LOGIN}?sso_error={code}", replace=True)
        session._hold(token)
        session.sign_in_error = ""
        if viewer is not None:
            session._adopt(viewer)
        session._after_sessions_ended(previous_owner)
        self.error = ""
        # replace: the spent ticket's URL does not stay in the history as a step back.
        return rx.redirect(routes.DIRECTORY, replace=True)
