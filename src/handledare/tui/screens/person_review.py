"""One substitute as the manager sees them: every item, the audit trail, conflicts, approval."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import (
    Button,
    DataTable,
    Footer,
    Header,
    Input,
    Label,
    Static,
    TabbedContent,
    TabPane,
)

from handledare.domain.enums import Role
from handledare.domain.events import EventType
from handledare.i18n import N_, _, current_language, format_date, format_datetime, ngettext
from handledare.services import onboarding, people, review, signoff
from handledare.text import printable
from handledare.tui.background import in_background
from handledare.tui.literal import literal
from handledare.tui.screens import item_view
from handledare.tui.translated import TranslatedBindings
from handledare.tui.widgets.pin_input import PinInput
from handledare.tui.widgets.status_line import StatusLine


class PersonReviewScreen(TranslatedBindings, Screen):
    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="back"),
        Binding("g", "approve", N_("Approve to work alone"), id="approve"),
        Binding("r", "revoke", N_("Revoke sign-off"), id="revoke"),
        Binding("k", "resolve", N_("Resolve conflict"), id="resolve"),
        Binding("i", "tab('items-tab')", N_("Items"), id="items-tab", show=False),
        Binding("h", "tab('history-tab')", N_("History"), id="history-tab", show=False),
        Binding("c", "tab('conflicts-tab')", N_("Conflicts"), id="conflicts-tab", show=False),
    ]

    def __init__(self, onboarding_id: str):
        super().__init__()
        self.onboarding_id = onboarding_id
        self.progress: onboarding.Progress | None = None
        self.conflicts: list[review.Conflict] = []
        self.history: list[onboarding.HistoryEntry] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("", classes="screen-title", id="title")
        yield Static("", id="facts")
        with TabbedContent(id="review-tabs"):
            with TabPane(_("Items"), id="items-tab"):
                yield DataTable(id="items", cursor_type="row", zebra_stripes=True)
            with TabPane(_("History"), id="history-tab"):
                yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
            with TabPane(_("Conflicts"), id="conflicts-tab"):
                yield DataTable(id="conflict-table", cursor_type="row", zebra_stripes=True)
        yield StatusLine()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#items", DataTable).add_columns(
            "", _("Item"), _("State"), _("Expires"), _("Signed by"), _("When"), _("Workstation")
        )
        self.query_one("#history-table", DataTable).add_columns(
            _("When"), _("Who"), _("Item"), _("What")
        )
        self.query_one("#conflict-table", DataTable).add_columns(
            _("Item"), _("This edit"), _("Made without seeing")
        )
        self.query_one("#items", DataTable).focus()
        self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        role = self.app.actor.role if self.app.actor else None
        if action == "approve":
            return role is Role.MANAGER and not (self.progress and self.progress.approved_at)
        if action == "resolve":
            return role is Role.MANAGER
        if action == "revoke":
            return role in signoff.SIGNING_ROLES
        return True

    def reload(self) -> None:
        actor, store = self.app.actor, self.app.store

        def load():
            return (
                onboarding.progress(store, actor, self.onboarding_id),
                onboarding.history(store, actor, self.onboarding_id),
                review.list_conflicts(store, actor, self.onboarding_id),
                {user.id: user.name for user in people.list_users(store)},
                store.workstation_id,
            )

        in_background(self, load, self._loaded, group="review", exclusive=True)

    def _loaded(self, loaded) -> None:
        self.progress, self.history, self.conflicts, names, here = loaded
        progress = self.progress
        language = current_language()
        today = self.app.clock().date()
        self.query_one("#title", Label).update(literal(progress.person_name))
        # Every name in the facts is already made printable; only the line breaks are ours.
        self.query_one("#facts", Static).update(Content(self._facts(names)))
        items = self.query_one("#items", DataTable)
        chosen = items.cursor_row
        items.clear()
        for item in progress.template.items():
            state = progress.states.get(item.key)
            expires = ""
            if state and state.signed and state.expires_on:
                day = date.fromisoformat(state.expires_on)
                style = "bold red" if day < today else ""
                expires = Text(format_date(day), style=style)
            items.add_row(
                item_view.marker(state),
                item.title.get(language),
                Text(self._state_text(state)),
                expires,
                printable(names.get(state.signed_by, "?")) if state and state.signed else "",
                format_datetime(state.signed_at) if state and state.signed else "",
                self._workstation(state.signed_workstation, here) if state and state.signed else "",
                key=item.key,
            )
        items.move_cursor(row=min(chosen, max(items.row_count - 1, 0)))
        history = self.query_one("#history-table", DataTable)
        history.clear()
        for entry in self.history:
            key = entry.data.get("item_key")
            history.add_row(
                format_datetime(entry.at),
                item_view.who(entry, names),
                progress.template.item(key).title.get(language) if key else "",
                item_view.what(entry, whole=True),
                key=entry.id,
            )
        conflicts = self.query_one("#conflict-table", DataTable)
        conflicts.clear()
        by_id = {entry.id: entry for entry in self.history}
        for conflict in self.conflicts:
            conflicts.add_row(
                progress.template.item(conflict.item_key).title.get(language),
                self._event_line(by_id.get(conflict.event_id), names),
                self._event_line(by_id.get(conflict.other_event_id), names),
                key=conflict.key,
            )
        self.refresh_bindings()
        tabs = self.query_one(TabbedContent)
        tabs.get_tab("conflicts-tab").label = _("Conflicts ({count})").format(
            count=len(self.conflicts)
        )

    def _facts(self, names: dict[str, str]) -> str:
        progress = self.progress
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
                name=printable(names.get(progress.approved_by, "?")),
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
        today = self.app.clock().date().isoformat()
        expired = [
            s
            for s in progress.states.values()
            if s.signed and s.expires_on and s.expires_on < today
        ]
        if expired:
            lines.append(
                ngettext(
                    "⚠ {count} signed item has expired and must be gone through again.",
                    "⚠ {count} signed items have expired and must be gone through again.",
                    len(expired),
                ).format(count=len(expired))
            )
        acknowledged = [e for e in self.history if e.type is EventType.ACKNOWLEDGED]
        if acknowledged:
            last = acknowledged[-1]
            lines.append(
                _("Last acknowledged {when} by the substitute as {name}.").format(
                    when=format_datetime(last.at), name=printable(last.data["typed_name"])
                )
            )
        if self.conflicts:
            lines.append(
                ngettext(
                    "⚠ {count} conflict from sync to look at (c).",
                    "⚠ {count} conflicts from sync to look at (c).",
                    len(self.conflicts),
                ).format(count=len(self.conflicts))
            )
        return "\n".join(lines)

    @staticmethod
    def _state_text(state: onboarding.ItemState | None) -> str:
        if state is None or (state.mark is None and not state.signed):
            return _("open")
        if state.signed:
            return _("signed off")
        return state.mark.label + (f": {printable(state.reason)}" if state.reason else "")

    @staticmethod
    def _workstation(workstation_id: str | None, here: str) -> str:
        if workstation_id == here:
            return _("here")
        return (workstation_id or "")[:8]

    @staticmethod
    def _event_line(entry: onboarding.HistoryEntry | None, names: dict[str, str]) -> str:
        return item_view.describe(entry, names) if entry else _("(not here)")

    def _selected_key(self, table_id: str) -> str | None:
        table = self.query_one(table_id, DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        table = {"items-tab": "#items", "history-tab": "#history-table"}.get(tab, "#conflict-table")
        self.query_one(table, DataTable).focus()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_approve(self) -> None:
        if self.progress is not None:
            self.app.push_screen(
                ApproveDialog(self.onboarding_id, self.progress), lambda _done: self.reload()
            )

    def action_revoke(self) -> None:
        from handledare.tui.screens.dialogs import TextPrompt

        key = self._selected_key("#items")
        if self.progress is None or key is None:
            return
        state = self.progress.states.get(key)
        item = self.progress.template.item(key)
        if state is None or not state.signed:
            self.app.notify(_("This item is not signed off."), severity="warning")
            return
        actor, store = self.app.actor, self.app.store

        def revoke(reason: str | None) -> None:
            from handledare.tui.screens.pin_prompt import PinPrompt

            if reason:
                self.app.push_screen(
                    PinPrompt(
                        _("Revoke: {item}").format(item=item.title.get(current_language())),
                        lambda pin: signoff.revoke(
                            store, actor, self.onboarding_id, key, reason, pin
                        ),
                    ),
                    lambda _done: self.reload(),
                )

        self.app.push_screen(
            TextPrompt(
                _("Revoke: {item}").format(item=item.title.get(current_language())),
                _("Why is the sign-off revoked?"),
            ),
            revoke,
        )

    def action_resolve(self) -> None:
        from handledare.tui.screens.dialogs import TextPrompt

        if self.query_one(TabbedContent).active != "conflicts-tab":
            self.action_tab("conflicts-tab")
            return
        key = self._selected_key("#conflict-table")
        if key is None:
            return
        actor, store = self.app.actor, self.app.store

        def resolve(note: str | None) -> None:
            if note:
                in_background(
                    self,
                    lambda: review.resolve_conflict(store, actor, self.onboarding_id, key, note),
                    lambda _none: self.reload(),
                )

        self.app.push_screen(
            TextPrompt(
                _("Resolve the conflict"),
                _("What was decided? (Revoke or sign again first if needed.)"),
            ),
            resolve,
        )


class ApproveDialog(TranslatedBindings, ModalScreen[bool]):
    """The manager's PIN, and a reason when required items are still open."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="cancel")]

    def __init__(self, onboarding_id: str, progress: onboarding.Progress):
        super().__init__(classes="dialog")
        self.onboarding_id = onboarding_id
        self.progress = progress

    def compose(self) -> ComposeResult:
        open_items = self.progress.required_open
        with Vertical(classes="dialog-box"):
            yield Label(
                literal(_("Approve {name} to work alone").format(name=self.progress.person_name)),
                classes="dialog-title",
            )
            if open_items:
                language = current_language()
                listed = "\n".join(f"· {item.title.get(language)}" for item in open_items[:8])
                more = len(open_items) - 8
                if more > 0:
                    listed += "\n" + _("… and {count} more").format(count=more)
                yield Label(
                    ngettext(
                        "{count} required item is not signed off:",
                        "{count} required items are not signed off:",
                        len(open_items),
                    ).format(count=len(open_items)),
                    classes="error",
                )
                yield Static(listed, classes="override")
                yield Label(_("Approve anyway only with a reason for the exception:"))
                yield Input(id="reason", max_length=4000)
            yield Label(_("Your PIN"))
            yield PinInput(id="pin")
            yield Label("", id="error", classes="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Approve"), variant="primary", id="approve")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#reason" if self.progress.required_open else "#pin", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "reason":
            self.query_one("#pin", Input).focus()
        else:
            self._approve()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "approve":
            self._approve()
        else:
            self.dismiss(False)

    def _approve(self) -> None:
        pin = self.query_one("#pin", Input).value
        reason = None
        if self.progress.required_open:
            reason = self.query_one("#reason", Input).value.strip() or None
        actor, store = self.app.actor, self.app.store
        in_background(
            self,
            lambda: review.approve(store, actor, self.onboarding_id, pin, reason),
            self._approved,
            failed=self._refused,
        )

    def _approved(self, _none) -> None:
        self.app.notify(
            _("{name} is approved to work alone.").format(name=printable(self.progress.person_name))
        )
        self.dismiss(True)

    def _refused(self, message: str) -> None:
        self.query_one("#error", Label).update(literal(message))
        pin = self.query_one("#pin", Input)
        pin.value = ""
        pin.focus()

    def action_cancel(self) -> None:
        self.dismiss(False)
