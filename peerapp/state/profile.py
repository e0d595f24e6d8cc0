"""Editing your own profile and roles."""

from __future__ import annotations

import dataclasses

import reflex as rx

from peerapp.services import profiles, programs
from peerapp.state.actions import act
from peerapp.state.live import push_inboxes


def _form_values(profile: profiles.Profile) -> profiles.Profile:
    """What the form's fields hold: the profile less what only its labels and hints show."""
    return dataclasses.replace(profile, email="", active_pairings=0, mentees=0, program_themes=[])


class ProfileState(rx.State):
    """The profile form. Saving always targets the signed-in person."""

    # The saved profile the form starts from (None until the first load). Its
    # fields are uncontrolled: what is typed stays in the browser until Save.
    profile: profiles.Profile | None = None
    error: str = ""
    saving: bool = False
    loaded: bool = False
    revision: int = 0

    def _show(self, profile: profiles.Profile) -> None:
        before = _form_values(self.profile) if self.profile is not None else None
        self.profile = profile
        self.loaded = True
        # A new key re-mounts the form's fields with the saved values. Only when
        # those changed: a re-mount would drop what is being typed.
        if before != _form_values(profile):
            self.revision += 1

    @rx.event
    async def load(self):
        """on_load: the signed-in person's profile."""

        def work(db, viewer):
            self.error = ""
            self._show(
                profiles.get_profile(
                    db, program_id=viewer.program_id, employee_id=viewer.employee_id
                )
            )

        async for update in act(self, work):
            yield update

    @rx.event
    async def save(self, form_data: dict):
        """Save the form; the service validates every field."""
        data = form_data if isinstance(form_data, dict) else {}
        program_themes = self.profile.program_themes if self.profile is not None else []

        def work(db, viewer):
            # An unticked checkbox is simply absent from the form data.
            roles = [role for role in programs.ROLES if data.get(f"role_{role}") in ("on", True)]
            change = profiles.update_profile(
                db,
                program_id=viewer.program_id,
                actor_id=viewer.employee_id,
                full_name=data.get("full_name", ""),
                job_title=data.get("job_title", ""),
                department=data.get("department", ""),
                location=data.get("location", ""),
                bio=data.get("bio", ""),
                skills=data.get("skills", ""),
                learning_goals=data.get("learning_goals", ""),
                roles=roles,
                # As typed: the service reads it (ASCII digits, 0 to the maximum).
                capacity=data.get("capacity"),
                paused=data.get("paused") in ("on", True),
                mentee_capacity=data.get("mentee_capacity"),
                # Ticked themes arrive as theme_<n> of the program's list, in its order.
                themes=[
                    theme
                    for number, theme in enumerate(program_themes)
                    if data.get(f"theme_{number}") in ("on", True)
                ],
            )
            self._show(change.profile)
            self.error = ""
            push_inboxes(change.told, actor_id=viewer.employee_id)
            return rx.toast.success("Profile saved.")

        async for update in act(self, work, busy="saving", refused=self._refused):
            yield update

    def _refused(self, message: str) -> None:
        self.error = message
