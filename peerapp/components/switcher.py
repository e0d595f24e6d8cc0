"""The program switcher (accessible name "Program"): a bar under the links, or in the Menu.

Wide screens get a thin bar under the navigation with a select; phones keep a
single short bar (the page starts right under it), so there the programs are a
group in the Menu, each a radio item. The current program comes from the live
channel (``InboxState``), so every tab of the person shows the same one.
"""

from __future__ import annotations

import reflex as rx

from peerapp import routes
from peerapp.state.inbox import InboxState
from peerapp.state.session import SessionState
from peerapp.state.switcher import ProgramOption, ProgramSwitcherState

_CURRENT = InboxState.program_id.to_string()


def _option(option: ProgramOption) -> rx.Component:
    return rx.select.item(option.name, value=option.value)


def _select() -> rx.Component:
    # A current program the person is not in (the first one, before they join any)
    # is not among the choices: its name shows in place of one.
    return rx.select.root(
        rx.select.trigger(
            id="program-switcher",
            aria_label="Program",
            placeholder=rx.cond(
                InboxState.program_name != "", InboxState.program_name, "Choose a program"
            ),
            class_name="switcher-trigger",
        ),
        rx.select.content(rx.foreach(ProgramSwitcherState.options, _option), position="popper"),
        value=rx.cond(ProgramSwitcherState.values.contains(_CURRENT), _CURRENT, ""),
        on_change=ProgramSwitcherState.choose,
        disabled=ProgramSwitcherState.switching,
        size="2",
    )


def program_bar() -> rx.Component:
    """Wide screens: the program being worked in, switchable, and who is signed in."""
    return rx.box(
        rx.hstack(
            rx.el.label(
                rx.icon("layers", size=16, aria_hidden="true"),
                "Program",
                html_for="program-switcher",
                class_name="switcher-label",
            ),
            rx.cond(
                ProgramSwitcherState.options.length() > 0,
                _select(),
                rx.link("Join a program", href=routes.PROGRAMS, size="2"),
            ),
            rx.spacer(),
            rx.text(SessionState.user_name, size="2", color_scheme="gray"),
            spacing="3",
            align="center",
            class_name="program-bar-inner",
        ),
        class_name="program-bar nav-wide",
        hidden=~SessionState.signed_in,
    )


def _menu_option(option: ProgramOption) -> rx.Component:
    current = option.value == _CURRENT
    return rx.menu.item(
        rx.hstack(
            rx.box(
                rx.cond(current, rx.icon("check", size=14, aria_hidden="true")),
                width="14px",
            ),
            rx.text(option.name, class_name="prose"),
            spacing="2",
            align="center",
        ),
        on_select=ProgramSwitcherState.choose(option.value),
        # What Radix's own RadioItem renders: the current program is the checked one.
        aria_checked=rx.cond(current, "true", "false"),
        custom_attrs={"role": "menuitemradio"},
    )


def program_menu_group() -> rx.Component:
    """Phones: the programs as a group of the Menu (after the links)."""
    return rx.cond(
        SessionState.signed_in & (ProgramSwitcherState.options.length() > 0),
        rx.fragment(
            rx.menu.separator(),
            rx.el.div(
                rx.el.div("Program", id="menu-program-label", class_name="menu-label"),
                rx.foreach(ProgramSwitcherState.options, _menu_option),
                role="group",
                aria_labelledby="menu-program-label",
            ),
        ),
    )
