"""What a tab shows about live news and its own connection.

News arrives in the person's shared channel state (``InboxState``) as an
``announcement`` with a sequence number. Each tab toasts a sequence number once:
a page change inside the app does not repeat it, and a tab opened later does
not replay old news (only news younger than a few seconds at first sight).
Screen readers hear the same text through the polite live region in the frame.
"""

from __future__ import annotations

import reflex as rx

from peerapp import reflex_compat
from peerapp.reflex_compat import TOAST
from peerapp.state.inbox import InboxState

# News older than this when a tab first sees it is not toasted (already seen elsewhere).
FRESH_MS = 8000


def _toast_hook(channel: str, seq: rx.Var, message: rx.Var, at: rx.Var) -> rx.Var:
    code = f"""useEffect(() => {{
  const seen = (window.__peerappSeen = window.__peerappSeen || {{}});
  const seq = {seq};
  if (!seq) return;
  const first = seen["{channel}"] === undefined;
  if (!first && seq <= seen["{channel}"]) return;
  seen["{channel}"] = seq;
  if (first && Date.now() - {at} > {FRESH_MS}) return;
  if ({TOAST}) {TOAST}.info({message}, {{duration: 6000}});
}}, [{seq}]);"""
    return reflex_compat.js_hook(code, [seq, message, at, TOAST], imports={"react": ["useEffect"]})


class LiveAnnouncer(reflex_compat.OwnMemoDiv):
    """The polite live region; its effect toasts the person's channel news.

    A memo boundary of its own: the effect reads the channel, and a hook at page
    level would re-render the whole page on every push to it.
    """

    def add_hooks(self) -> list[str | rx.Var]:
        """One effect per channel, keyed on its news sequence number."""
        return [
            _toast_hook(
                "inbox",
                InboxState.announcement_seq,
                InboxState.announcement,
                InboxState.announced_at,
            ),
        ]


def live_announcements() -> rx.Component:
    """Toasts plus the polite live region for screen readers."""
    return LiveAnnouncer.create(
        InboxState.announcement,
        aria_live="polite",
        role="status",
        class_name="sr-only",
        data_testid="inbox-announcer",
    )


def connection_status() -> rx.Component:
    """A visible, announced notice while the tab's connection is being restored."""
    return rx.cond(
        reflex_compat.CONNECTION_LOST,
        rx.el.div(
            rx.hstack(
                rx.spinner(size="2"),
                rx.text(
                    "Connection lost. Reconnecting… Your inbox catches up as soon as it is back.",
                    size="2",
                    weight="medium",
                ),
                spacing="2",
                align="center",
                justify="center",
            ),
            role="status",
            aria_live="polite",
            class_name="connection-status",
            data_testid="connection-status",
        ),
    )
