"""The unit manager's overview: every onboarding of their units, counts, a chart, filters."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Header, Input, Label, Select, Sparkline, Static

from handledare.domain.enums import ReviewStatus
from handledare.i18n import N_, _, format_relative
from handledare.services import overview, review
from handledare.services.overview import OnboardingSummary
from handledare.text import fold, printable
from handledare.tui.screens.home import HomeScreen, Listed, listed, name_cell
from handledare.tui.widgets.status_line import StatusLine

STATUS_STYLE = {
    ReviewStatus.NOT_STARTED: "dim",
    ReviewStatus.IN_PROGRESS: "",
    ReviewStatus.WAITING_FOR_APPROVAL: "bold",
    ReviewStatus.APPROVED: "green",
    ReviewStatus.HAS_EXPIRED: "bold red",
}


class OverviewScreen(HomeScreen):
    """Built on the supervisor's home: the same list, more columns and filters."""

    BINDINGS = [
        Binding("enter", "open", N_("Open"), id="open", show=False),
        Binding("x", "expiring", N_("Expiring"), id="expiring"),
        Binding("s", "sort", N_("Sort"), id="sort"),
        Binding("slash", "find", N_("Search"), id="find"),
        Binding("a", "add_person", N_("Add substitute"), id="add-person", show=False),
        Binding("o", "start_onboarding", N_("Start checklist"), id="start", show=False),
        Binding("escape", "back", N_("Back"), id="back", show=False),
        Binding("ctrl+o", "app.sign_out", N_("Sign out"), id="sign-out"),
    ]

    conflict_count = 0
    _filled_with: tuple | None = None

    def columns(self) -> list[str]:
        return [
            _("Name"),
            _("Status"),
            _("Signed"),
            _("Required left"),
            _("Days"),
            _("Last activity"),
            _("Supervisor"),
            _("Unit"),
        ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(_("Overview"), classes="screen-title", id="title")
        yield Static("", id="status-counts")
        with Horizontal(id="chart"):
            yield Label(_("Started"), classes="chart-label")
            yield Sparkline([], id="started")
            yield Label(_("Approved"), classes="chart-label")
            yield Sparkline([], id="approved")
            yield Label("", id="chart-range", classes="muted")
        with Horizontal(id="filters"):
            yield Input(placeholder=_("Type to filter"), id="filter")
            yield Select([], prompt=_("All units"), id="unit-filter")
            yield Select(
                [(status.label, status.value) for status in ReviewStatus],
                prompt=_("All statuses"),
                id="status-filter",
            )
            yield Select([], prompt=_("All supervisors"), id="supervisor-filter")
        yield DataTable(id="people", cursor_type="row", zebra_stripes=True)
        yield Label("", id="count", classes="muted")
        yield StatusLine()
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return len(self.app.screen_stack) > 1
        if action == "overview":
            return False
        return super().check_action(action, parameters)

    def load(self, store, actor, today: date):
        return (
            listed(overview.list_onboardings(store, actor)),
            overview.started_and_approved(store, actor, today),
            len(review.list_conflicts(store, actor)),
        )

    def _loaded(self, loaded) -> None:
        rows, months, self.conflict_count = loaded
        summaries = [row.summary for row in rows]
        self._refill_choices("#unit-filter", {s.unit_name for s in summaries})
        self._refill_choices(
            "#supervisor-filter", {s.supervisor_name for s in summaries if s.supervisor_name}
        )
        self.query_one("#started", Sparkline).data = [m.started for m in months]
        self.query_one("#approved", Sparkline).data = [m.approved for m in months]
        self.query_one("#chart-range", Label).update(
            _("last 12 months: {started} started, {approved} approved").format(
                started=sum(m.started for m in months),
                approved=sum(m.approved for m in months),
            )
        )
        super()._loaded(rows)

    def _refill_choices(self, selector: str, names: set[str]) -> None:
        """Offer what is in the list now; keep the chosen value if it is still there."""
        select = self.query_one(selector, Select)
        chosen = select.value
        select.set_options([(printable(name), name) for name in sorted(names, key=fold)])
        if chosen in names:
            select.value = chosen

    @on(Select.Changed)
    def _choice_changed(self) -> None:
        """New choices report a change too; the list is filled again only for a real one."""
        chosen = self._chosen()
        if chosen != self._filled_with:
            self._fill()

    def _chosen(self) -> tuple:
        return tuple(
            self.query_one(f"#{name}-filter", Select).value
            for name in ("unit", "status", "supervisor")
        )

    def watch_rows(self) -> None:
        """The counts are of everything loaded, so they change with the list, not the filter."""
        super().watch_rows()
        today = self.app.clock().date()
        counts = overview.status_counts([row.summary for row in self.rows], today)
        parts = [f"{status.label.capitalize()}: {counts[status]}" for status in ReviewStatus]
        if self.conflict_count:
            parts.append(_("Conflicts from sync: {count}").format(count=self.conflict_count))
        self.query_one("#status-counts", Static).update(" · ".join(parts))

    def _row_filter(self) -> Callable[[OnboardingSummary], bool] | None:
        """The chosen unit, status and supervisor; remembered as what the list shows."""
        self._filled_with = unit, status, supervisor = self._chosen()
        if unit == status == supervisor == Select.NULL:
            return None
        today = self.app.clock().date()
        return lambda s: (
            unit in (Select.NULL, s.unit_name)
            and status in (Select.NULL, s.review_status(today).value)
            and supervisor in (Select.NULL, s.supervisor_name)
        )

    def _cells(self, s: OnboardingSummary, today: date, now: datetime) -> list:
        status = s.review_status(today)
        label = status.label
        if s.approval_override and status is ReviewStatus.APPROVED:
            label += " " + _("(exception)")
        return [
            name_cell(s, today),
            Text(label if s.onboarding_id else _("no checklist"), style=STATUS_STYLE[status]),
            Text(f"{s.percent} %" if s.onboarding_id else "", justify="right"),
            Text(str(s.required_open) if s.onboarding_id else "", justify="right"),
            Text(str((today - s.started_at.date()).days), justify="right"),
            Text(format_relative(s.last_activity, now)),
            Text(printable(s.supervisor_name or "")),
            Text(printable(s.unit_name)),
        ]

    def sort_keys(self) -> list[Callable[[Listed], object]]:
        today = self.app.clock().date()
        rank = {status: index for index, status in enumerate(ReviewStatus)}
        return [
            lambda r: r.name,
            lambda r: rank[r.summary.review_status(today)],
            lambda r: r.summary.percent,
            lambda r: r.summary.required_open,
            lambda r: r.summary.started_at,
            lambda r: r.summary.last_activity,
            lambda r: r.supervisor,
            lambda r: r.unit,
        ]

    def action_open(self) -> None:
        summary = self._selected_summary()
        if summary is None:
            return
        if summary.onboarding_id is None:
            self.action_start_onboarding()
            return
        from handledare.tui.screens.person_review import PersonReviewScreen

        self.app.push_screen(PersonReviewScreen(summary.onboarding_id))

    def action_back(self) -> None:
        self.app.pop_screen()
