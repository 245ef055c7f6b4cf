"""The keys of the delegation reports on the home and overview screens, by role.

The training matrix and the inspection pack are for unit managers and
administrators; "who was allowed" also for nurses. Each screen opens when
first asked for, so the home's first paint never waits for them.
"""

from __future__ import annotations

from textual import getters
from textual.binding import Binding
from textual.screen import Screen

from handledare.domain.enums import Role
from handledare.i18n import N_
from handledare.tui.app_base import AppBase

MANAGING = (Role.MANAGER, Role.ADMIN)
ASKING = (Role.MANAGER, Role.NURSE, Role.ADMIN)


class ReportKeys(Screen[None]):
    """Mixed into a screen before its list's base class, so its `check_action` runs first."""

    app = getters.app(AppBase)

    BINDINGS = [
        Binding("m", "training_matrix", N_("Training matrix"), id="matrix", show=False),
        Binding("w", "who_was_allowed", N_("Who was allowed on a day"), id="allowed", show=False),
        Binding("i", "inspection_pack", N_("Inspection pack"), id="inspection", show=False),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("training_matrix", "inspection_pack"):
            return self.app.role in MANAGING
        if action == "who_was_allowed":
            return self.app.role in ASKING
        return super().check_action(action, parameters)

    def action_training_matrix(self) -> None:
        # Imported when first opened: the first paint after sign-in does not wait for it.
        from handledare.tui.screens.training_matrix import TrainingMatrixScreen

        self.app.push_screen(TrainingMatrixScreen())

    def action_who_was_allowed(self) -> None:
        # Imported when first opened: the first paint after sign-in does not wait for it.
        from handledare.tui.screens.allowed import AllowedScreen

        self.app.push_screen(AllowedScreen())

    def action_inspection_pack(self) -> None:
        # Imported when first opened: the first paint after sign-in does not wait for it.
        from handledare.tui.screens.inspection_pack import InspectionPackForm

        self.app.push_screen(InspectionPackForm())
