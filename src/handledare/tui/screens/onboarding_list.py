"""What the supervisor's home and the manager's overview share besides the table itself.

Their base class, not a screen of its own (it composes nothing): reading the
list's first page when the screen is shown and the pages the table asks for,
counting the rows behind them, and what the keys, the filter field and a chosen
row do. Each screen composes the onboarding table, says what else it reads and
which keys it offers, and opens a row its own way.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from concurrent.futures import Future
from datetime import date
from typing import TYPE_CHECKING, Any

from textual import events, getters
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Static

from handledare.domain.actor import Actor
from handledare.domain.enums import Role
from handledare.i18n import _, load_formats
from handledare.services import expiring, overview, people
from handledare.services.overview import ListQuery, OnboardingSummary
from handledare.text import printable
from handledare.tui.app_base import AppBase, FirstRead
from handledare.tui.background import LatestRead, in_background, read_in_thread
from handledare.tui.screens.expiring import summary
from handledare.tui.widgets.onboarding_table import PAGE, OnboardingTable

if TYPE_CHECKING:
    from handledare.services.sign_in import Store

# A page of the list as a screen shows it: the query it was read for, and its rows.
Loaded = tuple[ListQuery, list[OnboardingSummary]]

# Seconds without a key typed before the rows a text matches are counted.
COUNT_AFTER = 0.3


class OnboardingListActions(Screen[None]):
    """For a screen that gives `onboardings`, `reads`, `read` and `action_open`."""

    app = getters.app(AppBase)
    onboardings: OnboardingTable
    reads: LatestRead[Any]

    def __init__(self, first_read: FirstRead | None = None) -> None:
        """`first_read`: the first page, when the sign-in has read it already."""
        super().__init__()
        # What runs out is read across the user's units, and that takes a while on a big
        # database: once per change of the data, not at every reload (a pull reloads often).
        self.expiry_reads: LatestRead[expiring.Counts] = LatestRead(
            self, self._show_expiry, group="expiring-summary"
        )
        self._first_read = first_read or self._begin_first_read()
        # Hidden behind another screen or the lock since it was made: then a resume restyles.
        self._hidden = False
        self._count_timer: Timer | None = None

    @staticmethod
    def read_first_page(store: Store, actor: Actor, today: date) -> FirstRead:
        """The first page read at once, in the caller's worker: the sign-in's, as soon as
        the PIN is right, so that the screen made then shows the page in its first frame."""
        read: Future[tuple[int, object]] = Future()
        read.set_result(OnboardingListActions._first_page(store, actor, today))
        return OnboardingListActions._first_key(actor, today), read

    def _begin_first_read(self) -> FirstRead | None:
        """The first page read from the moment the screen is made, beside Textual's work of
        mounting it (a tenth of a second or more), for the query it starts with; `reload`
        takes it if it still wants that page."""
        if self.app.role is None:
            return None
        store, actor = self.app.session
        today = self.app.clock().date()
        read = read_in_thread(lambda: self._first_page(store, actor, today))
        return self._first_key(actor, today), read

    @staticmethod
    def _first_key(actor: Actor, today: date) -> Hashable:
        """What a first read was read for, as `reload` compares it: who, the day, the query
        a screen starts with and the rows of a page."""
        return actor, today, ListQuery(), PAGE

    @staticmethod
    def _first_page(store: Store, actor: Actor, today: date) -> tuple[int, object]:
        """The data's version, and the first page for the query a screen starts with."""
        load_formats()
        version = overview.data_version(store)
        return version, OnboardingListActions.read(store, actor, today, ListQuery(), PAGE)

    @staticmethod
    def read(store: Store, actor: Actor, today: date, query: ListQuery, rows: int) -> Loaded:
        """What the screen shows first, read in a worker thread: the list's first `rows`
        rows for `query`."""
        return query, overview.list_page(store, actor, query, today, 0, rows)

    def action_open(self) -> None:
        raise NotImplementedError

    def reload(self) -> None:
        """Read again if anything changed; only while someone is signed in."""
        if self.app.role is None:
            return
        store, actor = self.app.session
        today = self.app.clock().date()
        query = self.onboardings.query_shown
        # As many rows as were loaded, so a list scrolled down stays where it was.
        rows = max(PAGE, len(self.onboardings.rows))

        first, self._first_read = self._first_read, None
        if first is not None and first[0] == (actor, today, query, rows):
            begun = first[1]
            if begun.done() and begun.exception() is None:
                # Read by now (at the sign-in, or while the screen mounted): shown in the
                # screen's first frame, not in a frame after it.
                version, page = begun.result()
                self.reads.deliver((version, today), page)
            else:
                self.reads.request(lambda: (begun.result()[0], today), lambda: begun.result()[1])
            return

        def read() -> object:
            load_formats()
            return self.read(store, actor, today, query, rows)

        self.reads.request(lambda: (overview.data_version(store), today), read)

    def _count_expiring(self) -> None:
        """Behind the first page, as it reads across the user's units: not to slow it."""
        store, actor = self.app.session
        today = self.app.clock().date()
        days = self.app.settings.expiry_warning_days
        self.expiry_reads.request(
            lambda: (overview.data_version(store), today, days),
            lambda: expiring.counts(store, actor, today, days),
        )

    def _show_expiry(self, counts: expiring.Counts) -> None:
        days = self.app.settings.expiry_warning_days
        self.query_one("#expiring-summary", Static).update(summary(counts, days))

    def show_first_page(self, query: ListQuery, rows: list[OnboardingSummary]) -> None:
        """The list's first rows. What is read behind them begins once they are drawn: its
        results would otherwise come in, and be shown, before they are. Drawn means a frame
        after the one that first showed them: a table shown with its screen takes in its
        first size (its resize, its scrollbar) only after that frame, and draws again."""
        shown = self.onboardings.show_page(query, 0, rows)
        after = query if shown else None
        self.call_after_refresh(self.call_after_refresh, self._after_first_page, after)

    def _after_first_page(self, shown: ListQuery | None) -> None:
        if self.app.role is None:  # signed out meanwhile
            return
        if shown is not None:
            self._count_now(shown)  # not typed: nothing to wait for
        self._count_expiring()
        self.read_behind()

    def read_behind(self) -> None:
        """What else the screen reads behind its first page, if anything."""

    def on_onboarding_table_wanted(self, wanted: OnboardingTable.Wanted) -> None:
        store, actor = self.app.session
        today = self.app.clock().date()
        query, offset = wanted.query, wanted.offset

        def shown(rows: list[OnboardingSummary]) -> None:
            if self.onboardings.show_page(query, offset, rows) and offset == 0:
                self._count(query)

        in_background(
            self,
            lambda: overview.list_page(store, actor, query, today, offset, PAGE),
            shown,
            group="list-page",
            exclusive=True,
        )

    def _count(self, query: ListQuery) -> None:
        """Once typing pauses: counting what a short text matches reads the whole list
        (a tenth of a second at a municipality's scale), and counted at every key it would
        slow the next key's page."""
        if self._count_timer is not None:
            self._count_timer.stop()
        self._count_timer = self.set_timer(COUNT_AFTER, lambda: self._count_now(query))

    def _count_now(self, query: ListQuery) -> None:
        self._count_timer = None
        if query != self.onboardings.query_shown or self.app.role is None:  # or signed out
            return
        store, actor = self.app.session
        today = self.app.clock().date()
        in_background(
            self,
            lambda: overview.count_listed(store, actor, query, today),
            lambda counted: self.onboardings.show_count(query, counted),
            group="list-count",
            exclusive=True,
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("add_user", "add_unit", "unlock_user"):
            return self.app.role is Role.ADMIN
        return True

    def on_mount(self) -> None:
        actor = self.app.session.actor
        self.sub_title = f"{printable(actor.name)} · {actor.role.label}"
        # The field says "type to filter", so what is typed first goes there; the letters
        # that are commands work once the list has focus (↓, Enter or Tab).
        self.query_one("#filter", Input).focus()
        self.reload()
        # A long pull brings rows while the list is shown: read again as they arrive.
        self.watch(self.app, "sync_progress", lambda _progress: self.reload(), init=False)

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        if not self._hidden:
            # Styled as its widgets mounted and not hidden since: Textual's restyling of
            # every widget as a screen resumes (some 45 ms on the overview, twice as a user's
            # mode begins) would only repeat it. Runs before Textual's own handler.
            event.refresh_styles = False
        self.reload()

    def on_screen_suspend(self) -> None:
        self._hidden = True

    def on_input_changed(self, event: Input.Changed) -> None:
        self.onboardings.filter_by(event.value)

    def on_input_submitted(self) -> None:
        self.onboardings.table.focus()

    def on_data_table_row_selected(self) -> None:
        self.action_open()

    def open_selected(self, screen_for: Callable[[str], Screen]) -> None:
        """The chosen onboarding on the screen given, or a new checklist where it has none."""
        summary = self.onboardings.selected_summary()
        if summary is None:
            return
        if summary.onboarding_id is None:
            self.action_start_onboarding()
            return
        self.app.push_screen(screen_for(summary.onboarding_id))

    def action_sort(self) -> None:
        self.onboardings.sort_next()

    def action_find(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_to_list(self) -> None:
        self.onboardings.table.focus()

    def action_expiring(self) -> None:
        # Imported when first opened: the first paint after sign-in does not wait for it.
        from handledare.tui.screens.expiring import ExpiringScreen

        self.app.push_screen(ExpiringScreen())

    def action_add_person(self) -> None:
        # Imported when first opened: the first paint after sign-in does not wait for it.
        from handledare.tui.screens.forms import PersonForm

        self.app.push_screen(PersonForm())

    def action_start_onboarding(self) -> None:
        # Imported when first opened: the first paint after sign-in does not wait for it.
        from handledare.tui.screens.forms import StartOnboardingForm

        summary = self.onboardings.selected_summary()
        if summary is not None:
            self.app.push_screen(StartOnboardingForm(summary.person_id, summary.person_name))

    def action_add_user(self) -> None:
        # Imported when first opened: the first paint after sign-in does not wait for it.
        from handledare.tui.screens.forms import UserForm

        self.app.push_screen(UserForm())

    def action_unlock_user(self) -> None:
        # Imported when first opened: the first paint after sign-in does not wait for it.
        from handledare.tui.screens.unlock import UnlockDialog

        self.app.push_screen(UnlockDialog())

    def action_add_unit(self) -> None:
        # Imported when first opened: the first paint after sign-in does not wait for it.
        from handledare.tui.screens.dialogs import TextPrompt

        def save(name: str | None) -> None:
            if name:
                store, actor = self.app.session
                in_background(
                    self,
                    lambda: people.add_unit(store, actor, name),
                    lambda unit: self.app.notify(_("The unit has been added.")),
                )

        self.app.push_screen(TextPrompt(_("Add unit"), _("The unit's name")), save)
