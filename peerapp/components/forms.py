"""The one way to write a form piece: a form, a labelled field, an error callout.

Every form in the app uses these, so a field always has a real ``<label>``,
its hint and error are read with it (``aria-describedby``), its length limit
is the model's, and a refusal always looks and sounds the same. The dialogs
that hold forms are in ``dialogs.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx


def form(*children: rx.Component, on_submit: Any, **props: Any) -> rx.Component:
    """A form that keeps what was typed when it is sent.

    The server answers every form and may refuse: the person then corrects
    what they typed instead of typing it all again (Reflex would clear it). A
    form that should start afresh after a save takes a ``key`` that changes.
    """
    return rx.form(*children, on_submit=on_submit, reset_on_submit=False, **props)


def field_hint(text: str | rx.Var, **props: Any) -> rx.Component:
    """The small grey line under a control or a group that says what it is for."""
    return rx.text(text, size="1", color_scheme="gray", **props)


def labelled_field(
    label: str,
    field_id: str,
    *slots: rx.Component,
    max_length: int | None = None,
    hint: str | rx.Var = "",
    error: rx.Var[str] | None = None,
    area: bool = False,
    width: str = "100%",
    **control: Any,
) -> rx.Component:
    """A ``<label>`` above an input (or a text area with ``area=True``).

    ``max_length`` is the model's column limit, so the browser stops typing
    where the database would refuse. ``hint`` (words or a string var) shows under
    the control and is read with it; ``error`` (a string var) shows in red,
    marks the control invalid and is read with it too. Everything else in
    ``control`` (type, value, on_change, required, ...; ``name`` is the id unless
    given) goes to the control,
    ``width`` too (a number field is narrower than a name).
    """
    control.setdefault("name", field_id)  # what a form submits it as
    has_hint = isinstance(hint, rx.Var) or hint != ""
    described = [f"{field_id}-help"] if has_hint else []
    if error is not None:
        described.append(f"{field_id}-error")
        control.setdefault("aria_invalid", rx.cond(error != "", "true", "false"))
    if described:
        control.setdefault("aria_describedby", " ".join(described))
    if area:
        widget = rx.text_area(id=field_id, max_length=max_length, width=width, **control)
    else:
        control.setdefault("size", "2")
        widget = rx.input(*slots, id=field_id, max_length=max_length, width=width, **control)
    return rx.vstack(
        rx.el.label(label, html_for=field_id, class_name="field-label"),
        widget,
        field_hint(hint, id=f"{field_id}-help") if has_hint else rx.fragment(),
        # Always in the page, so aria-describedby never points at nothing.
        rx.text(error, id=f"{field_id}-error", size="1", color_scheme="red", weight="medium")
        if error is not None
        else rx.fragment(),
        spacing="1",
        width="100%",
    )


def text_area_field(
    label: str, field_id: str, value: rx.Var[str], on_change: Any, max_length: int, **control: Any
) -> rx.Component:
    """A text area that shows a state var and sets it as the person types (up to ``max_length``)."""
    return labelled_field(
        label,
        field_id,
        area=True,
        value=value,
        on_change=on_change,
        max_length=max_length,
        **control,
    )


def number_field(
    label: str, field_id: str, bounds: tuple[int, int], hint: str | rx.Var, **control: Any
) -> rx.Component:
    """A whole number between ``bounds`` (the service's range), with its hint."""
    low, high = bounds
    return labelled_field(
        label, field_id, type="number", min=low, max=high, step=1, hint=hint, width="8em", **control
    )


def labelled_choice(
    control: Callable[..., rx.Component],
    control_id: str,
    label: str,
    description: str | rx.Var,
    **props: Any,
) -> rx.Component:
    """A checkbox or switch with its label and a description read with it."""
    return rx.hstack(
        control(id=control_id, aria_describedby=f"{control_id}-help", **props),
        rx.vstack(
            rx.el.label(label, html_for=control_id, class_name="field-label"),
            field_hint(description, id=f"{control_id}-help"),
            spacing="0",
        ),
        align="start",
        spacing="2",
    )


def error_callout(message: rx.Var[str]) -> rx.Component:
    """A refusal in words, announced at once (``role="alert"``); nothing when empty."""
    return rx.cond(
        message != "",
        rx.callout(
            message,
            icon="triangle-alert",
            color_scheme="red",
            role="alert",
            width="100%",
        ),
    )


def fieldset(
    legend: str | rx.Var[str], *children: rx.Component, legend_id: rx.Var[str] | None = None
) -> rx.Component:
    """Controls under one ``<legend>``, read as the group's name; styled like a field label.

    ``legend_id`` gives the legend an id, for a control inside that is named by it.
    """
    named = {} if legend_id is None else {"id": legend_id}
    return rx.el.fieldset(
        rx.el.legend(legend, class_name="field-label", **named),
        *children,
        class_name="plain-fieldset",
    )


def field_row(*fields: rx.Component) -> rx.Component:
    """Fields side by side on a wide screen, one under the other on a phone."""
    return rx.grid(*fields, columns=rx.breakpoints(initial="1", sm="2"), spacing="4", width="100%")


def checkbox_group(legend: str, *choices: rx.Component, hint: str = "") -> rx.Component:
    """Checkboxes under one ``<legend>`` (read as the group's name), with a hint."""
    return fieldset(
        legend,
        field_hint(hint) if hint else rx.fragment(),
        rx.vstack(*choices, spacing="2", padding_top="0.25em"),
    )


def checkbox(control_id: str | rx.Var, label: str | rx.Var, **props: Any) -> rx.Component:
    """One checkbox with its own ``<label>`` (the whole line is clickable)."""
    return rx.hstack(
        rx.checkbox(id=control_id, **props),
        rx.el.label(label, html_for=control_id, class_name="choice-label"),
        align="start",
        spacing="2",
    )


def labelled_select(
    label: str,
    select_id: str,
    everything: str | None,
    *items: rx.Component,
    value: rx.Var[str],
    on_change: Any,
    min_width: str,
    placeholder: str | None = None,
) -> rx.Component:
    """A ``<label>`` above a select; its first item, ``everything``, stands for the value ""."""
    first = () if everything is None else (rx.select.item(everything, value="all"),)
    return rx.box(
        rx.el.label(label, html_for=select_id, class_name="field-label"),
        rx.select.root(
            rx.select.trigger(placeholder=placeholder, id=select_id, aria_label=label),
            rx.select.content(*first, *items),
            value=value if everything is None else rx.cond(value == "", "all", value),
            on_change=on_change,
            size="3",
        ),
        min_width=min_width,
    )
