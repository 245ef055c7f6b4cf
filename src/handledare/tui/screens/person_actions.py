"""What the walkthrough and the manager's review of one onboarding both open: the
substitute's introduction plan and their delegations. Each screen binds its own keys
to them, in the order its help lists them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import getters
from textual.screen import Screen

from handledare.tui.app_base import AppBase
from handledare.tui.screens.plan import PlanScreen

if TYPE_CHECKING:
    from handledare.services.onboarding import Progress


class PersonActions(Screen[None]):
    """Mixed into a screen that has `onboarding_id` and, once read, `progress`."""

    app = getters.app(AppBase)
    onboarding_id: str
    progress: Progress | None

    def action_plan(self) -> None:
        self.app.push_screen(PlanScreen(self.onboarding_id))

    def action_delegations(self) -> None:
        # Imported when first opened: the first paint does not wait for it.
        from handledare.tui.screens.delegations import DelegationsScreen

        if self.progress is not None:
            self.app.push_screen(
                DelegationsScreen(self.progress.person_id, self.progress.person_name)
            )
