"""Your account's security: changing the password."""

from __future__ import annotations

import reflex as rx

from peerapp.services import accounts
from peerapp.state.actions import act
from peerapp.state.offload import with_password_pool
from peerapp.state.session import SessionState


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
        data = form_data if isinstance(form_data, dict) else {}
        session = await self.get_state(SessionState)

        async def work(_db, viewer):
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
            return rx.toast.success(
                "Password changed. You are signed out on your other devices and browsers."
            )

        async for update in act(self, work, busy="changing_password", refused=self._refused):
            yield update

    def _refused(self, message: str) -> None:
        self.password_error = message
