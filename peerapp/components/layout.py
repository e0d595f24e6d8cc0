"""Page frame: navigation with the live request count, and the live announcer."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from peerapp import routes
from peerapp.components.bell import bell, bell_label
from peerapp.components.live import live_announcements
from peerapp.components.sections import brand, loading, notice
from peerapp.components.switcher import program_bar, program_menu_group
from peerapp.state.inbox import InboxState
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


def _inbox_badge(**props) -> rx.Component:
    """The pending incoming count, when there is one."""
    return rx.cond(
        SessionState.signed_in & (InboxState.incoming_count > 0),
        rx.badge(
            InboxState.incoming_count,
            color_scheme="tomato",
            variant="solid",
            radius="full",
            **props,
        ),
    )


def _pending_label() -> rx.Var[str]:
    return InboxState.incoming_count.to_string() + " pending incoming requests"


def _links(link: Callable[..., rx.Component], inbox_badge: rx.Component) -> list[rx.Component]:
    """The main navigation, each made by ``link(label, href, *extra)``; Settings for admins."""
    return [
        link("Directory", routes.DIRECTORY),
        link("Inbox", routes.INBOX, inbox_badge),
        link("My pairings", routes.PEERS),
        link("Profile", routes.PROFILE),
        link("Programs", routes.PROGRAMS),
        rx.cond(SessionState.is_admin, link("Settings", routes.SETTINGS)),
    ]


def _wide_nav() -> rx.Component:
    """The links in a row, for screens wide enough to hold them (hidden on phones)."""
    badge = _inbox_badge(aria_label=_pending_label(), data_testid="inbox-count")
    return rx.el.nav(
        rx.hstack(*_links(_nav_link, badge), spacing="5", align="center", wrap="wrap"),
        aria_label="Main",
        class_name="nav-wide",
    )


def _menu_link(label: str, href: str, *extra: rx.Component) -> rx.Component:
    # A menu item that navigates in the browser (no server round trip). Not an
    # as_child link: Radix Themes' Item cannot slot onto one in this build
    # ("Slot failed to slot onto its children").
    return rx.menu.item(
        rx.hstack(label, *extra, spacing="2", align="center"),
        on_select=rx.redirect(href),
    )


def _narrow_menu() -> rx.Component:
    """One Menu button on phones; Radix gives it arrow keys, Escape and focus return."""
    has_news = SessionState.signed_in & (InboxState.incoming_count > 0)
    # The same landmark as the row of links: only one of the two is ever shown.
    return rx.el.nav(
        rx.menu.root(
            rx.menu.trigger(
                rx.button(
                    rx.icon("menu", size=18, aria_hidden="true"),
                    "Menu",
                    _inbox_badge(aria_hidden="true"),
                    variant="soft",
                    color_scheme="gray",
                    size="2",
                    aria_label=rx.cond(has_news, "Menu, " + _pending_label(), "Menu"),
                ),
            ),
            rx.menu.content(
                *_links(_menu_link, _inbox_badge(aria_label=_pending_label())),
                rx.menu.item(bell_label(), on_select=rx.redirect(routes.NOTIFICATIONS)),
                program_menu_group(),
                rx.cond(
                    SessionState.session_ended,
                    rx.fragment(),
                    rx.fragment(
                        rx.menu.separator(),
                        rx.menu.item("Sign out", on_select=SessionState.sign_out),
                    ),
                ),
                align="end",
                min_width="12rem",
            ),
            # Not modal: a modal menu marks the page behind it aria-hidden while its
            # links stay focusable (axe: aria-hidden-focus). Focus still moves into
            # the menu, Escape and Tab close it, and focus returns to the button.
            modal=False,
        ),
        aria_label="Main",
        class_name="nav-narrow",
    )


def navbar() -> rx.Component:
    """Top navigation; Settings only for admins (the server checks again).

    Wide screens show the links in a row, and the program switcher in a bar
    under them; below 900 px (styles.css) one Menu button takes the place of
    both, so the page starts under a single short bar.
    """
    return rx.el.header(
        rx.hstack(
            rx.link(
                brand(),
                href=routes.DIRECTORY,
                underline="none",
                color_scheme="gray",
                high_contrast=True,
                aria_label="peerapp home",
            ),
            _wide_nav(),
            rx.spacer(),
            rx.hstack(
                rx.cond(SessionState.signed_in, bell()),
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
                        class_name="nav-wide",
                    ),
                ),
                _narrow_menu(),
                spacing="3",
                align="center",
            ),
            align="center",
            spacing="6",
            wrap="wrap",
            class_name="navbar-inner",
        ),
        program_bar(),
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
                    loading(rx.text("Loading…"), padding="4em"),
                ),
            ),
            id="main",
            class_name="page",
        ),
    )


def request_standing() -> rx.Component:
    """Above the pages where requests are sent and answered: whether peer requests are
    paused, then how many open requests and places are used."""
    return rx.fragment(peer_mentorship_off_notice(), usage_summary())


def peer_mentorship_off_notice() -> rx.Component:
    """Shown wherever requests would otherwise be offered."""
    return rx.cond(
        ~InboxState.peer_mentorship_enabled,
        notice(
            "Peer mentorship is off in this program. You can still browse colleagues, "
            "but new peer requests are paused.",
            icon="info",
        ),
    )


def usage_summary() -> rx.Component:
    """'2 of 5 open requests used · You have 1 of 3 places left' for peers and mentors."""
    usage = InboxState.usage
    return rx.cond(
        usage.open_label != "",
        rx.hstack(
            rx.badge(usage.open_label, variant="surface", color_scheme="gray", size="2"),
            *(
                rx.cond(
                    label != "", rx.badge(label, variant="surface", color_scheme="gray", size="2")
                )
                for label in (usage.places_label, usage.mentee_places_label)
            ),
            rx.cond(
                usage.paused,
                rx.badge(
                    "You are paused: nobody can send you new requests",
                    color_scheme="amber",
                    variant="soft",
                    size="2",
                ),
            ),
            spacing="2",
            wrap="wrap",
            data_testid="usage",
        ),
    )
