"""Your account's security: changing the password."""

from __future__ import annotations

import reflex as rx

from peerapp import routes
from peerapp.services import Refused, accounts
from peerapp.state.offload import with_password_pool
from peerapp.state.session import SessionState, current_viewer


def _change_password(**arguments: object) -> None:
    with rx.session() as db:
        accounts.change_password(db, **arguments)


class AccountState(rx.State):
    """The password form on the profile page."""

    password_error: str = ""
    changing_password: bool = False
    # A new key re-mounts the (uncontrolled) password fields empty after a change.
    password_form_key: int = 0

    @rx.event
    async def change_password(self, form_data: dict):
        """Check the current password and the new one; end every other session."""
        viewer = await current_viewer(self)
        if viewer is None:
            yield rx.redirect(routes.LOGIN)
            return
        data = form_data if isinstance(form_data, dict) else {}
        session = await self.get_state(SessionState)
        self.changing_password = True
        yield
        try:
            # Two password hashes: off the event loop (see peerapp/state/offload.py).
            await with_password_pool(
                _change_password,
                token=session._session_key(),
                current_password=data.get("current_password"),
                new_password=data.get("new_password"),
                repeat_password=data.get("repeat_password"),
                client=self.router.session.client_ip,
            )
            self.password_error = ""
            self.password_form_key += 1
            session._after_sessions_ended(viewer.employee_id)
            yield rx.toast.success(
                "Password changed. You are signed out on your other devices and browsers."
            )
        except Refused as refusal:
            self.password_error = refusal.message
            yield rx.toast.error(refusal.message)
        finally:
            self.changing_password = False
