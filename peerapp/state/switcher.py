"""The current program: the navigation's switcher, ``?program=<id>`` links, and the switch itself.

A person works in one program at a time (``Employee.current_program_id``, read
with the session at every event). Whatever makes another program current (the
switcher, "Work in", joining, a link) ends in ``now_working_in``: the page
states of the old program are emptied, the live channel (``InboxState``) is
reloaded for the new one, and the page is opened again, so its on_load reads
the new program's data.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import reflex as rx
from sqlmodel import Session

from peerapp import routes
from peerapp.models import Program
from peerapp.services import Refused, joining
from peerapp.services.sql import id_of
from peerapp.state import program_wording
from peerapp.state.actions import act
from peerapp.state.identity import Viewer
from peerapp.state.session import SessionState

# Ten digits hold every id (validation.ID_MAX); anything longer is not one.
_ID_DIGITS = 10


@dataclasses.dataclass
class ProgramOption:
    """One program in the switcher: the id as the select sends it back, and the name."""

    value: str = ""
    name: str = ""


def program_id_in(value: object) -> object:
    """A program id as a select or a URL sends it (digits), else the value as it came.

    The service refuses anything that is not a valid id of a program the person
    may work in; this only turns the digits of text into a number.
    """
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= _ID_DIGITS:
        return int(value)
    return value


class ProgramSwitcherState(rx.State):
    """The programs the navigation's switcher offers (the current one is ``InboxState``'s)."""

    options: list[ProgramOption] = []
    # The options' values, so the select can tell whether the current program is listed.
    values: list[str] = []
    switching: bool = False

    def _fill(self, db: Session, employee_id: int) -> None:
        options = [
            ProgramOption(str(program_id), name)
            for program_id, name in joining.switcher(db, employee_id=employee_id)
        ]
        # Assign only on change: every page load fills it.
        if options != self.options:
            self.options = options
            self.values = [option.value for option in options]

    @rx.event
    async def choose(self, value: str):
        """Work in another program: one of the person's (admins: any)."""

        async def work(db: Session, viewer: Viewer) -> Any:
            program = joining.choose_program(
                db, employee_id=viewer.employee_id, program_id=program_id_in(value)
            )
            return await now_working_in(self, db, viewer, program)

        async for update in act(self, work, busy="switching"):
            yield update


async def now_working_in(
    state: rx.State, db: Session, viewer: Viewer, program: Program, toast: str = ""
) -> list[Any]:
    """After ``program`` became the person's current one: show it everywhere in this tab.

    Page states are emptied (the switcher's options are the person's, not the
    program's), the live channel of every tab of theirs shows the new program,
    and this page opens again (its query dropped), so its on_load reads anew.
    """
    session = await state.get_state(SessionState)
    await session._reset_pages(keep=(ProgramSwitcherState,))
    await session._link_channels(dataclasses.replace(viewer, program_id=id_of(program)), db)
    return [
        rx.redirect(routes.signed_in_page(state.router.url.path)),
        rx.toast.success(toast or program_wording.working_in(program.name)),
    ]


async def open_signed_in_page(session: SessionState, viewer: Viewer, *, relink: bool) -> Any:
    """After the sign-in check of a page load: its program link, channels and switcher.

    ``?program=<id>`` makes that program current if the person may work in it;
    a forged or foreign id changes nothing and says so. ``relink``: this tab
    was signed in already, so its channels are reloaded (a new sign-in linked them).
    """
    link = session.router.url.query_parameters.get(routes.PROGRAM_QUERY)
    toast: Any = None
    with rx.session() as db:
        if link is not None:
            try:
                program = joining.choose_program(
                    db, employee_id=viewer.employee_id, program_id=program_id_in(link)
                )
            except Refused as refusal:
                toast = rx.toast.error(refusal.message)
            else:
                if id_of(program) != viewer.program_id:
                    # The page's own on_load runs next: it must find nothing of the old program.
                    await session._reset_pages(keep=(ProgramSwitcherState,))
                    viewer = dataclasses.replace(viewer, program_id=id_of(program))
                    relink = True
                    toast = rx.toast.success(program_wording.working_in(program.name))
        if relink:
            await session._link_channels(viewer, db)
        switcher = await session.get_state(ProgramSwitcherState)
        switcher._fill(db, viewer.employee_id)
    return toast
