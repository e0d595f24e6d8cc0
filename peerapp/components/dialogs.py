"""The one way to write a dialog: one that confirms, one that is a form, and their buttons.

Every dialog in the app uses these, so Cancel is always first and focused
when the dialog opens, Escape closes it through the same handler, and a
refusal inside a form dialog looks and sounds like one on a page.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from peerapp.components.forms import error_callout, form


def dialog_footer(
    action: rx.Component, cancel: str = "Cancel", close: Any = rx.dialog.close, **props: Any
) -> rx.Component:
    """A dialog's Cancel (``close`` wraps it so it closes the dialog), then its ``action``."""
    return rx.hstack(
        close(rx.button(cancel, type="button", variant="soft", color_scheme="gray")),
        action,
        justify="end",
        spacing="3",
        width="100%",
        **props,
    )


def _footer(
    cancel: str, confirm: str | rx.Var, on_confirm: Any, loading: rx.Var[bool] | None, submit: bool
) -> rx.Component:
    # Radix focuses the Cancel button when the dialog opens (the safe choice)
    # and closes the dialog with it, through ``on_open_change`` when controlled.
    return dialog_footer(
        # Not an alert_dialog.action: its auto-close would race the handler.
        rx.button(
            confirm,
            type="submit" if submit else "button",
            color_scheme="tomato",
            loading=loading,
            on_click=None if submit else on_confirm,
        ),
        cancel=cancel,
        close=rx.alert_dialog.cancel,
        padding_top="0.5em",
        # On a phone a long confirm label goes under Cancel instead of past the edge.
        wrap="wrap",
    )


def confirm_dialog(
    title: str | rx.Var,
    description: str | rx.Var,
    *body: rx.Component,
    cancel: str,
    confirm: str | rx.Var,
    on_confirm: Any = None,
    detail: rx.Var | None = None,
    trigger: rx.Component | None = None,
    open: rx.Var[bool] | None = None,
    on_close: Any = None,
    on_submit: Any = None,
    loading: rx.Var[bool] | None = None,
) -> rx.Component:
    """Ask before something that cannot be undone.

    Either ``trigger`` (the dialog opens itself) or ``open`` + ``on_close`` (a
    state var decides; Escape and Cancel call the handler ``on_close``).
    ``detail`` is a grey line under the title (who it concerns); ``body`` sits
    under the description. With ``on_submit`` the body and buttons form one
    form and the confirm button submits it (``on_confirm`` is then unused).
    """
    buttons = _footer(cancel, confirm, on_confirm, loading, submit=on_submit is not None)
    inner = rx.vstack(*body, buttons, spacing="3", padding_top="0.75em", width="100%")
    if on_submit is not None:
        inner = form(inner, on_submit=on_submit)
    content = rx.alert_dialog.content(
        rx.alert_dialog.title(title),
        rx.text(detail, size="2", color_scheme="gray") if detail is not None else rx.fragment(),
        rx.alert_dialog.description(
            description, size="2", padding_top="0.5em" if detail is not None else None
        ),
        inner,
    )
    if trigger is not None:
        return rx.alert_dialog.root(rx.alert_dialog.trigger(trigger), content)
    return rx.alert_dialog.root(
        content,
        open=open,
        on_open_change=lambda _open: on_close(),
    )


def form_dialog(
    title: str | rx.Var,
    description: str | rx.Var,
    *body: rx.Component,
    submit: str,
    on_submit: Any,
    open: rx.Var[bool],
    on_close: Any,
    error: rx.Var[str],
    loading: rx.Var[bool] | None = None,
) -> rx.Component:
    """A dialog that is one form: fields, the refusal in words, Cancel and the submit button.

    The fields are uncontrolled and the form is not reset on submit, so a
    refusal (shown in the dialog, announced at once) leaves everything as typed.
    ``open`` + ``on_close`` as for ``confirm_dialog``.
    """
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(title),
            rx.dialog.description(description, size="2", color_scheme="gray"),
            form(
                rx.vstack(
                    *body,
                    error_callout(error),
                    dialog_footer(
                        rx.button(submit, type="submit", loading=loading),
                        padding_top="0.5em",
                        wrap="wrap",
                    ),
                    spacing="4",
                    padding_top="1em",
                    width="100%",
                ),
                on_submit=on_submit,
            ),
            max_width="34rem",
        ),
        open=open,
        on_open_change=lambda _open: on_close(),
    )
