"""The training matrix on screen: people by tracked items and delegated tasks, a state per cell.

Every cell shows a marker and a word (never colour alone); the line under
the table says what the cell at the cursor rests on. `e` writes the same
matrix as CSV for Excel.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Header, Label, Select

from handledare.config import documents_dir
from handledare.domain.validity import Validity
from handledare.i18n import N_, _, format_date, format_datetime, ngettext
from handledare.services import people
from handledare.services.training_matrix import Matrix, export_matrix, training_matrix
from handledare.text import file_name_part, printable
from handledare.tui.app_base import AppBase
from handledare.tui.background import in_background
from handledare.tui.literal import literal
from handledare.tui.screens.dialogs import TextPrompt
from handledare.tui.translated import TranslatedBindings
from handledare.tui.widgets.key_footer import KeyFooter
from handledare.tui.widgets.status_line import StatusLine

# Colour beside the word and the marker, never instead of them.
STATE_STYLE = {
    Validity.CURRENT: "green",
    Validity.EXPIRING: "bold yellow",
    Validity.EXPIRED: "bold red",
    Validity.NOT_YET: "",
    Validity.NONE: "dim",
}
HEADING_WIDTH = 14


def heading(title: str) -> str:
    """A column's title cut to fit beside a dozen others; the whole title shows below."""
    title = printable(title)
    return title if len(title) <= HEADING_WIDTH else title[: HEADING_WIDTH - 1] + "…"


class TrainingMatrixScreen(TranslatedBindings, Screen[None]):
    app = getters.app(AppBase)

    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="back"),
        Binding("e", "export", N_("Save as CSV"), id="export"),
        Binding("u", "choose_unit", N_("Choose unit"), id="choose-unit", show=False),
        Binding("f", "choose_state", N_("Choose state"), id="choose-state", show=False),
    ]

    matrix: Matrix | None = None
    unit_names: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(_("Training matrix"), classes="screen-title")
        with Horizontal(id="filters"):
            yield Select([], prompt=_("All units"), id="unit-filter")
            yield Select(
                [(state.shown(), state.value) for state in Validity],
                prompt=_("All states"),
                id="state-filter",
            )
        yield DataTable(id="matrix", cursor_type="cell", zebra_stripes=True, fixed_columns=1)
        yield Label("", id="cell", classes="muted")
        yield StatusLine()
        yield KeyFooter()

    def on_mount(self) -> None:
        store, actor = self.app.session
        self.query_one("#matrix", DataTable).focus()

        def units() -> list[tuple[str, str]]:
            return [(u.name, u.id) for u in people.list_units(store) if actor.covers_unit(u.id)]

        in_background(self, units, self._units_read)
        self.reload()

    def _units_read(self, units: list[tuple[str, str]]) -> None:
        self.unit_names = {unit_id: name for name, unit_id in units}
        self.query_one("#unit-filter", Select).set_options(
            [(printable(name), unit_id) for name, unit_id in units]
        )

    def _chosen(self, selector: str) -> str | None:
        value = self.query_one(selector, Select).value
        return value if isinstance(value, str) else None

    @on(Select.Changed)
    def reload(self) -> None:
        store, actor = self.app.session
        today = self.app.clock().date()
        unit_id = self._chosen("#unit-filter")
        state = self._chosen("#state-filter")
        warning = self.app.settings.expiry_warning_days
        in_background(
            self,
            lambda: training_matrix(
                store, actor, today, unit_id, Validity(state) if state else None, warning
            ),
            self._loaded,
            group="matrix",
            exclusive=True,
        )

    def _loaded(self, matrix: Matrix) -> None:
        self.matrix = matrix
        table = self.query_one("#matrix", DataTable)
        table.clear(columns=True)
        table.add_column(_("Name"), key="name")
        for column in matrix.columns:
            table.add_column(heading(column.title), key=column.key)
        for row in matrix.rows:
            table.add_row(
                Text(printable(row.person_name)),
                *(Text(cell.state.shown(), style=STATE_STYLE[cell.state]) for cell in row.cells),
                key=row.person_id,
            )
        self._describe()

    @on(DataTable.CellHighlighted)
    def _describe(self) -> None:
        """What the cell at the cursor rests on, in full."""
        label = self.query_one("#cell", Label)
        matrix = self.matrix
        if matrix is None or not matrix.rows:
            label.update(_("Nobody here matches the filters."))
            return
        table = self.query_one("#matrix", DataTable)
        row = matrix.rows[min(table.cursor_row, len(matrix.rows) - 1)]
        count = ngettext("{count} person", "{count} people", len(matrix.rows)).format(
            count=len(matrix.rows)
        )
        if table.cursor_column == 0 or not matrix.columns:
            label.update(literal(f"{count} · {printable(row.person_name)} · {row.unit_name}"))
            return
        column = matrix.columns[min(table.cursor_column - 1, len(matrix.columns) - 1)]
        cell = row.cells[matrix.columns.index(column)]
        parts = [printable(row.person_name), printable(column.title), cell.state.shown()]
        if cell.ground is not None:
            if cell.last is not None:
                parts.append(_("last day {date}").format(date=format_date(cell.last)))
            parts.append(
                _("by {name}, {when}").format(
                    name=printable(cell.ground.by), when=format_datetime(cell.ground.at)
                )
            )
        label.update(literal(" · ".join(parts)))

    def action_choose_unit(self) -> None:
        self.query_one("#unit-filter", Select).focus()

    def action_choose_state(self) -> None:
        self.query_one("#state-filter", Select).focus()

    def action_export(self) -> None:
        store, actor = self.app.session
        today = self.app.clock().date()
        unit_id = self._chosen("#unit-filter")
        state = self._chosen("#state-filter")
        warning = self.app.settings.expiry_warning_days
        name = file_name_part(f"{self.unit_names.get(unit_id or '', '')} {today.isoformat()}")
        suggested = documents_dir() / (_("Training matrix") + f" {name}.csv")

        def chosen(path: str | None) -> None:
            if not path:
                return
            out = Path(path.strip()).expanduser()
            in_background(
                self,
                lambda: export_matrix(
                    store, actor, out, today, unit_id, Validity(state) if state else None, warning
                ),
                lambda _count: self.app.notify(_("Saved: {path}").format(path=out)),
            )

        self.app.push_screen(
            TextPrompt(_("Save the matrix as CSV"), _("File"), value=str(suggested)), chosen
        )

    def action_back(self) -> None:
        self.app.pop_screen()
