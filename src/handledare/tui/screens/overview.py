"""The unit manager's overview: every onboarding of their units, counts, a chart, filters."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Header, Label, Select, Static

from handledare.domain.enums import ReviewStatus
from handledare.i18n import N_, _
from handledare.services import overview, review
from handledare.services.overview import Choice, OnboardingSummary, Sort
from handledare.text import printable
from handledare.tui.app_base import FirstRead
from handledare.tui.background import LatestRead, in_background
from handledare.tui.screens.onboarding_list import Loaded, OnboardingListActions
from handledare.tui.screens.report_keys import ReportKeys
from handledare.tui.translated import TranslatedBindings
from handledare.tui.widgets.filter_field import FilterField
from handledare.tui.widgets.key_footer import KeyFooter
from handledare.tui.widgets.month_chart import MonthChart
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

if TYPE_CHECKING:
    from textual.widget import AwaitMount


STATUS_STYLE = {
    ReviewStatus.NOT_STARTED: "dim",
    ReviewStatus.IN_PROGRESS: "",
    ReviewStatus.WAITING_FOR_APPROVAL: "bold",
    ReviewStatus.APPROVED: "green",
    ReviewStatus.HAS_EXPIRED: "bold red",
}


def status_cell(s: OnboardingSummary, today: date) -> Text:
    status = s.review_status(today)
    label = status.label
    if s.approval_override and status is ReviewStatus.APPROVED:
        label += " " + _("(exception)")
    return Text(label if s.onboarding_id else _("no checklist"), style=STATUS_STYLE[status])


COLUMNS = (
    NAME,
    Column(
        N_("Status"),
        lambda s, now: status_cell(s, now.date()),
        Sort.STATUS,
        priority=1,
    ),
    Column(
        N_("Signed"),
        lambda s, now: Text(f"{s.percent} %" if s.onboarding_id else "", justify="right"),
        Sort.PROGRESS,
        priority=3,
    ),
    REQUIRED_LEFT,
    DAYS,
    LAST_ACTIVITY,
    Column(
        N_("Supervisor"),
        lambda s, now: Text(printable(s.supervisor_name or "")),
        Sort.SUPERVISOR,
        priority=5,
    ),
    UNIT,
)

# The status counts, the unit and supervisor choices and the number of conflicts: read
# behind the first page.
Details = tuple[dict[ReviewStatus, int], list[Choice], list[Choice], int]


class OverviewScreen(ReportKeys, OnboardingListActions, TranslatedBindings, Screen):
    """The supervisor's list with more columns and filters, counts and a chart above it."""

    BINDINGS = [
        Binding("enter", "open", N_("Open"), id="open"),
        Binding("down", "to_list", N_("To the list"), id="to-list", show=False),
        Binding("a", "add_person", N_("Add substitute"), id="add-person", show=False),
        Binding("o", "start_onboarding", N_("Start checklist"), id="start", show=False),
        Binding("d", "chart", N_("Chart"), id="chart"),
        Binding("s", "sort", N_("Sort"), id="sort"),
        Binding("slash", "find", N_("Search"), id="find"),
        Binding("u", "add_user", N_("Add user"), id="add-user"),
        Binding("e", "add_unit", N_("Add unit"), id="add-unit", show=False),
        Binding("x", "expiring", N_("Expiring"), id="expiring"),
        Binding("D", "delegations", N_("Delegations"), id="delegations"),
        Binding("ctrl+o", "app.sign_out", N_("Sign out"), id="sign-out"),
        Binding("escape", "back", N_("Back"), id="back", show=False),
    ]
    # From this many rows the chart stands above the list; below, `d` shows one or the other.
    ROWS_FOR_BOTH = 36

    conflict_count = 0
    # The choices' mount, once begun behind the first page.
    choices_mounted: AwaitMount | None = None
    # Whether the chart is wanted: None until `d` is pressed, then the person's choice.
    chart_wanted: bool | None = None

    def __init__(self, first_read: FirstRead | None = None) -> None:
        super().__init__(first_read)
        self.onboardings = OnboardingTable(COLUMNS)
        self.reads: LatestRead[Loaded] = LatestRead(
            self, lambda loaded: self.show_first_page(*loaded), group="home-list"
        )

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(_("Overview"), classes="screen-title", id="title")
        yield Static("", id="status-counts")
        yield Static("", id="expiring-summary")
        yield MonthChart(id="chart")
        with Horizontal(id="filters"):
            yield FilterField(placeholder=_("Type to filter"), id="filter")
            # The choices' place: they come behind the first page (`read_behind`).
            yield Static(id="choices-place")
        yield self.onboardings
        yield SyncProgress()
        yield StatusLine()
        yield KeyFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":  # opened from the home list, not the manager's own home
            return self.app.screen_stack[0] is not self
        return super().check_action(action, parameters)

    def read_behind(self) -> None:
        """The chart, the counts, the choices and the conflicts."""
        if self.choices_mounted is None:
            self.choices_mounted = self._mount_choices()
        store, actor = self.app.session
        today = self.app.clock().date()
        in_background(
            self,
            lambda: overview.started_and_approved(store, actor, today),
            self.query_one(MonthChart).show,
            group="overview-chart",
            exclusive=True,
        )
        in_background(
            self,
            lambda: (
                overview.status_counts(store, actor, today),
                *overview.list_choices(store, actor),
                len(review.list_conflicts(store, actor)),
            ),
            self._details_loaded,
            group="overview-details",
            exclusive=True,
        )

    def _mount_choices(self) -> AwaitMount:
        """The three choices, in the place kept for them. Made after the first page is
        drawn: with their lists, they took a third of the time from the PIN to it."""
        self.query_one("#choices-place").remove()
        return self.query_one("#filters", Horizontal).mount_all(
            [
                Select([], prompt=_("All units"), id="unit-filter"),
                Select(
                    [(status.label, status.value) for status in ReviewStatus],
                    prompt=_("All statuses"),
                    id="status-filter",
                ),
                Select([], prompt=_("All supervisors"), id="supervisor-filter"),
            ]
        )

    async def _details_loaded(self, details: Details) -> None:
        if self.choices_mounted is not None:
            await self.choices_mounted
        counts, units, supervisors, self.conflict_count = details
        self._refill_choices("#unit-filter", units)
        self._refill_choices("#supervisor-filter", supervisors)
        self._show_counts(counts)

    def _refill_choices(self, selector: str, choices: list[Choice]) -> None:
        """Offer what is in the list now; keep the chosen value if it is still there."""
        select = self.query_one(selector, Select)
        chosen = select.value
        select.set_options([(printable(choice.name), choice.id) for choice in choices])
        if any(choice.id == chosen for choice in choices):
            select.value = chosen

    @on(Select.Changed)
    def _choice_changed(self) -> None:
        """The list shows only the chosen unit, status and supervisor (new choices report a
        change too; the list is read again only for a real one)."""
        unit, status, supervisor = (
            None if value == Select.NULL else value
            for value in (
                self.query_one(f"#{name}-filter", Select).value
                for name in ("unit", "status", "supervisor")
            )
        )
        self.onboardings.want(
            unit_id=unit,
            status=ReviewStatus(status) if isinstance(status, str) else None,
            supervisor_id=supervisor,
        )

    def _show_counts(self, counts: dict[ReviewStatus, int]) -> None:
        """Of all the actor's onboardings, so they change with the list, not the filter."""
        parts = [f"{status.label.capitalize()}: {counts[status]}" for status in ReviewStatus]
        if self.conflict_count:
            parts.append(_("Conflicts from sync: {count}").format(count=self.conflict_count))
        self.query_one("#status-counts", Static).update(" · ".join(parts))

    def on_resize(self) -> None:
        self._arrange_chart()

    def _arrange_chart(self) -> None:
        """The chart above the list when both fit; else the one asked for with `d`."""
        both = self.size.height >= self.ROWS_FOR_BOTH
        chart = self.chart_wanted if self.chart_wanted is not None else both
        self.query_one(MonthChart).display = chart
        for part in ("#filters", "#onboardings"):
            self.query_one(part).display = both or not chart

    def action_chart(self) -> None:
        self.chart_wanted = not self.query_one(MonthChart).display
        self._arrange_chart()

    def action_open(self) -> None:
        # Imported when first opened: the first paint after sign-in does not wait for it.
        from handledare.tui.screens.person_review import PersonReviewScreen

        self.open_selected(PersonReviewScreen)

    def action_delegations(self) -> None:
        # Imported when first opened: the first paint after sign-in does not wait for it.
        from handledare.tui.screens.delegations import DelegationsScreen

        self.app.push_screen(DelegationsScreen())

    def action_back(self) -> None:
        self.app.pop_screen()
