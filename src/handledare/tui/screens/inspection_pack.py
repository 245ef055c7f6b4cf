"""Make the inspection pack of one person or one unit for a range of days, as PDF and CSV.

The CSV is written beside the PDF with the same name. Making it is recorded
(who, when, of what, both files' SHA-256), which the dialog says once done.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Label, Select

from handledare.config import documents_dir
from handledare.i18n import _, ngettext
from handledare.services import people
from handledare.services.inspection_pack import PackMade, make_pack, scope_of
from handledare.text import file_name_part, printable
from handledare.tui.background import in_background
from handledare.tui.screens.forms import Form

UNIT, PERSON = "unit:", "person:"


class InspectionPackForm(Form):
    names: dict[str, str] = {}  # each choice's unit or person name, for the file name

    def compose(self) -> ComposeResult:
        today = self.app.clock().date()
        with VerticalScroll(classes="dialog-box form"):
            yield Label(_("Inspection pack"), classes="dialog-title")
            yield Label(_("Of whom"))
            yield Select([], prompt=_("Choose a unit or a person"), id="scope")
            yield self.error_label("scope")
            yield Label(_("From (YYYY-MM-DD)"))
            yield Input((today - timedelta(days=365)).isoformat(), id="first", max_length=10)
            yield self.error_label("first")
            yield Label(_("To (YYYY-MM-DD)"))
            yield Input(today.isoformat(), id="last", max_length=10)
            yield self.error_label("last")
            yield Label(_("PDF file (the CSV is written beside it)"))
            yield Input(id="path")
            yield self.error_label("path")
            yield from self.buttons()

    def on_mount(self) -> None:
        store, actor = self.app.session

        def load() -> tuple[list[people.Unit], list[people.Person]]:
            units = [u for u in people.list_units(store) if actor.covers_unit(u.id)]
            return units, people.list_people(store, actor)

        in_background(self, load, self._loaded)

    def _loaded(self, found: tuple[list[people.Unit], list[people.Person]]) -> None:
        units, persons = found
        self.names = {UNIT + u.id: u.name for u in units} | {PERSON + p.id: p.name for p in persons}
        self.query_one("#scope", Select).set_options(
            [(_("Unit: {name}").format(name=printable(u.name)), UNIT + u.id) for u in units]
            + [(printable(p.name), PERSON + p.id) for p in persons]
        )
        self.query_one("#scope", Select).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        """Suggest a file named after the choice, in the user's Documents folder."""
        if not isinstance(event.value, str):
            return
        name = file_name_part(self.names.get(event.value, ""))
        today = self.app.clock().date().isoformat()
        suggested = documents_dir() / (_("Inspection pack") + f" {name} {today}.pdf")
        self.query_one("#path", Input).value = str(suggested)

    def _day(self, field: str) -> date | None:
        try:
            return date.fromisoformat(self.query_one(f"#{field}", Input).value.strip())
        except ValueError:
            self.field_error(field, _("Write the day as YYYY-MM-DD, e.g. 2026-11-22."))
            return None

    def save(self) -> None:
        chosen = self.chosen("scope")
        if chosen is None:
            self.field_error("scope", _("Choose a unit or a person."))
        first, last = self._day("first"), self._day("last")
        text = self.query_one("#path", Input).value.strip()
        if not text:
            self.field_error("path", _("Write where the PDF is saved."))
        if chosen is None or first is None or last is None or not text:
            return
        pdf = Path(text).expanduser()
        if pdf.suffix.lower() != ".pdf":
            pdf = pdf.with_name(pdf.name + ".pdf")
        sheet = pdf.with_suffix(".csv")
        store, actor = self.app.session
        kind, _colon, entity_id = chosen.partition(":")

        def make() -> PackMade:
            scope = scope_of(
                store,
                actor,
                person_id=entity_id if kind + ":" == PERSON else None,
                unit_id=entity_id if kind + ":" == UNIT else None,
            )
            return make_pack(store, actor, scope, first, last, pdf, sheet)

        def made(pack: PackMade) -> None:
            self.app.notify(
                ngettext(
                    "Saved: {pdf} and {csv} ({count} row).",
                    "Saved: {pdf} and {csv} ({count} rows).",
                    pack.rows,
                ).format(pdf=pdf, csv=sheet.name, count=pack.rows),
                timeout=10,
            )
            self.dismiss(pack.id)

        in_background(self, make, made, failed=self.show_problem)
