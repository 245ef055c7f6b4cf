"""What the manager's review of one substitute shows: the facts, the items, history, conflicts."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.content import Content
from textual.widgets import Static

from handledare.domain.events import EventType
from handledare.i18n import _, current_language, format_date, format_datetime, ngettext
from handledare.services.onboarding import HistoryEntry, ItemState, Progress
from handledare.services.review import Conflict
from handledare.text import printable
from handledare.tui.widgets import item_view
from handledare.tui.widgets.fitted_table import Cell, FittedTable


class ReviewFacts(Static):
    """Checklist and progress, approval, expiry, the last acknowledgement, conflicts to see to."""

    def __init__(self) -> None:
        super().__init__("", id="facts")

    def show(
        self,
        progress: Progress,
        history: list[HistoryEntry],
        conflicts: list[Conflict],
        names: dict[str, str],
        today: date,
    ) -> None:
        # Every name in the facts is already made printable; only the line breaks are ours.
        self.update(Content("\n".join(self._lines(progress, history, conflicts, names, today))))

    @staticmethod
    def _lines(
        progress: Progress,
        history: list[HistoryEntry],
        conflicts: list[Conflict],
        names: dict[str, str],
        today: date,
    ) -> list[str]:
        language = current_language()
        lines = [
            _("{checklist}, version {version} · {signed} of {total} signed ({percent} %)").format(
                checklist=progress.template.title.get(language),
                version=progress.template.version,
                signed=progress.signed_count,
                total=progress.total,
                percent=progress.percent,
            )
        ]
        if progress.approved_at:
            approval = _("Approved to work alone {when} by {name}.").format(
                when=format_datetime(progress.approved_at),
                name=item_view.name_of(names, progress.approved_by),
            )
            if progress.approval_override:
                approval += " " + _("Exception with required items open: {reason}").format(
                    reason=printable(progress.approval_override)
                )
            lines.append(approval)
        elif progress.required_open:
            lines.append(
                ngettext(
                    "Not approved: {count} required item is still open.",
                    "Not approved: {count} required items are still open.",
                    len(progress.required_open),
                ).format(count=len(progress.required_open))
            )
        else:
            lines.append(_("Every required item is signed: ready for approval."))
        day = today.isoformat()
        expired = [
            s for s in progress.states.values() if s.signed and s.expires_on and s.expires_on < day
        ]
        if expired:
            lines.append(
                ngettext(
                    "⚠ {count} signed item has expired and must be gone through again.",
                    "⚠ {count} signed items have expired and must be gone through again.",
                    len(expired),
                ).format(count=len(expired))
            )
        acknowledged = [e for e in history if e.type is EventType.ACKNOWLEDGED]
        if acknowledged:
            last = acknowledged[-1]
            lines.append(
                _("Last acknowledged {when} by the substitute as {name}.").format(
                    when=format_datetime(last.at), name=printable(last.data["typed_name"])
                )
            )
        if conflicts:
            lines.append(
                ngettext(
                    "⚠ {count} conflict from sync to look at (c).",
                    "⚠ {count} conflicts from sync to look at (c).",
                    len(conflicts),
                ).format(count=len(conflicts))
            )
        return lines


class ReviewTable(FittedTable):
    """A table of the review whose rows are read by key."""

    def selected_key(self) -> str | None:
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value


class ItemsTable(ReviewTable):
    """Every item: its state, when it expires, who signed it, when and where.

    As the terminal narrows, the workstation goes first, then when and who signed.
    """

    def __init__(self) -> None:
        super().__init__(
            [
                "",
                _("Item"),
                _("State"),
                _("Expires"),
                _("Signed by"),
                _("When"),
                _("Workstation"),
                _("Proof"),
            ],
            [0, 0, 1, 2, 3, 4, 6, 5],
            # A long reason gives way first, then the title, to keep who signed and when.
            shrink=(2, 1),
            keep=4,
            id="items",
        )

    def show(self, progress: Progress, names: dict[str, str], here: str, today: date) -> None:
        numbers = progress.numbers
        rows = []
        for item in progress.template.items():
            state = progress.states.get(item.key)
            expires: str | Text = ""
            by = when = workstation = ""
            if state is not None and state.signed_at is not None:
                if state.expires_on:
                    day = date.fromisoformat(state.expires_on)
                    expires = Text(format_date(day), style="bold red" if day < today else "")
                by = item_view.name_of(names, state.signed_by)
                when = format_datetime(state.signed_at)
                workstation = self._workstation(state.signed_workstation, here)
            proof = state.evidence if state else None
            cells: tuple[Cell, ...] = (
                item_view.marker(state, item.key in progress.waiting),
                item_view.numbered(numbers[item.key], item),
                self._state_cell(state, item_view.waits_for(progress, item.key)),
                expires,
                by,
                when,
                workstation,
                Text(printable(proof.summary()) if proof else ""),
            )
            rows.append((item.key, cells))
        self.show_rows(rows)

    @staticmethod
    def _state_cell(state: ItemState | None, waits_for: str) -> Text:
        """In words, so that "not applicable" never reads as signed off."""
        if state is None or (state.mark is None and not state.signed):
            text = _("waits for {items}").format(items=waits_for) if waits_for else _("open")
        elif state.not_applicable:
            text = _("not applicable: {reason}").format(reason=printable(state.reason or ""))
        elif state.signed:
            text = _("signed off")
        else:
            assert state.mark is not None
            text = state.mark.label + (f": {printable(state.reason)}" if state.reason else "")
        return Text(text)

    @staticmethod
    def _workstation(workstation_id: str | None, here: str) -> str:
        if workstation_id == here:
            return _("here")
        return (workstation_id or "")[:8]


class HistoryTable(ReviewTable):
    """Everything that happened to the onboarding, oldest first."""

    def __init__(self) -> None:
        super().__init__([_("When"), _("Who"), _("Item"), _("What")], id="history-table")

    def show(self, progress: Progress, history: list[HistoryEntry], names: dict[str, str]) -> None:
        numbers = progress.numbers
        rows = []
        for entry in history:
            key = entry.data.get("item_key")
            cells = (
                format_datetime(entry.at),
                item_view.who(entry, names),
                item_view.numbered(numbers[key], progress.template.recorded_item(key))
                if key
                else "",
                item_view.what(entry, whole=True),
            )
            rows.append((entry.id, cells))
        self.show_rows(rows)


class ConflictTable(ReviewTable):
    """Edits from sync made without seeing each other, side by side."""

    def __init__(self) -> None:
        super().__init__([_("Item"), _("This edit"), _("Made without seeing")], id="conflict-table")

    def show(
        self,
        progress: Progress,
        conflicts: list[Conflict],
        history: list[HistoryEntry],
        names: dict[str, str],
    ) -> None:
        by_id: dict[str | None, HistoryEntry] = {entry.id: entry for entry in history}
        rows = []
        for conflict in conflicts:
            key = conflict.item_key
            cells = (
                item_view.numbered(progress.numbers[key], progress.template.recorded_item(key)),
                self._event_line(by_id.get(conflict.event_id), names),
                self._event_line(by_id.get(conflict.other_event_id), names),
            )
            rows.append((conflict.key, cells))
        self.show_rows(rows)

    @staticmethod
    def _event_line(entry: HistoryEntry | None, names: dict[str, str]) -> str:
        return item_view.describe(entry, names) if entry else _("(not here)")
