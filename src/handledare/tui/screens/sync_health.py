"""Sync status for managers and administrators: every workstation on the share, how far it
is trusted, its last batch and clock, and every file there that could not be used.

What is shown is what this workstation recorded at its last rounds; it is read in a
worker and again whenever a round finishes. An administrator approves, rejects or
revokes a workstation from here, with their PIN.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Label, Static

from handledare.domain.enums import Role
from handledare.i18n import N_, _, format_datetime, ngettext
from handledare.services import sync
from handledare.services.sync import ShareStatus, TrustState, WorkstationStatus
from handledare.text import printable
from handledare.tui.app_base import AppBase
from handledare.tui.background import in_background
from handledare.tui.translated import TranslatedBindings
from handledare.tui.widgets.key_footer import KeyFooter
from handledare.tui.widgets.status_line import StatusLine

_DECISIONS = ("approve", "reject", "revoke")


class SyncHealthScreen(TranslatedBindings, Screen):
    app = getters.app(AppBase)

    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="back"),
        Binding("g", "decide('approve')", N_("Approve"), id="approve-workstation"),
        Binding("n", "decide('reject')", N_("Reject"), id="reject-workstation"),
        Binding("r", "decide('revoke')", N_("Revoke key"), id="revoke-workstation"),
    ]

    status: ShareStatus | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(_("Sync status"), classes="screen-title")
        yield Static("", id="summary", classes="muted")
        yield DataTable(id="workstations", cursor_type="row", zebra_stripes=True)
        yield Label(_("Files on the share that could not be used"), classes="subheading")
        with VerticalScroll(id="problems"):
            yield Static("", id="problem-list")
        yield StatusLine()
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#workstations", DataTable).add_columns(
            _("Workstation"), _("State"), _("Batch"), _("Seen"), _("Clock")
        )
        self.query_one("#workstations", DataTable).focus()
        self.watch(self.app, "sync_status", lambda _text: self.reload(), init=True)

    def reload(self) -> None:
        store, _actor = self.app.session
        in_background(
            self,
            lambda: sync.share_status(store),
            self._loaded,
            group="sync-health",
            exclusive=True,
        )

    def _loaded(self, status: ShareStatus) -> None:
        self.status = status
        table = self.query_one("#workstations", DataTable)
        cursor = table.cursor_row
        table.clear()
        for w in status.workstations:
            table.add_row(*_row(w), key=w.workstation_id)
        if status.workstations:
            table.move_cursor(row=min(cursor, len(status.workstations) - 1))
        lines = [f"{printable(p.path)}\n  {printable(p.reason)}" for p in status.problems]
        self.query_one("#problem-list", Static).update(Text("\n".join(lines) or _("None.")))
        self.query_one("#summary", Static).update(Text(_summary(status)))
        self.refresh_bindings()

    def _selected(self) -> WorkstationStatus | None:
        table = self.query_one("#workstations", DataTable)
        if self.status is None or not table.row_count:
            return None
        return self.status.workstations[table.cursor_row]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "decide":
            return self.app.role is Role.ADMIN
        return True

    def action_decide(self, decision: str) -> None:
        # Imported when needed: most who open this screen never decide anything.
        from handledare.tui.screens.workstation_decision import WorkstationDecision

        selected = self._selected()
        if selected is None or decision not in _DECISIONS:
            return
        self.app.push_screen(WorkstationDecision(decision, selected), lambda _done: self.reload())

    def action_back(self) -> None:
        self.app.pop_screen()


def _row(w: WorkstationStatus) -> tuple:
    name = Text(printable(w.name))
    if w.skewed:
        name.append(" ⚠", style="bold red")
    state = Text(w.state.label, style="bold yellow" if w.waiting else "")
    clock = "" if w.offset_here is None else sync.describe_offset(w.offset_here)
    seen = format_datetime(datetime.fromisoformat(w.last_batch_seen)) if w.last_batch_seen else "—"
    return (name, state, str(w.last_batch or "—"), seen, clock)


def _summary(status: ShareStatus) -> str:
    parts = []
    if status.root:
        parts.append(_("Set up by {name}").format(name=printable(status.root)))
    own = next((w for w in status.workstations if w.state is TrustState.OWN), None)
    if own and own.key:
        parts.append(_("this workstation's key {key}").format(key=own.key))
    if status.waiting:
        parts.append(
            ngettext(
                "{count} waits for approval", "{count} wait for approval", len(status.waiting)
            ).format(count=len(status.waiting))
        )
    for w, offset in status.skewed_clocks:
        parts.append(
            _("the clock of {name} is {offset}").format(
                name=printable(w.name), offset=sync.describe_offset(offset)
            )
        )
    return " · ".join(parts) or _("Nothing is known of the share yet: sync first (F5).")
