"""A button for work that takes a moment: it says what it is doing until it is done."""

from __future__ import annotations

from typing import Any

import reflex as rx


def working_button(
    label: str | rx.Var,
    working_label: str,
    working: rx.Var[bool],
    *icon: rx.Component,
    **props: Any,
) -> rx.Component:
    """``label`` (after ``icon``), or ``working_label`` and disabled while ``working``.

    A still label, not Reflex's ``loading`` spinner: an animated spinner makes
    the browser composite a frame every 16 ms (costly without a GPU) exactly
    while the work is on its way, and a page of cards may hold many of them.
    """
    return rx.button(*icon, rx.cond(working, working_label, label), disabled=working, **props)
