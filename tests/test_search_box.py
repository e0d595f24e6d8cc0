"""The directory's search box waits for one pause in typing before it searches."""

from __future__ import annotations

from peerapp.pages import directory


def test_the_search_box_waits_once_for_a_pause_in_typing():
    rendered = str(directory._search_box())
    # The input's own wait: typing stays local until the pause.
    assert f"debounceTimeout:{directory.SEARCH_PAUSE_MS}" in rendered
    # No second wait on the event after it: the two would add up.
    assert '["debounce"]' not in rendered
