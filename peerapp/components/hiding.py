"""Hiding people from your own results: the directory card's Hide, the profile's list."""

from __future__ import annotations

import reflex as rx

from peerapp import routes
from peerapp.components.buttons import working_button
from peerapp.components.sections import empty_state, plain_list, section_card
from peerapp.state.hidden import HiddenPeopleState, HiddenRow


def hide_action(
    person_id: rx.Var[int], name: rx.Var[str], busy: rx.Var[bool] | None = None
) -> rx.Component:
    """A quiet "Hide" for a directory card; its name says whom and where from.

    The toast that follows offers Undo. ``busy``: whether this person is being
    hidden right now; inside a memo card pass it as a prop
    (``HiddenPeopleState.busy_ids.contains(entry.id)``), so that one hide
    re-renders one card.
    """
    hiding = HiddenPeopleState.busy_ids.contains(person_id) if busy is None else busy
    return working_button(
        "Hide",
        "Hiding…",
        hiding,
        rx.icon("eye-off", size=14, aria_hidden="true"),
        on_click=HiddenPeopleState.hide(person_id),
        variant="ghost",
        color_scheme="gray",
        size="1",
        type="button",
        aria_label="Hide " + name + " from my results",
    )


def _hidden_person(row: HiddenRow) -> rx.Component:
    showing = HiddenPeopleState.busy_ids.contains(row.id)
    return rx.hstack(
        rx.avatar(fallback=row.full_name[:1], size="2", radius="full"),
        rx.vstack(
            rx.text(row.full_name, weight="medium", size="2"),
            rx.text(row.about, size="1", color_scheme="gray"),
            spacing="0",
            flex="1",
            min_width="8em",
        ),
        working_button(
            "Show again",
            "Showing…",
            showing,
            on_click=HiddenPeopleState.show_again(row.id),
            variant="soft",
            size="2",
            type="button",
            aria_label="Show again: " + row.full_name,
        ),
        align="center",
        spacing="3",
        width="100%",
    )


def hidden_people_section() -> rx.Component:
    """The profile's "Hidden from your results": each person with Show again, or why it is empty."""
    return section_card(
        "Hidden from your results",
        rx.text(
            "People you hide are left out of your directory searches. They are not told, "
            "and your requests and pairings with them stay as they are.",
            size="2",
            color_scheme="gray",
        ),
        rx.cond(
            HiddenPeopleState.people.length() > 0,
            plain_list(HiddenPeopleState.people, _hidden_person, "People hidden from your results"),
            empty_state(
                "You haven't hidden anyone. Use Hide on a person's card in the directory "
                "to leave them out of your results.",
                rx.link("Find colleagues", href=routes.DIRECTORY, size="2"),
                icon="eye",
            ),
        ),
    )
