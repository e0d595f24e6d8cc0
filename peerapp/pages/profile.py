"""/profile: your details and your roles in the program, and whom you hid from your results."""

from __future__ import annotations

import reflex as rx

from peerapp import models
from peerapp.components.account import account_security
from peerapp.components.forms import (
    error_callout,
    fieldset,
    form,
    labelled_choice,
    labelled_field,
    number_field,
)
from peerapp.components.hiding import hidden_people_section
from peerapp.components.layout import page_frame
from peerapp.components.notice_settings import notice_settings_section
from peerapp.components.sections import section_card, when_loaded
from peerapp.services import profiles
from peerapp.state.hidden import HiddenPeopleState
from peerapp.state.notice_settings import NoticeSettingsState
from peerapp.state.profile import ProfileState

# The saved profile: what every field of the form starts from.
SAVED = ProfileState.profile


def _text_field(label: str, name: str, value, max_len: int, hint: str = "", area=False):
    """A profile detail, prefilled; the form sends it by name on Save."""
    extra = {"rows": "4"} if area else {}
    return labelled_field(
        label, name, default_value=value, max_length=max_len, hint=hint, area=area, **extra
    )


def _role(role: str, label: str, description: str) -> rx.Component:
    box = f"role-{role}"
    checked = SAVED.roles.contains(role)
    return labelled_choice(
        rx.checkbox, box, label, description, default_checked=checked, name=f"role_{role}"
    )


def _places_field(label: str, field_id: str, hint, value) -> rx.Component:
    """How many pairings of one kind you take on at once (0 to the maximum)."""
    bounds = (0, profiles.CAPACITY_MAX)
    return number_field(label, field_id, bounds, hint, default_value=value.to_string())


def _peer_settings() -> rx.Component:
    """Capacity and pause: how many peers you take on, and whether to accept new requests."""
    return section_card(
        "Peer mentorship",
        _places_field(
            "Most peers at a time",
            "capacity",
            "You have " + SAVED.active_pairings.to_string() + " active. 0 means you are "
            "not taking on peers for now.",
            SAVED.capacity,
        ),
        labelled_choice(
            rx.checkbox,
            "paused",
            "Pause new requests",
            "Nobody can send you a request while paused. Requests you already "
            "have stay open for you to answer.",
            default_checked=SAVED.paused,
            name="paused",
        ),
    )


def _mentoring_settings() -> rx.Component:
    """Mentee places (for mentors) and the themes you would like to discuss."""
    return section_card(
        "Mentoring and themes",
        _places_field(
            "Most mentees at a time",
            "mentee_capacity",
            "As a mentor. You mentor " + SAVED.mentees.to_string() + " now. 0 means you "
            "are not taking mentees for now.",
            SAVED.mentee_capacity,
        ),
        fieldset(
            "Themes you would like to discuss",
            rx.vstack(
                rx.foreach(
                    SAVED.program_themes,
                    lambda theme, number: rx.checkbox(
                        theme,
                        name="theme_" + number.to_string(),
                        default_checked=SAVED.themes.contains(theme),
                    ),
                ),
                spacing="2",
            ),
        ),
    )


def profile_page() -> rx.Component:
    """Your details and roles, saved together with **Save profile**."""
    return page_frame(
        "Your profile",
        when_loaded(
            ProfileState.loaded,
            form(
                rx.vstack(
                    section_card(
                        "About you",
                        rx.text("Signed in as ", SAVED.email, size="2", color_scheme="gray"),
                        _text_field("Full name", "full_name", SAVED.full_name, models.NAME_MAX),
                        rx.grid(
                            _text_field(
                                "Job title",
                                "job_title",
                                SAVED.job_title,
                                models.TEXT_SHORT,
                            ),
                            _text_field(
                                "Department",
                                "department",
                                SAVED.department,
                                models.TEXT_SHORT,
                            ),
                            _text_field("Location", "location", SAVED.location, models.TEXT_SHORT),
                            columns=rx.breakpoints(initial="1", sm="3"),
                            spacing="3",
                            width="100%",
                        ),
                        _text_field("Short bio", "bio", SAVED.bio, models.BIO_MAX, area=True),
                        _text_field(
                            "Skills you can share",
                            "skills",
                            SAVED.skills,
                            models.SKILLS_MAX,
                            "Separate with commas.",
                        ),
                        _text_field(
                            "Things you want to learn",
                            "learning_goals",
                            SAVED.learning_goals,
                            models.SKILLS_MAX,
                            "Separate with commas.",
                        ),
                    ),
                    rx.card(
                        rx.el.fieldset(
                            rx.el.legend(
                                rx.text("Your roles in the program", size="4", weight="bold")
                            ),
                            rx.vstack(
                                _role(
                                    "mentor",
                                    "Mentor",
                                    "Guide someone with less experience.",
                                ),
                                _role(
                                    "mentee",
                                    "Mentee",
                                    "Learn from a more experienced colleague.",
                                ),
                                _role(
                                    "peer",
                                    "Peer",
                                    "Learn side by side with a colleague; "
                                    "you appear as requestable in the directory.",
                                ),
                                spacing="3",
                                padding_top="0.75em",
                            ),
                            class_name="plain-fieldset",
                        ),
                        width="100%",
                    ),
                    _peer_settings(),
                    _mentoring_settings(),
                    error_callout(ProfileState.error),
                    rx.button("Save profile", type="submit", loading=ProfileState.saving, size="3"),
                    spacing="4",
                    width="100%",
                ),
                on_submit=ProfileState.save,
                key=ProfileState.revision,
                width="100%",
            ),
        ),
        # Its buttons act at once: outside the profile form, which they would submit.
        rx.cond(HiddenPeopleState.loaded, hidden_people_section()),
        rx.cond(NoticeSettingsState.loaded, notice_settings_section()),
        # Its own forms, outside the profile form (forms cannot nest).
        rx.cond(ProfileState.loaded, account_security()),
    )
