"""The profile's "Notifications" section: email at once, daily digest or app only, per category.

One labelled radio group per category (arrow keys move within it) and the
digest's hour and time zone; the zone field suggests every zone as it is
typed into (a datalist, built once into the page: no state carries the list).
"""

from __future__ import annotations

import reflex as rx

from peerapp.components.forms import (
    error_callout,
    field_hint,
    field_row,
    fieldset,
    form,
    labelled_field,
)
from peerapp.components.sections import section_card
from peerapp.services import preferences
from peerapp.state.notice_settings import (
    HOUR_FIELD,
    ZONE_FIELD,
    CategoryChoice,
    NoticeSettingsState,
)
from peerapp.state.notice_words import DELIVERY_WORDS, hour_label

S = NoticeSettingsState
_ZONE_LIST = "digest-zones"


def _category(choice: CategoryChoice) -> rx.Component:
    legend_id = "legend-" + choice.field
    return fieldset(
        choice.label,
        field_hint(choice.hint, id="hint-" + choice.field),
        rx.radio_group.root(
            rx.flex(
                *(
                    rx.text(
                        rx.flex(
                            rx.radio_group.item(value=value),
                            label,
                            spacing="2",
                            align="center",
                        ),
                        as_="label",
                        size="2",
                    )
                    for value, label in DELIVERY_WORDS.items()
                ),
                direction=rx.breakpoints(initial="column", sm="row"),
                spacing=rx.breakpoints(initial="2", sm="5"),
                padding_top="0.5em",
            ),
            name=choice.field,
            default_value=choice.delivery,
            aria_labelledby=legend_id,
            aria_describedby="hint-" + choice.field,
            required=True,
        ),
        legend_id=legend_id,
    )


def _hour() -> rx.Component:
    # A native select: its value is sent with the form, like the zone typed beside it.
    return rx.box(
        rx.el.label("Hour", html_for=HOUR_FIELD, class_name="field-label"),
        rx.el.select(
            *(rx.el.option(hour_label(hour), value=str(hour)) for hour in range(24)),
            id=HOUR_FIELD,
            name=HOUR_FIELD,
            default_value=S.hour,
            class_name="native-select",
        ),
    )


def _zone() -> rx.Component:
    return rx.box(
        labelled_field(
            "Time zone",
            ZONE_FIELD,
            default_value=S.zone,
            list=_ZONE_LIST,
            auto_complete="off",
            spell_check=False,
            hint="Type to search, e.g. Europe/Lisbon or America/New_York.",
            max_length=64,
        ),
        rx.el.datalist(
            *(rx.el.option(value=zone) for zone in preferences.zone_names()),
            id=_ZONE_LIST,
        ),
    )


def _digest_time() -> rx.Component:
    return fieldset(
        "Daily digest time",
        field_hint("When the digest of the day's notifications comes, in your time zone."),
        field_row(_hour(), _zone()),
    )


def notice_settings_section() -> rx.Component:
    """How you are told, saved with its own button (outside the profile form)."""
    return rx.box(
        section_card(
            "Notifications",
            rx.text(
                "Everything shows under the bell in peerapp. Choose what also comes by "
                "email: at once, or collected in one daily digest.",
                size="2",
                color_scheme="gray",
            ),
            form(
                rx.vstack(
                    rx.foreach(S.choices, _category),
                    _digest_time(),
                    error_callout(S.error),
                    rx.button(
                        "Save notification settings",
                        type="submit",
                        loading=S.saving,
                        size="3",
                    ),
                    spacing="5",
                    width="100%",
                ),
                on_submit=S.save,
                key=S.revision,
                width="100%",
            ),
        ),
        id="notification-settings",
        width="100%",
    )
