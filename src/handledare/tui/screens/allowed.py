""" "Who was allowed to do this on that day?" and, for one person, "what were they allowed?".

Choose a task (a delegation task or a checklist item) or a person, and a day:
the table lists each ground that held that day, with who signed or delegated
it, when, and on which workstation. Read from the history, so any past day
answers as it was.
"""

from __future__ import annotations

from datetime import date

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Label, Select

from handledare.i18n import N_, _, format_date, format_datetime, ngettext
from handledare.services import allowed, people, workstations
from handledare.services.allowed import Allowance, TaskChoice
from handledare.text import printable
from handledare.tui.app_base import AppBase
from handledare.tui.background import in_background
from handledare.tui.translated import TranslatedBindings
from handledare.tui.widgets.key_footer import KeyFooter
from handledare.tui.widgets.status_line import StatusLine

Answer = tuple[date, list[Allowance], dict[str, str]]


class AllowedScreen(TranslatedBindings, Screen[None]):
    app = getters.app(AppBase)

    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="back"),
        Binding("t", "choose_task", N_("Choose task"), id="choose-task"),
        Binding("p", "choose_person", N_("Choose person"), id="choose-person"),
        Binding("d", "choose_day", N_("Choose day"), id="choose-day"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(_("Who was allowed on a day"), classes="screen-title")
        with Horizontal(id="filters"):
            yield Select([], prompt=_("Choose a task"), id="task")
            yield Select([], prompt=_("… or a person"), id="person")
            yield Input(
                self.app.clock().date().isoformat(),
                placeholder=_("Day (YYYY-MM-DD)"),
                id="day",
                max_length=10,
            )
        yield Label("", id="day-error", classes="error")
        yield DataTable(id="allowed", cursor_type="row", zebra_stripes=True)
        yield Label(_("Choose a task or a person, and a day."), id="count", classes="muted")
        yield StatusLine()
        yield KeyFooter()

    def on_mount(self) -> None:
        store, actor = self.app.session
        table = self.query_one("#allowed", DataTable)
        table.add_columns(
            _("Name"), _("Task"), _("Ground"), _("By"), _("When"), _("Workstation"), _("Valid")
        )
        self.query_one("#task", Select).focus()

        def choices() -> tuple[list[TaskChoice], list[people.Person]]:
            return allowed.tasks_in_scope(store, actor), people.list_people(store, actor)

        in_background(self, choices, self._choices_read)

    def _choices_read(self, found: tuple[list[TaskChoice], list[people.Person]]) -> None:
        tasks, persons = found
        self.query_one("#task", Select).set_options(
            [(printable(task.title), task.key) for task in tasks]
        )
        self.query_one("#person", Select).set_options(
            [(printable(person.name), person.id) for person in persons]
        )

    def _chosen(self, selector: str) -> str | None:
        value = self.query_one(selector, Select).value
        return value if isinstance(value, str) else None

    @on(Select.Changed, "#task")
    def _task_chosen(self) -> None:
        if self._chosen("#task"):
            self.query_one("#person", Select).clear()
        self.ask()

    @on(Select.Changed, "#person")
    def _person_chosen(self) -> None:
        if self._chosen("#person"):
            self.query_one("#task", Select).clear()
        self.ask()

    @on(Input.Submitted, "#day")
    def ask(self) -> None:
        """Ask again with what is chosen now; a day that is no date is said beside it."""
        task, person = self._chosen("#task"), self._chosen("#person")
        error = self.query_one("#day-error", Label)
        text = self.query_one("#day", Input).value.strip()
        try:
            day = date.fromisoformat(text)
        except ValueError:
            error.update(_("Write the day as YYYY-MM-DD, e.g. 2026-11-22."))
            return
        error.update("")
        if task is None and person is None:
            return
        store, actor = self.app.session

        def answer() -> Answer:
            if task is not None:
                found = allowed.allowed_on(store, actor, task, day)
            else:
                assert person is not None
                found = allowed.allowed_for_person(store, actor, person, day)
            return day, found, workstations.names(store)

        in_background(self, answer, self._answered, group="allowed", exclusive=True)

    def _answered(self, answer: Answer) -> None:
        day, found, known = answer
        table = self.query_one("#allowed", DataTable)
        table.clear()
        for a in found:
            table.add_row(
                printable(a.person_name),
                printable(a.task_title),
                a.ground,
                printable(a.by),
                format_datetime(a.at),
                printable(workstations.label(a.workstation, known.get(a.workstation))),
                a.days_text(),
            )
        self.query_one("#count", Label).update(
            ngettext(
                "{count} ground held on {day}.", "{count} grounds held on {day}.", len(found)
            ).format(count=len(found), day=format_date(day))
            if found
            else _("Nobody held a valid delegation or sign-off for it on {day}.").format(
                day=format_date(day)
            )
        )

    def action_choose_task(self) -> None:
        self.query_one("#task", Select).focus()

    def action_choose_person(self) -> None:
        self.query_one("#person", Select).focus()

    def action_choose_day(self) -> None:
        self.query_one("#day", Input).focus()

    def action_back(self) -> None:
        self.app.pop_screen()
