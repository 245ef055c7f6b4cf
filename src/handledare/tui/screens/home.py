"""Home: "my substitutes", the onboardings in the user's units."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header, Label, Static

from handledare.domain.enums import Role
from handledare.i18n import N_, _, current_language
from handledare.services.overview import OnboardingSummary, Sort
from handledare.tui.app_base import FirstRead
from handledare.tui.background import LatestRead
from handledare.tui.bar_text import bar_text
from handledare.tui.screens.onboarding_list import Loaded, OnboardingListActions
from handledare.tui.screens.report_keys import ReportKeys
from handledare.tui.translated import TranslatedBindings
from handledare.tui.widgets.filter_field import FilterField
from handledare.tui.widgets.key_footer import KeyFooter
from handledare.tui.widgets.onboarding_table import (
    DAYS,
    LAST_ACTIVITY,
    NAME,
    REQUIRED_LEFT,
    UNIT,
    Column,
    OnboardingTable,
)
from handledare.tui.widgets.status_line import StatusLine
from handledare.tui.widgets.sync_progress import SyncProgress

BAR_WIDTH = 10


def _step(s: OnboardingSummary) -> str:
    return s.current_step.label if s.current_step else ("" if not s.total else _("done"))


def _checklist(s: OnboardingSummary) -> str:
    return s.template_title.get(current_language()) if s.template_title else ""


COLUMNS = (
    NAME,
    Column(
        N_("Progress"),
        lambda s, now: (
            Text(bar_text(s.percent, BAR_WIDTH)) if s.onboarding_id else Text(_("not started"))
        ),
        Sort.PROGRESS,
        priority=1,
    ),
    Column(N_("Step"), lambda s, now: Text(_step(s)), Sort.STEP, priority=3),
    REQUIRED_LEFT,
    DAYS,
    LAST_ACTIVITY,
    Column(N_("Checklist"), lambda s, now: Text(_checklist(s)), Sort.CHECKLIST, priority=8),
    UNIT,
)


class HomeScreen(ReportKeys, OnboardingListActions, TranslatedBindings, Screen):
    BINDINGS = [
        Binding("enter", "open", N_("Open"), id="open"),
        Binding("down", "to_list", N_("To the list"), id="to-list", show=False),
        Binding("a", "add_person", N_("Add substitute"), id="add-person"),
        Binding("o", "start_onboarding", N_("Start checklist"), id="start"),
        Binding("s", "sort", N_("Sort"), id="sort", show=False),
        Binding("slash", "find", N_("Search"), id="find"),
        Binding("u", "add_user", N_("Add user"), id="add-user"),
        Binding("e", "add_unit", N_("Add unit"), id="add-unit", show=False),
        Binding("l", "unlock_user", N_("Unlock a user"), id="unlock-user", show=False),
        Binding("x", "expiring", N_("Expiring"), id="expiring"),
        Binding("v", "overview", N_("Overview"), id="overview"),
        Binding("ctrl+o", "app.sign_out", N_("Sign out"), id="sign-out"),
    ]

    def __init__(self, first_read: FirstRead | None = None) -> None:
        super().__init__(first_read)
        self.onboardings = OnboardingTable(COLUMNS)
        self.reads: LatestRead[Loaded] = LatestRead(
            self, lambda loaded: self.show_first_page(*loaded), group="home-list"
        )

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(_("My substitutes"), classes="screen-title", id="title")
        yield Static("", id="expiring-summary")
        yield FilterField(
            placeholder=_("Type to filter by name, unit or checklist (↓ to the list)"), id="filter"
        )
        yield self.onboardings
        yield SyncProgress()
        yield StatusLine()
        yield KeyFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "overview":
            return self.app.role not in (None, Role.SUPERVISOR)
        return super().check_action(action, parameters)

    def action_open(self) -> None:
        # Imported when first opened: the first paint after sign-in does not wait for it.
        from handledare.tui.screens.walkthrough import WalkthroughScreen

        self.open_selected(WalkthroughScreen)

    def action_overview(self) -> None:
        # Imported when first opened: the first paint after sign-in does not wait for it.
        from handledare.tui.screens.overview import OverviewScreen

        self.app.push_screen(OverviewScreen())
