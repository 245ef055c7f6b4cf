"""Forms in dialogs: add a substitute, start a checklist, add a user.

Errors appear next to the field; what was typed stays until it is saved.
"""

from __future__ import annotations

from datetime import date

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, SelectionList

from handledare.domain.enums import EmploymentType, Role
from handledare.i18n import LANGUAGES, N_, _, current_language, language_name
from handledare.security import pin_problem
from handledare.services import onboarding, people, templates
from handledare.tui.app_base import AppBase
from handledare.tui.background import in_background
from handledare.tui.compact import CompactWhenShort
from handledare.tui.literal import literal
from handledare.tui.translated import TranslatedBindings
from handledare.tui.widgets.pin_input import PinInput


class Form(CompactWhenShort, TranslatedBindings, ModalScreen[str | None]):
    """A dialog with fields, inline errors and Save / Cancel."""

    app = getters.app(AppBase)

    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), id="cancel"),
        Binding("ctrl+s", "save", N_("Save"), id="save"),
    ]

    def __init__(self):
        super().__init__(classes="dialog")

    def field_error(self, field: str, message: str) -> None:
        label = self.query_one(f"#{field}-error", Label)
        label.update(literal(message))
        label.add_class("shown")

    def clear_errors(self) -> None:
        for label in self.query(".field-error").results(Label):
            label.update("")
            label.remove_class("shown")

    def chosen(self, field: str) -> str | None:
        """The value chosen in the select `#field`; None while it shows its prompt."""
        value = self.query_one(f"#{field}", Select).value
        return value if isinstance(value, str) else None

    def setting(self, field: str) -> str:
        """The value of the select `#field`, which cannot be blank (`allow_blank=False`)."""
        value = self.chosen(field)
        if value is None:
            raise LookupError(f"#{field} has no value")
        return value

    def show_problem(self, message: str) -> None:
        self.query_one("#form-error", Label).update(literal(message))

    def buttons(self) -> ComposeResult:
        yield Label("", id="form-error", classes="error")
        with Horizontal(classes="dialog-buttons"):
            yield Button(_("Save"), variant="primary", id="save")
            yield Button(_("Cancel"), id="cancel")

    @staticmethod
    def error_label(field: str) -> Label:
        return Label("", id=f"{field}-error", classes="error field-error")

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        self.clear_errors()
        self.save()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    def save(self) -> None:
        raise NotImplementedError


class PersonForm(Form):
    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog-box form"):
            yield Label(_("Add substitute"), classes="dialog-title")
            yield Label(_("Full name"))
            yield Input(id="name", max_length=200)
            yield self.error_label("name")
            yield Label(_("Unit"))
            yield Select([], prompt=_("Choose a unit"), id="unit")
            yield self.error_label("unit")
            yield Label(_("Start date (YYYY-MM-DD)"))
            yield Input(self.app.today().isoformat(), id="start", max_length=10)
            yield self.error_label("start")
            yield Label(_("Employment"))
            yield Select(
                [(kind.label, kind.value) for kind in EmploymentType],
                value=EmploymentType.HOURLY.value,
                allow_blank=False,
                id="employment",
            )
            yield Label(_("Employee number (optional)"))
            yield Input(id="number", max_length=20)
            yield self.error_label("number")
            yield Label(_("The language the substitute reads best"))
            yield Select(language_choices(["sv"]), value="sv", allow_blank=False, id="language")
            yield Label(_("Checklist"))
            yield Select([], prompt=_("No checklist yet"), id="template")
            yield from self.buttons()

    def on_mount(self) -> None:
        store, actor = self.app.session

        def load():
            units = [u for u in people.list_units(store) if actor.covers_unit(u.id)]
            return units, templates.newest_templates(store), people.person_languages(store)

        in_background(self, load, self._loaded)
        self.query_one("#name", Input).focus()

    def _loaded(self, loaded) -> None:
        units, newest, languages = loaded
        self.query_one("#language", Select).set_options(language_choices(languages))
        self.query_one("#language", Select).value = "sv"
        unit_select = self.query_one("#unit", Select)
        unit_select.set_options([(literal(u.name), u.id) for u in units])
        if len(units) == 1:
            unit_select.value = units[0].id
        language = current_language()
        template_select = self.query_one("#template", Select)
        template_select.set_options(
            [(f"{t.title.get(language)} (v{t.version})", t.id) for t in newest]
        )
        if len(newest) == 1:
            template_select.value = newest[0].id

    @on(Input.Submitted)
    def _next(self) -> None:
        self.focus_next()

    def save(self) -> None:
        name = self.query_one("#name", Input).value
        unit = self.chosen("unit")
        start_text = self.query_one("#start", Input).value.strip()
        number = self.query_one("#number", Input).value.strip() or None
        employment = EmploymentType(self.setting("employment"))
        template = self.chosen("template")
        language = self.setting("language")
        ok = True
        if not name.strip():
            self.field_error("name", _("Write the substitute's full name."))
            ok = False
        if unit is None:
            self.field_error("unit", _("Choose the unit the substitute works in."))
            ok = False
        try:
            start = date.fromisoformat(start_text)
        except ValueError:
            self.field_error("start", _("Write the date as YYYY-MM-DD, e.g. 2026-11-22."))
            ok = False
        if number and (len(number) > 20 or not number.isalnum()):
            self.field_error("number", _("Letters and digits only, at most 20."))
            ok = False
        if not ok or unit is None:
            return
        store, actor = self.app.session

        def create() -> str:
            person = people.add_person(
                store, actor, name, unit, start, employment, number, language
            )
            if template is None:
                return person.id
            return onboarding.start_onboarding(store, actor, person.id, template)

        in_background(self, create, self.dismiss, failed=self.show_problem)


def language_choices(codes: list[str]) -> list[tuple[str, str]]:
    """Each language by its own name, with the name in the active language beside it."""
    return [
        (f"{language_name(code, code)} ({language_name(code)})", code)
        if language_name(code, code) != language_name(code)
        else (language_name(code), code)
        for code in codes
    ]


class PersonLanguageForm(Form):
    """The language a substitute reads best; their own plan is shown in it beside Swedish."""

    def __init__(self, person_id: str, person_name: str, language: str):
        super().__init__()
        self.person_id = person_id
        self.person_name = person_name
        self.language = language

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog-box form"):
            yield Label(_("The substitute's language"), classes="dialog-title")
            yield Label(literal(self.person_name))
            yield Label(_("The language the substitute reads best"))
            yield Select(
                language_choices([self.language]),
                value=self.language,
                allow_blank=False,
                id="language",
            )
            yield from self.buttons()

    def on_mount(self) -> None:
        store = self.app.session.store
        in_background(self, lambda: people.person_languages(store), self._loaded)

    def _loaded(self, languages: list[str]) -> None:
        select = self.query_one("#language", Select)
        known = languages if self.language in languages else [*languages, self.language]
        select.set_options(language_choices(known))
        select.value = self.language
        select.focus()

    def save(self) -> None:
        language = self.setting("language")
        store, actor = self.app.session
        in_background(
            self,
            lambda: people.set_person_language(store, actor, self.person_id, language),
            lambda _none: self.dismiss(language),
            failed=self.show_problem,
        )


class StartOnboardingForm(Form):
    def __init__(self, person_id: str, person_name: str):
        super().__init__()
        self.person_id = person_id
        self.person_name = person_name

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog-box form"):
            yield Label(_("Start a checklist"), classes="dialog-title")
            yield Label(literal(self.person_name), id="person")
            yield Label(_("Checklist"))
            yield Select([], prompt=_("Choose a checklist"), id="template")
            yield self.error_label("template")
            yield from self.buttons()

    def on_mount(self) -> None:
        store = self.app.session.store
        in_background(self, lambda: templates.newest_templates(store), self._loaded)

    def _loaded(self, newest) -> None:
        language = current_language()
        select = self.query_one("#template", Select)
        select.set_options([(f"{t.title.get(language)} (v{t.version})", t.id) for t in newest])
        if newest:
            select.value = newest[0].id
        select.focus()

    def save(self) -> None:
        template = self.chosen("template")
        if template is None:
            self.field_error("template", _("Choose a checklist."))
            return
        store, actor = self.app.session
        in_background(
            self,
            lambda: onboarding.start_onboarding(store, actor, self.person_id, template),
            self.dismiss,
            failed=self.show_problem,
        )


class UserForm(Form):
    """An administrator adds a supervisor, a manager or another administrator."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog-box form"):
            yield Label(_("Add user"), classes="dialog-title")
            yield Label(_("Full name"))
            yield Input(id="name", max_length=200)
            yield self.error_label("name")
            yield Label(_("Role"))
            yield Select(
                [(role.label, role.value) for role in Role],
                value=Role.SUPERVISOR.value,
                allow_blank=False,
                id="role",
            )
            yield Label(_("Units"))
            yield SelectionList[str](id="units")
            yield self.error_label("units")
            yield Label(_("Language"))
            yield Select(
                [(language_name(code, code), code) for code in LANGUAGES],
                value="sv",
                allow_blank=False,
                id="language",
            )
            yield Label(_("PIN (4-8 digits; 6-8 for managers and administrators)"))
            yield PinInput(id="pin")
            yield Label(_("The same PIN again"))
            yield PinInput(id="pin2")
            yield self.error_label("pin")
            yield from self.buttons()

    def on_mount(self) -> None:
        store = self.app.session.store
        in_background(self, lambda: people.list_units(store), self._loaded)
        self.query_one("#name", Input).focus()

    def _loaded(self, units: list[people.Unit]) -> None:
        self.query_one("#units", SelectionList).add_options(
            [(literal(unit.name), unit.id) for unit in units]
        )

    def save(self) -> None:
        name = self.query_one("#name", Input).value
        role = Role(self.setting("role"))
        units = list(self.query_one("#units", SelectionList).selected)
        language = self.setting("language")
        pin = self.query_one("#pin", Input).value
        again = self.query_one("#pin2", Input).value
        ok = True
        if not name.strip():
            self.field_error("name", _("Write the user's full name."))
            ok = False
        if role is not Role.ADMIN and not units:
            self.field_error("units", _("Choose at least one unit (space to tick)."))
            ok = False
        problem = pin_problem(pin, role) or ("" if pin == again else _("The two PINs differ."))
        if problem:
            self.field_error("pin", problem)
            ok = False
        if not ok:
            return
        store, actor = self.app.session
        in_background(
            self,
            lambda: people.add_user(store, actor, name, role, pin, units, language).id,
            self._added,
            failed=self.show_problem,
        )

    def _added(self, user_id: str) -> None:
        self.app.notify(_("The user has been added."))
        self.dismiss(user_id)
