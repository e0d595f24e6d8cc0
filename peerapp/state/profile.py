"""Editing your own profile and roles."""

from __future__ import annotations

import reflex as rx

from peerapp.services import profiles, programs
from peerapp.state.actions import act
from peerapp.state.live import push_inboxes


class ProfileState(rx.State):
    """The profile form. Saving always targets the signed-in person."""

    full_name: str = ""
    email: str = ""
    job_title: str = ""
    department: str = ""
    location: str = ""
    bio: str = ""
    skills: str = ""
    learning_goals: str = ""
    is_mentor: bool = False
    is_mentee: bool = False
    is_peer: bool = False
    capacity: int = 3
    paused: bool = False
    active_pairings: int = 0
    mentee_capacity: int = 2
    mentees: int = 0
    themes: list[str] = []
    program_themes: list[str] = []
    error: str = ""
    saving: bool = False
    loaded: bool = False
    revision: int = 0

    def _snapshot(self) -> tuple:
        return (
            self.full_name,
            self.job_title,
            self.department,
            self.location,
            self.bio,
            self.skills,
            self.learning_goals,
            self.is_mentor,
            self.is_mentee,
            self.is_peer,
            self.capacity,
            self.paused,
            self.mentee_capacity,
            self.themes,
        )

    def _show(self, profile: profiles.Profile) -> None:
        before = self._snapshot() if self.loaded else None
        self.full_name = profile.full_name
        self.email = profile.email
        self.job_title = profile.job_title
        self.department = profile.department
        self.location = profile.location
        self.bio = profile.bio
        self.skills = profile.skills
        self.learning_goals = profile.learning_goals
        self.is_mentor = "mentor" in profile.roles
        self.is_mentee = "mentee" in profile.roles
        self.is_peer = "peer" in profile.roles
        self.capacity = profile.capacity
        self.paused = profile.paused
        self.active_pairings = profile.active_pairings
        self.mentee_capacity = profile.mentee_capacity
        self.mentees = profile.mentees
        self.themes = list(profile.themes)
        self.program_themes = list(profile.program_themes)
        self.loaded = True
        # The form's fields are uncontrolled: a new key re-mounts them with the saved
        # values. Only when those changed: a re-mount would drop what is being typed.
        if before != self._snapshot():
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
                    for number, theme in enumerate(self.program_themes)
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
