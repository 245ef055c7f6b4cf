"""The dialogs of a delegation: the nurse gives, renews or revokes it with the PIN, and the
person accepts it by typing their full name (or declines it with a reason) on the same
workstation. The rules are the service's (`services/delegations.py`); these only ask."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, SelectionList, Static

from handledare.checklists.task_list import Task
from handledare.errors import InputError
from handledare.i18n import N_, _, current_language, format_date
from handledare.services import delegations, people
from handledare.services.delegation_views import Delegation
from handledare.text import printable
from handledare.tui.app_base import AppBase
from handledare.tui.background import in_background
from handledare.tui.literal import literal
from handledare.tui.screens.pin_prompt import PinDialog
from handledare.tui.translated import TranslatedBindings


def read_day(field: Input, what: str) -> date:
    try:
        return date.fromisoformat(field.value.strip())
    except ValueError:
        raise InputError(
            _("{what}: write the date as YYYY-MM-DD, e.g. 2026-11-22.").format(what=what)
        ) from None


def decision_text(delegation: Delegation) -> str:
    """The decision as the person reads it before answering."""
    lines = [
        _("{nurse} delegates to {person}:").format(
            nurse=delegation.nurse_name, person=delegation.person_name
        ),
        delegation.tasks_text(),
        _("From {first} through {last}.").format(
            first=format_date(delegation.valid_from), last=format_date(delegation.valid_until)
        ),
    ]
    if delegation.conditions:
        lines.append(_("Conditions: {conditions}").format(conditions=delegation.conditions))
    return "\n".join(printable(line) for line in lines)


def window_fields(first: date, months: int) -> ComposeResult:
    """The first and last day and the conditions, as giving and renewing ask for them;
    the last day offered is the longest the setting allows."""
    yield Label(_("First day (YYYY-MM-DD)"))
    yield Input(first.isoformat(), id="first", max_length=10)
    yield Label(_("Last day (YYYY-MM-DD), at most {months} months on").format(months=months))
    yield Input(delegations.last_allowed_day(first, months).isoformat(), id="last", max_length=10)
    yield Label(_("Conditions (optional)"))
    yield Input(id="conditions", max_length=4000)


def read_window(screen: ModalScreen[bool]) -> tuple[date, date, str | None]:
    first = read_day(screen.query_one("#first", Input), _("First day"))
    last = read_day(screen.query_one("#last", Input), _("Last day"))
    conditions = screen.query_one("#conditions", Input).value.strip() or None
    return first, last, conditions


class GiveDelegation(PinDialog):
    """A nurse delegates tasks of the list to a person of their units."""

    def __init__(self, person_id: str | None = None) -> None:
        super().__init__(_("Give a delegation"))
        self.person_id = person_id

    def fields(self) -> ComposeResult:
        yield Label(_("Person"))
        yield Select([], prompt=_("Choose the person"), id="person")
        yield Label(_("Tasks (space chooses)"))
        yield SelectionList[str](id="tasks")
        today = self.app.clock().astimezone().date()
        yield from window_fields(today, self.app.settings.delegation_max_months)

    def first_field(self) -> Widget:
        return self.query_one("#person", Select)

    def on_mount(self) -> None:
        store, actor = self.app.session
        in_background(
            self,
            lambda: (people.list_people(store, actor), delegations.list_tasks(store)),
            self._loaded,
        )

    def _loaded(self, loaded: tuple[list[people.Person], list[Task]]) -> None:
        found, tasks = loaded
        today = self.app.clock().astimezone().date()
        present = [p for p in found if p.left_on is None or p.left_on >= today]
        choose = self.query_one("#person", Select)
        choose.set_options([(literal(f"{p.name} ({p.unit_name})"), p.id) for p in present])
        if self.person_id in {p.id for p in present}:
            choose.value = self.person_id
        language = current_language()
        listed = self.query_one("#tasks", SelectionList)
        listed.add_options([(literal(task.title.get(language)), task.key) for task in tasks])
        if tasks:
            listed.highlighted = 0  # so that space marks a task as soon as the list has focus

    def prepare(self) -> Callable[[str], object]:
        person = self.query_one("#person", Select).value
        if not isinstance(person, str):
            raise InputError(_("Choose the person the tasks are delegated to."))
        tasks = list(self.query_one("#tasks", SelectionList).selected)
        if not tasks:
            raise InputError(_("Choose at least one task (space marks it)."))
        first, last, conditions = read_window(self)
        store, actor = self.app.session
        months = self.app.settings.delegation_max_months
        return lambda pin: delegations.give(
            store, actor, person, tasks, first, last, pin, conditions, months
        )

    def done(self, result: object) -> None:
        self.app.notify(_("The delegation is signed. It is valid once the person accepts it."))
        self.dismiss(True)


class RenewDelegation(PinDialog):
    """A new delegation of the same tasks; the old one stays in the history."""

    def __init__(self, delegation: Delegation) -> None:
        super().__init__(
            _("Renew the delegation of {person}").format(person=delegation.person_name)
        )
        self.delegation = delegation

    def fields(self) -> ComposeResult:
        yield Static(literal(self.delegation.tasks_text()), classes="muted")
        today = self.app.clock().astimezone().date()
        first = max(today, self.delegation.valid_until + timedelta(days=1))
        yield from window_fields(first, self.app.settings.delegation_max_months)

    def prepare(self) -> Callable[[str], object]:
        first, last, conditions = read_window(self)
        store, actor = self.app.session
        months = self.app.settings.delegation_max_months
        old = self.delegation.id
        return lambda pin: delegations.renew(
            store, actor, old, first, last, pin, conditions, months
        )

    def done(self, result: object) -> None:
        self.app.notify(_("The renewal is signed. It is valid once the person accepts it."))
        self.dismiss(True)


class RevokeDelegation(PinDialog):
    """The nurse or a manager ends a delegation now, with a reason."""

    def __init__(self, delegation: Delegation) -> None:
        super().__init__(
            _("Revoke the delegation of {person}").format(person=delegation.person_name)
        )
        self.delegation = delegation

    def fields(self) -> ComposeResult:
        yield Static(literal(self.delegation.tasks_text()), classes="muted")
        yield Label(_("Why is it revoked?"))
        yield Input(id="reason", max_length=4000)

    def prepare(self) -> Callable[[str], object]:
        reason = self.query_one("#reason", Input).value
        if not reason.strip():
            raise InputError(_("Write why the delegation is revoked."))
        store, actor = self.app.session
        delegation_id = self.delegation.id
        return lambda pin: delegations.revoke(store, actor, delegation_id, reason, pin)

    def done(self, result: object) -> None:
        self.app.notify(_("The delegation is revoked."))
        self.dismiss(True)


class AcceptDelegation(TranslatedBindings, ModalScreen[bool]):
    """The person reads the decision and accepts it by typing their full name."""

    app = getters.app(AppBase)

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="cancel")]

    def __init__(self, delegation: Delegation) -> None:
        super().__init__(classes="dialog")
        self.delegation = delegation

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog-box"):
            yield Label(_("Accept the delegation"), classes="dialog-title")
            yield Static(Content(decision_text(self.delegation)), id="decision")
            yield Static(
                _(
                    "Accept only if you have been taught the tasks and feel sure of them. "
                    "To accept, type your full name."
                ),
                classes="muted",
            )
            yield Input(id="typed-name", max_length=200)
            yield Label("", id="error", classes="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Accept"), variant="primary", id="accept")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#typed-name", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#accept")
    def _accept(self) -> None:
        typed = self.query_one("#typed-name", Input).value
        store, actor = self.app.session
        delegation_id = self.delegation.id
        in_background(
            self,
            lambda: delegations.accept(store, actor, delegation_id, typed),
            self._accepted,
            failed=lambda message: self.query_one("#error", Label).update(literal(message)),
        )

    def _accepted(self, _none: object) -> None:
        self.app.notify(_("The delegation is accepted and valid from its first day."))
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
