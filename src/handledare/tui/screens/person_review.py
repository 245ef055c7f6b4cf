"""One substitute as the manager sees them: every item, the audit trail, conflicts, approval."""

from __future__ import annotations

from collections.abc import Callable

from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import (
    Header,
    Input,
    Label,
    Static,
    TabbedContent,
    TabPane,
)

from handledare.domain.enums import Role
from handledare.i18n import N_, _, current_language, ngettext
from handledare.services import onboarding, people, review, signoff
from handledare.text import printable
from handledare.tui.app_base import AppBase
from handledare.tui.background import in_background
from handledare.tui.literal import literal
from handledare.tui.screens.dialogs import TextPrompt
from handledare.tui.screens.person_actions import PersonActions
from handledare.tui.screens.pin_prompt import PinDialog, PinPrompt
from handledare.tui.translated import TranslatedBindings
from handledare.tui.widgets.key_footer import KeyFooter
from handledare.tui.widgets.review import ConflictTable, HistoryTable, ItemsTable, ReviewFacts
from handledare.tui.widgets.status_line import StatusLine


class PersonReviewScreen(PersonActions, TranslatedBindings, Screen):
    app = getters.app(AppBase)

    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="back"),
        Binding("g", "approve", N_("Approve to work alone"), id="approve"),
        Binding("r", "revoke", N_("Revoke sign-off"), id="revoke"),
        Binding("k", "resolve", N_("Resolve conflict"), id="resolve"),
        Binding("m", "plan", N_("My introduction"), id="plan", show=False),
        Binding("d", "delegations", N_("Delegations"), id="delegations", show=False),
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
        yield ReviewFacts()
        with TabbedContent(id="review-tabs"):
            with TabPane(_("Items"), id="items-tab"):
                yield ItemsTable()
            with TabPane(_("History"), id="history-tab"):
                yield HistoryTable()
            with TabPane(_("Conflicts"), id="conflicts-tab"):
                yield ConflictTable()
        yield StatusLine()
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(ItemsTable).focus()
        self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        role = self.app.role
        if action == "approve":
            return role is Role.MANAGER and not (self.progress and self.progress.approved_at)
        if action == "resolve":
            return role is Role.MANAGER
        if action == "revoke":
            return role in signoff.SIGNING_ROLES
        return True

    def reload(self) -> None:
        session, oid = self.app.session, self.onboarding_id
        store, actor = session

        def load():
            return (
                onboarding.progress(store, actor, oid),
                onboarding.history(store, actor, oid),
                review.list_conflicts(store, actor, oid),
                {user.id: user.name for user in people.list_users(store)},
                session.workstation_id,
            )

        in_background(self, load, self._loaded, group="review", exclusive=True)

    def _loaded(self, loaded) -> None:
        self.progress, self.history, self.conflicts, names, here = loaded
        progress = self.progress
        today = self.app.clock().date()
        self.query_one("#title", Label).update(literal(progress.person_name))
        self.query_one(ReviewFacts).show(progress, self.history, self.conflicts, names, today)
        self.query_one(ItemsTable).show(progress, names, here, today)
        self.query_one(HistoryTable).show(progress, self.history, names, today)
        self.query_one(ConflictTable).show(progress, self.conflicts, self.history, names)
        self.refresh_bindings()
        tabs = self.query_one(TabbedContent)
        tabs.get_tab("conflicts-tab").label = _("Conflicts ({count})").format(
            count=len(self.conflicts)
        )

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        table = {"items-tab": ItemsTable, "history-tab": HistoryTable}.get(tab, ConflictTable)
        self.query_one(table).focus()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_approve(self) -> None:
        if self.progress is not None:
            self.app.push_screen(
                ApproveDialog(self.onboarding_id, self.progress), lambda _done: self.reload()
            )

    def action_revoke(self) -> None:
        key = self.query_one(ItemsTable).selected_key()
        if self.progress is None or key is None:
            return
        state = self.progress.states.get(key)
        item = self.progress.template.recorded_item(key)
        if state is None or not state.signed:
            self.app.notify(_("This item is not signed off."), severity="warning")
            return
        store, actor = self.app.session

        def revoke(reason: str | None) -> None:
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
        if self.query_one(TabbedContent).active != "conflicts-tab":
            self.action_tab("conflicts-tab")
            return
        key = self.query_one(ConflictTable).selected_key()
        if key is None:
            return
        store, actor = self.app.session

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


class ApproveDialog(PinDialog):
    """The manager's PIN, and a reason when required items are still open."""

    confirm_label = N_("Approve")

    def __init__(self, onboarding_id: str, progress: onboarding.Progress):
        super().__init__(_("Approve {name} to work alone").format(name=progress.person_name))
        self.onboarding_id = onboarding_id
        self.progress = progress

    def fields(self) -> ComposeResult:
        open_items = self.progress.required_open
        if not open_items:
            return
        language = current_language()
        numbers = self.progress.numbers
        held = self.progress.held_back
        listed = "\n".join(
            f"· {numbers[item.key]} {item.title.get(language)}"
            + (f" ({held[item.key]})" if item.key in held else "")
            for item in open_items[:8]
        )
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

    def prepare(self) -> Callable[[str], object]:
        reason = None
        if self.progress.required_open:
            reason = self.query_one("#reason", Input).value.strip() or None
        store, actor = self.app.session
        onboarding_id = self.onboarding_id
        return lambda pin: review.approve(store, actor, onboarding_id, pin, reason)

    def done(self, result: object) -> None:
        self.app.notify(
            _("{name} is approved to work alone.").format(name=printable(self.progress.person_name))
        )
        self.dismiss(True)
