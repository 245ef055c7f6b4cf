"""Home: "my substitutes", the onboardings in the user's units."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import NamedTuple

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Label

from handledare.domain.enums import Role
from handledare.i18n import N_, _, current_language, format_relative
from handledare.services import overview, people
from handledare.services.overview import OnboardingSummary
from handledare.text import fold, printable
from handledare.tui.background import in_background
from handledare.tui.translated import TranslatedBindings
from handledare.tui.widgets.status_line import StatusLine

BAR_WIDTH = 10


# Filling a table costs about a quarter of a millisecond a row; nobody reads past a
# few pages, they type to narrow. So a list of 20,000 shows its first hundred rows,
# and each key typed costs the same however long the list.
ROW_LIMIT = 100


class Listed(NamedTuple):
    """A row's texts folded once, in the worker that loaded it, for search and sort."""

    summary: OnboardingSummary
    name: str
    unit: str
    supervisor: str
    checklist: str
    searched: str


def listed(summaries: list[OnboardingSummary]) -> list[Listed]:
    language = current_language()
    rows = []
    for s in summaries:
        texts = (
            fold(s.person_name),
            fold(s.unit_name),
            fold(s.supervisor_name or ""),
            fold(s.template_title.get(language)) if s.template_title else "",
        )
        rows.append(Listed(s, *texts, "\n".join(texts)))
    return rows


def progress_bar(percent: int) -> Text:
    filled = round(BAR_WIDTH * percent / 100)
    return Text("█" * filled + "░" * (BAR_WIDTH - filled) + f" {percent:>3} %")


def name_cell(s: OnboardingSummary, today: date) -> Text:
    """The name, with a mark when a signed item has expired or soon will."""
    cell = Text(printable(s.person_name))
    if s.has_expired(today):
        cell.append(" ⚠", style="bold red")
    elif s.expires_soon(today):
        cell.append(" ◷", style="bold yellow")
    return cell


class HomeScreen(TranslatedBindings, Screen):
    BINDINGS = [
        Binding("enter", "open", N_("Open"), id="open", show=False),
        Binding("a", "add_person", N_("Add substitute"), id="add-person"),
        Binding("o", "start_onboarding", N_("Start checklist"), id="start"),
        Binding("s", "sort", N_("Sort"), id="sort", show=False),
        Binding("slash", "find", N_("Search"), id="find", show=False),
        Binding("u", "add_user", N_("Add user"), id="add-user"),
        Binding("e", "add_unit", N_("Add unit"), id="add-unit", show=False),
        Binding("l", "unlock_user", N_("Unlock a user"), id="unlock-user", show=False),
        Binding("x", "expiring", N_("Expiring"), id="expiring", show=False),
        Binding("v", "overview", N_("Overview"), id="overview"),
        Binding("ctrl+o", "app.sign_out", N_("Sign out"), id="sign-out"),
    ]

    rows: var[list[Listed]] = var(list, init=False)
    sort_column: var[int] = var(0)
    _loading = False
    _load_again = False
    _loaded_version: tuple | None = None
    # The rows sorted: made again only when the list or the sort changes, so typing
    # in a list of thousands neither sorts nor folds them.
    _order: list[Listed] | None = None

    def columns(self) -> list[str]:
        return [
            _("Name"),
            _("Progress"),
            _("Step"),
            _("Required left"),
            _("Days"),
            _("Last activity"),
            _("Checklist"),
            _("Unit"),
        ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(_("My substitutes"), classes="screen-title", id="title")
        yield Input(placeholder=_("Type to filter by name, unit or checklist"), id="filter")
        yield DataTable(id="people", cursor_type="row", zebra_stripes=True)
        yield Label("", id="count", classes="muted")
        yield StatusLine()
        yield Footer()

    def on_mount(self) -> None:
        actor = self.app.actor
        self.sub_title = f"{printable(actor.name)} · {actor.role.label}"
        table = self.query_one("#people", DataTable)
        for index, label in enumerate(self.columns()):
            table.add_column(label, key=str(index))
        table.focus()
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "overview":
            return self.app.actor is not None and self.app.actor.role is not Role.SUPERVISOR
        if action in ("add_user", "add_unit", "unlock_user"):
            return self.app.actor is not None and self.app.actor.role is Role.ADMIN
        return True

    def reload(self) -> None:
        """Read the list again if anything changed: one read at a time, since a screen is
        told it is shown more than once, and a list of thousands takes a while to read."""
        actor, store = self.app.actor, self.app.store
        if actor is None:
            return
        if self._loading:
            self._load_again = True
            return
        self._loading = True
        today = self.app.clock().date()
        known = self._loaded_version

        def read():
            version = (overview.data_version(store), today)
            return version, None if version == known else self.load(store, actor, today)

        in_background(self, read, self._read, failed=self._read_failed, group="home-list")

    def _read(self, result) -> None:
        self._loading = False
        version, loaded = result
        if loaded is not None:
            self._loaded_version = version
            self._loaded(loaded)
        if self._load_again:
            self._load_again = False
            self.reload()

    def _read_failed(self, message: str) -> None:
        self._loading = False
        self.app.show_error(message)

    def load(self, store, actor, today: date):
        """What the screen shows, read and folded in a worker thread."""
        return listed(overview.list_onboardings(store, actor))

    def _loaded(self, rows: list[Listed]) -> None:
        self.rows = rows

    def watch_rows(self) -> None:
        self._order = None
        self._fill()

    def watch_sort_column(self) -> None:
        self._order = None
        self._fill()

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        self._fill()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.query_one("#people", DataTable).focus()

    def _ordered(self) -> list[Listed]:
        if self._order is None:
            key = self.sort_keys()[self.sort_column]
            self._order = sorted(self.rows, key=key, reverse=self.sort_column in (3, 5))
        return self._order

    def _row_filter(self) -> Callable[[OnboardingSummary], bool] | None:
        """What else a row must pass besides the free text; the overview adds its choices."""
        return None

    def _cells(self, s: OnboardingSummary, today: date, now: datetime) -> list:
        language = current_language()
        return [
            name_cell(s, today),
            progress_bar(s.percent) if s.onboarding_id else Text(_("not started")),
            Text(s.current_step.label if s.current_step else ("" if not s.total else _("done"))),
            Text(str(s.required_open) if s.onboarding_id else "", justify="right"),
            Text(str((today - s.started_at.date()).days), justify="right"),
            Text(format_relative(s.last_activity, now)),
            Text(s.template_title.get(language) if s.template_title else ""),
            Text(printable(s.unit_name)),
        ]

    def sort_keys(self) -> list[Callable[[Listed], object]]:
        """One per column, in column order."""
        return [
            lambda r: r.name,
            lambda r: r.summary.percent,
            lambda r: r.summary.current_step.order if r.summary.current_step else 9,
            lambda r: r.summary.required_open,
            lambda r: r.summary.started_at,
            lambda r: r.summary.last_activity,
            lambda r: r.checklist,
            lambda r: r.unit,
        ]

    def _fill(self) -> None:
        table = self.query_one("#people", DataTable)
        wanted = fold(self.query_one("#filter", Input).value)
        passes = self._row_filter()
        shown = [row.summary for row in self._ordered() if wanted in row.searched]
        if passes is not None:
            shown = [s for s in shown if passes(s)]
        selected = self.selected()
        table.clear()
        now = self.app.clock()
        keys = []
        for s in shown[:ROW_LIMIT]:
            keys.append(s.onboarding_id or s.person_id)
            table.add_row(*self._cells(s, now.date(), now), key=keys[-1])
        if selected is not None and selected in keys:
            table.move_cursor(row=keys.index(selected))
        column = self.columns()[self.sort_column]
        if len(shown) > ROW_LIMIT:
            count = _(
                "the first {limit} of {shown} matching ({total} in all) · type to narrow · "
                "sorted by {column}"
            ).format(limit=ROW_LIMIT, shown=len(shown), total=len(self.rows), column=column)
        else:
            count = _("{shown} of {total} shown · sorted by {column}").format(
                shown=len(shown), total=len(self.rows), column=column
            )
        if any(s.has_expired(now.date()) or s.expires_soon(now.date()) for s in shown[:ROW_LIMIT]):
            count += " · " + _(
                "⚠ has expired items, ◷ an item expires within 30 days (x lists them)"
            )
        self.query_one("#count", Label).update(count)

    def selected(self) -> str | None:
        table = self.query_one("#people", DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def _selected_summary(self) -> OnboardingSummary | None:
        key = self.selected()
        return next(
            (r.summary for r in self.rows if key in (r.summary.onboarding_id, r.summary.person_id)),
            None,
        )

    @on(DataTable.RowSelected)
    def _row_chosen(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        summary = self._selected_summary()
        if summary is None:
            return
        if summary.onboarding_id is None:
            self.action_start_onboarding()
            return
        from handledare.tui.screens.walkthrough import WalkthroughScreen

        self.app.push_screen(WalkthroughScreen(summary.onboarding_id))

    @on(DataTable.HeaderSelected)
    def _header(self, event: DataTable.HeaderSelected) -> None:
        self.sort_column = int(event.column_key.value)

    def action_sort(self) -> None:
        self.sort_column = (self.sort_column + 1) % len(self.columns())

    def action_expiring(self) -> None:
        from handledare.tui.screens.expiring import ExpiringScreen

        self.app.push_screen(ExpiringScreen())

    def action_overview(self) -> None:
        from handledare.tui.screens.overview import OverviewScreen

        self.app.push_screen(OverviewScreen())

    def action_find(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_add_person(self) -> None:
        from handledare.tui.screens.forms import PersonForm

        self.app.push_screen(PersonForm())

    def action_start_onboarding(self) -> None:
        from handledare.tui.screens.forms import StartOnboardingForm

        summary = self._selected_summary()
        if summary is not None:
            self.app.push_screen(StartOnboardingForm(summary.person_id, summary.person_name))

    def action_add_user(self) -> None:
        from handledare.tui.screens.forms import UserForm

        self.app.push_screen(UserForm())

    def action_unlock_user(self) -> None:
        from handledare.tui.screens.unlock import UnlockDialog

        self.app.push_screen(UnlockDialog())

    def action_add_unit(self) -> None:
        from handledare.tui.screens.dialogs import TextPrompt

        def save(name: str | None) -> None:
            if name:
                actor, store = self.app.actor, self.app.store
                in_background(
                    self,
                    lambda: people.add_unit(store, actor, name),
                    lambda unit: self.app.notify(_("The unit has been added.")),
                )

        self.app.push_screen(TextPrompt(_("Add unit"), _("The unit's name")), save)
