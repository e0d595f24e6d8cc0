"""Sign-in state: the identity of a browser lives in backend-only vars."""

from __future__ import annotations

import asyncio
import contextlib

import reflex as rx
from sqlmodel import Session

from peerapp import reflex_compat, routes
from peerapp.services import Refused, sessions
from peerapp.state.identity import (
    Viewer,
    check_sign_in,
    resolve_viewer,
    session_is_live,
)
from peerapp.state.offload import with_password_pool


class SessionState(rx.State):
    """Who is signed in. The browser only holds its own opaque session token.

    The token arrives with every page load (it lives in the browser's local
    storage); the server keeps only its digest between events, so no copy of
    the server's state (Redis, a dump) holds anything that signs anybody in.
    """

    session_token: str = rx.LocalStorage("", name="peerapp_session")
    user_name: str = ""
    is_admin: bool = False
    signed_in: bool = False
    # Set when the server ended this tab's session from elsewhere (signed out
    # everywhere, password changed): the page says so instead of loading forever.
    session_ended: bool = False
    sign_in_error: str = ""
    _employee_id: int | None = None
    _session_hash: str = ""

    # The socket connection the digest was learned on.
    _session_sid: str = ""

    __getstate__ = reflex_compat.pickled_as(lambda state, fields: state._without_token(fields))

    def _without_token(self, fields: dict) -> dict:
        """What the state store keeps: the token's digest and connection, never the token.

        A page load brings the browser's token; every later event of that
        connection finds its digest here (with Redis each event reloads the state).
        """
        token = fields.pop("session_token", "")
        if token:
            fields["_session_hash"] = sessions.session_digest(token) or ""
            fields["_session_sid"] = self.router.session.session_id
        return fields

    def _session_key(self) -> sessions.SessionDigest | None:
        """What identifies this tab's sign-in on the server, if anything.

        A token the browser sent wins (it may have signed in or out in another
        tab meanwhile). Without one, the digest kept from it serves only on the
        same connection: every new connection starts with a page load that
        brings the browser's token, so a page load without one is signed out.
        """
        sid = self.router.session.session_id
        if self.session_token:
            digest = sessions.session_digest(self.session_token) or ""
            if not digest:
                # Not a token at all (Reflex stored whatever the page load sent):
                # keep nothing of it.
                self.session_token = ""
            if self._session_hash != digest:
                self._session_hash = digest
            if self._session_sid != sid:
                self._session_sid = sid
        elif self._session_sid != sid:
            return None
        return sessions.SessionDigest(self._session_hash) if self._session_hash else None

    async def _viewer(self, db: Session | None = None) -> Viewer | None:
        """Re-check the session against the database: sign-out elsewhere takes effect.

        A tab whose server-side state was lost (server restart) but whose token is
        still valid is adopted again here, live channels included. With ``db``
        the check runs in the caller's database session (one connection for the
        check and the action that follows).
        """
        key = self._session_key()
        if key is None:
            await self._leave()
            return None
        if db is None:
            with rx.session() as own:
                viewer = resolve_viewer(own, key)
        else:
            viewer = resolve_viewer(db, key)
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

    async def _leave(self, *, ended_elsewhere: bool = False) -> None:
        """No valid session in this tab: forget the person and stop their live channels.

        Without the unlink, a tab whose session ended elsewhere (or whose token
        was cleared) kept receiving that person's inbox pushes; without the
        reset, reloading the tab showed the previous person's pages.
        """
        from peerapp.state.inbox import InboxState

        someone_was_here = self._employee_id is not None
        if ended_elsewhere:
            # The browser's stored token is left alone: it is dead anyway, and another
            # tab of this browser may have stored a new one since.
            self.session_ended = True
        elif self.session_token:
            self.session_token = ""
        self._session_hash = ""
        self._forget()
        inbox = await self.get_state(InboxState)
        if reflex_compat.is_linked(inbox):
            await inbox._unlink()
        if someone_was_here:
            await self._reset_pages()

    async def _reset_pages(self, keep: tuple[type[rx.State], ...] = ()) -> None:
        """Every page's state (but ``keep``) back to its defaults: nothing old stays.

        At sign-out nothing of the last person; at a program switch nothing of the
        last program.
        """
        for page_state in _page_states():
            if page_state not in keep:
                (await self.get_state(page_state)).reset()

    async def _recheck(self) -> bool:
        """Sign this tab out if its session has ended; whether it is still signed in.

        Called on tabs that are not sending anything (the server ended their
        session from another tab, device or worker).
        """
        key = self._session_key()
        still_valid = False
        if key is not None:
            still_valid = await asyncio.to_thread(session_is_live, key)
        if not still_valid:
            await self._leave(ended_elsewhere=True)
        return still_valid

    async def _link_channels(self, viewer: Viewer, db: Session | None = None) -> None:
        from peerapp.state.inbox import InboxState, channel_of

        inbox = await self.get_state(InboxState)
        inbox = await inbox._link_to(channel_of(viewer.employee_id))
        inbox._refresh(viewer.program_id, viewer.employee_id, db)

    def _adopt(self, viewer: Viewer) -> None:
        self._employee_id = viewer.employee_id
        self.signed_in = True
        self.session_ended = False
        self.user_name = viewer.full_name
        self.is_admin = viewer.is_admin

    def _hold(self, token: str) -> None:
        """A new session for this browser: the token to the browser, its digest kept here."""
        self.session_token = token
        self._session_hash = sessions.session_digest(token) or ""
        self._session_sid = self.router.session.session_id

    def _after_sessions_ended(self, employee_id: int | None) -> None:
        """Sessions of this person just ended: sign out their other tabs that used them.

        Runs after this event, on every tab linked to the person's live channel,
        whichever worker serves it (the tab's own state decides).
        """
        from peerapp.state.live import sign_out_ended_tabs

        if employee_id is not None:
            sign_out_ended_tabs(employee_id, except_tab=self.router.session.client_token)

    @rx.event
    async def require_sign_in(self):
        """on_load of every signed-in page: resolve the token or go to the sign-in page.

        Then the page's program: a ``?program=<id>`` link is followed, and the
        navigation's switcher filled (state/switcher.py).
        """
        from peerapp.state.switcher import open_signed_in_page

        known = self._employee_id
        viewer = await self._viewer()
        if viewer is None:
            return rx.redirect(routes.LOGIN)
        # Reload the channels on every page load: they show the database's truth.
        return await open_signed_in_page(self, viewer, relink=viewer.employee_id == known)

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
        email = form_data.get("email") if isinstance(form_data, dict) else None
        password = form_data.get("password") if isinstance(form_data, dict) else None
        previous = self._session_key()

        try:
            # Hashing takes tens of ms: off the event loop, or every tab on this worker waits.
            token, viewer, previous_owner = await with_password_pool(
                check_sign_in, email, password, self.router.session.client_ip, previous
            )
        except Refused as refusal:
            self.sign_in_error = refusal.message
            return None
        self._hold(token)
        self.sign_in_error = ""
        if viewer is not None:
            self._adopt(viewer)
        self._after_sessions_ended(previous_owner)
        # The directory's on_load links this tab's live channels.
        return rx.redirect(routes.DIRECTORY)

    @rx.event
    async def redirect_if_signed_in(self):
        """on_load of /login: a signed-in browser goes straight to the directory."""
        if self.sign_in_error:
            self.sign_in_error = ""
        key = self._session_key()
        if key is not None:
            with rx.session() as db:
                if resolve_viewer(db, key) is not None:
                    return rx.redirect(routes.DIRECTORY)
        return None

    @rx.event
    async def sign_out(self):
        """End the session on the server; every tab of this browser loses it."""
        key = self._session_key()
        with rx.session() as db:
            owner = sessions.session_owner(db, key)
            sessions.end_session(db, key)
        await self._leave()
        self._after_sessions_ended(owner)
        return rx.redirect(routes.LOGIN)

    @rx.event
    async def sign_out_everywhere(self):
        """End every session of the signed-in person, on every device, this one too."""
        key = self._session_key()
        # Already signed out (Refused): the sign-in page is where they belong anyway.
        with rx.session() as db, contextlib.suppress(Refused):
            owner = sessions.session_owner(db, key)
            sessions.sign_out_everywhere(db, key)
        await self._leave()
        self._after_sessions_ended(owner)
        return [
            rx.redirect(routes.LOGIN),
            rx.toast.success("You are signed out on every device and browser."),
        ]


def _page_states() -> list[type[rx.State]]:
    """peerapp's own states, but the session itself and the shared live channel."""
    return [
        cls
        for cls in reflex_compat.all_substates(rx.State)
        if cls.__module__.startswith("peerapp.")
        and cls is not SessionState
        and not issubclass(cls, rx.SharedState)
    ]


async def current_viewer(state: rx.State, db: Session | None = None) -> Viewer | None:
    """The signed-in person for the event being handled by ``state``, or None."""
    session = await state.get_state(SessionState)
    return await session._viewer(db)
