"""Sign-in state: the identity of a browser lives in backend-only vars."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import reflex as rx
from sqlmodel import Session

from peerapp import routes
from peerapp.services import Refused, accounts
from peerapp.settings import SESSION_DAYS


@dataclass(frozen=True)
class Viewer:
    """The signed-in person, as resolved from the database for this event."""

    employee_id: int
    program_id: int
    full_name: str
    is_admin: bool


def resolve_viewer(db: Session, token: str) -> Viewer | None:
    """The person a session token belongs to, in the default program."""
    found = accounts.resolve_session_in_program(db, token)
    if found is None:
        return None
    employee, program_id = found
    return Viewer(employee.id, program_id, employee.full_name, employee.is_admin)


class SessionState(rx.State):
    """Who is signed in. The browser only holds its own opaque session token."""

    session_token: str = rx.LocalStorage("", name="peerapp_session")
    user_name: str = ""
    is_admin: bool = False
    signed_in: bool = False
    sign_in_error: str = ""
    _employee_id: int | None = None

    async def _viewer(self, db: Session | None = None) -> Viewer | None:
        """Re-check the session against the database: sign-out elsewhere takes effect.

        A tab whose server-side state was lost (server restart) but whose token is
        still valid is adopted again here, live channels included. With ``db``
        the check runs in the caller's database session (one connection for the
        check and the action that follows).
        """
        if not self.session_token:
            await self._leave()
            return None
        if db is None:
            with rx.session() as own:
                viewer = resolve_viewer(own, self.session_token)
        else:
            viewer = resolve_viewer(db, self.session_token)
        if viewer is None:
            await self._leave()
            return None
        if viewer.employee_id != self._employee_id:
            self._adopt(viewer)
            await self._link_channels(viewer, db)
        # Assign only on change: an assignment puts the var in every event's delta.
        if self.user_name != viewer.full_name:
            self.user_name = viewer.full_name
        if self.is_admin != viewer.is_admin:
            self.is_admin = viewer.is_admin
        return viewer

    def _forget(self) -> None:
        self._employee_id = None
        self.signed_in = False
        self.user_name = ""
        self.is_admin = False

    async def _leave(self) -> None:
        """No valid session in this tab: forget the person and stop their live channels.

        Without the unlink, a tab whose session ended elsewhere (or whose token
        was cleared) kept receiving that person's inbox pushes.
        """
        from peerapp.state.live import InboxState

        self.session_token = ""
        self._forget()
        inbox = await self.get_state(InboxState)
        if inbox._linked_to:
            await inbox._unlink()

    async def _link_channels(self, viewer: Viewer, db: Session | None = None) -> None:
        from peerapp.state.live import InboxState

        inbox = await self.get_state(InboxState)
        inbox = await inbox._link_to(InboxState.token_for(viewer.employee_id))
        inbox._refresh(viewer.program_id, viewer.employee_id, db)

    def _adopt(self, viewer: Viewer) -> None:
        self._employee_id = viewer.employee_id
        self.signed_in = True
        self.user_name = viewer.full_name
        self.is_admin = viewer.is_admin

    @rx.event
    async def require_sign_in(self):
        """on_load of every signed-in page: resolve the token or go to the sign-in page."""
        known = self._employee_id
        viewer = await self._viewer()
        if viewer is None:
            return rx.redirect(routes.LOGIN)
        if viewer.employee_id == known:
            # Reload the channels on every page load: they show the database's truth.
            await self._link_channels(viewer)
        return None

    @rx.event
    async def open_home(self):
        """on_load of /: the directory for signed-in people, else the sign-in page."""
        viewer = await self._viewer()
        return rx.redirect(routes.DIRECTORY if viewer is not None else routes.LOGIN)

    @rx.event
    async def sign_in(self, form_data: dict):
        """Check the email and password; one message for every kind of failure.

        Attempts are throttled per email and per client address; a token this
        browser still held is revoked and replaced (session rotation).
        """
        from peerapp.state.offload import with_password_pool

        email = form_data.get("email") if isinstance(form_data, dict) else None
        password = form_data.get("password") if isinstance(form_data, dict) else None

        # Hashing takes tens of ms: off the event loop, or every tab on this worker waits.
        def check(client: str, previous_token: str) -> tuple[str, Viewer | None]:
            with rx.session() as db:
                token = accounts.sign_in(
                    db,
                    email=email,
                    password=password,
                    client=client,
                    previous_token=previous_token,
                    days=SESSION_DAYS,
                )
                return token, resolve_viewer(db, token)

        try:
            token, viewer = await with_password_pool(
                check, self.router.session.client_ip, self.session_token
            )
        except Refused as refusal:
            self.sign_in_error = refusal.message
            return None
        self.session_token = token
        self.sign_in_error = ""
        if viewer is not None:
            self._adopt(viewer)
        # The directory's on_load links this tab's live channels.
        return rx.redirect(routes.DIRECTORY)

    @rx.event
    async def redirect_if_signed_in(self):
        """on_load of /login: a signed-in browser goes straight to the directory."""
        self.sign_in_error = ""
        if self.session_token:
            with rx.session() as db:
                if resolve_viewer(db, self.session_token) is not None:
                    return rx.redirect(routes.DIRECTORY)
        return None

    @rx.event
    async def sign_out(self):
        """End the session on the server; every tab of this browser loses it."""
        with rx.session() as db:
            accounts.end_session(db, self.session_token)
        await self._leave()
        return rx.redirect(routes.LOGIN)

    @rx.event
    async def sign_out_everywhere(self):
        """End every session of the signed-in person, on every device, this one too."""
        # Already signed out (Refused): the sign-in page is where they belong anyway.
        with rx.session() as db, contextlib.suppress(Refused):
            accounts.sign_out_everywhere(db, self.session_token)
        await self._leave()
        return [
            rx.redirect(routes.LOGIN),
            rx.toast.success("You are signed out on every device and browser."),
        ]


async def current_viewer(state: rx.State, db: Session | None = None) -> Viewer | None:
    """The signed-in person for the event being handled by ``state``, or None."""
    session = await state.get_state(SessionState)
    return await session._viewer(db)
