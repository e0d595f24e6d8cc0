"""Page frame: navigation with the live request count, and the live announcer."""

from __future__ import annotations

import reflex as rx

from peerapp import routes
from peerapp.components.live import live_announcements
from peerapp.state.live import InboxState
from peerapp.state.session import SessionState


def _nav_link(label: str, href: str, *extra: rx.Component) -> rx.Component:
    return rx.link(
        rx.hstack(rx.text(label), *extra, spacing="2", align="center"),
        href=href,
        class_name="nav-link",
        underline="none",
        weight="medium",
        size="3",
    )


def _inbox_badge() -> rx.Component:
    return rx.cond(
        SessionState.signed_in & (InboxState.incoming_count > 0),
        rx.badge(
            InboxState.incoming_count,
            color_scheme="tomato",
            variant="solid",
            radius="full",
            aria_label=InboxState.incoming_count.to_string() + " pending incoming requests",
            data_testid="inbox-count",
        ),
    )


def navbar() -> rx.Component:
    """Top navigation; Settings only for admins (the server checks again)."""
    return rx.el.header(
        rx.hstack(
            rx.link(
                rx.hstack(
                    rx.icon("users", size=22, aria_hidden="true"),
                    rx.text("peerapp", size="5", weight="bold"),
                    spacing="2",
                    align="center",
                ),
                href=routes.DIRECTORY,
                underline="none",
                color_scheme="gray",
                high_contrast=True,
                aria_label="peerapp home",
            ),
            rx.el.nav(
                rx.hstack(
                    _nav_link("Directory", routes.DIRECTORY),
                    _nav_link("Inbox", routes.INBOX, _inbox_badge()),
                    _nav_link("My peers", routes.PEERS),
                    _nav_link("Profile", routes.PROFILE),
                    rx.cond(SessionState.is_admin, _nav_link("Settings", routes.SETTINGS)),
                    spacing="5",
                    align="center",
                    wrap="wrap",
                ),
                aria_label="Main",
            ),
            rx.spacer(),
            rx.hstack(
                rx.text(
                    SessionState.user_name, size="2", color_scheme="gray", class_name="hide-narrow"
                ),
                rx.color_mode.button(size="2", variant="ghost", aria_label="Toggle dark mode"),
                rx.cond(
                    SessionState.session_ended,
                    rx.fragment(),
                    rx.button(
                        "Sign out",
                        on_click=SessionState.sign_out,
                        variant="soft",
                        color_scheme="gray",
                        size="2",
                    ),
                ),
                spacing="3",
                align="center",
            ),
            align="center",
            spacing="6",
            wrap="wrap",
            class_name="navbar-inner",
        ),
        class_name="navbar",
    )


def _session_ended_notice() -> rx.Component:
    """This tab's sign-in was ended elsewhere (sign out everywhere, new password)."""
    return rx.center(
        rx.callout(
            rx.vstack(
                rx.text("You were signed out, so this page no longer shows your data."),
                rx.link("Sign in again", href=routes.LOGIN),
                spacing="2",
            ),
            icon="log-out",
            role="status",
        ),
        padding="4em",
    )


def page_frame(title: str, *children: rx.Component, subtitle: rx.Component | None = None):
    """A signed-in page: navigation, a heading and the content."""
    return rx.box(
        rx.el.a("Skip to content", href="#main", class_name="skip-link"),
        navbar(),
        live_announcements(),
        rx.el.main(
            rx.cond(
                SessionState.signed_in,
                rx.vstack(
                    rx.heading(title, size="7", as_="h1"),
                    subtitle if subtitle is not None else rx.fragment(),
                    *children,
                    spacing="4",
                    width="100%",
                ),
                rx.cond(
                    SessionState.session_ended,
                    _session_ended_notice(),
                    rx.center(rx.spinner(size="3"), rx.text("Loading…"), padding="4em"),
                ),
            ),
            id="main",
            class_name="page",
        ),
    )


def peer_mentorship_off_notice() -> rx.Component:
    """Shown wherever requests would otherwise be offered."""
    return rx.cond(
        ~InboxState.peer_mentorship_enabled,
        rx.callout(
            "Peer mentorship is off in this program. You can still browse colleagues, "
            "but new peer requests are paused.",
            icon="info",
            color_scheme="amber",
            role="status",
            width="100%",
        ),
    )


def standing_summary() -> rx.Component:
    """'2 of 5 open requests used · You have 1 of 3 places left' for peers."""
    standing = InboxState.standing
    return rx.cond(
        standing.open_label != "",
        rx.hstack(
            rx.badge(standing.open_label, variant="surface", color_scheme="gray", size="2"),
            rx.badge(standing.places_label, variant="surface", color_scheme="gray", size="2"),
            rx.cond(
                standing.paused,
                rx.badge(
                    "You are paused: nobody can send you new requests",
                    color_scheme="amber",
                    variant="soft",
                    size="2",
                ),
            ),
            spacing="2",
            wrap="wrap",
            data_testid="standing",
        ),
    )
