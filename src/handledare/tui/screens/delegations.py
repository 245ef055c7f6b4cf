"""Delegations as a list to act on: the nurse's own (their home), a manager's across their
units, or one person's (opened from the walkthrough or the review, where the person
answers on the same workstation).

What expires within the warning period comes first; each row says its state with a
marker and a word, never by colour alone.
"""

from __future__ import annotations

from rich.text import Text
from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Header, Label, Static

from handledare.domain.enums import DelegationStatus, Role
from handledare.domain.validity import Validity
from handledare.i18n import N_, _, ngettext
from handledare.services import delegation_views, delegations
from handledare.services.delegation_views import Delegation
from handledare.text import printable
from handledare.tui.app_base import AppBase
from handledare.tui.background import in_background
from handledare.tui.literal import literal
from handledare.tui.screens.report_keys import ReportKeys
from handledare.tui.translated import TranslatedBindings
from handledare.tui.widgets.key_footer import KeyFooter
from handledare.tui.widgets.status_line import StatusLine

STYLES = {
    Validity.CURRENT: "green",
    Validity.EXPIRING: "bold yellow",
    Validity.EXPIRED: "red",
    Validity.NOT_YET: "",
}


class DelegationsScreen(ReportKeys, TranslatedBindings, Screen[None]):
    app = getters.app(AppBase)

    BINDINGS = [
        Binding("g", "give", N_("Give delegation"), id="give"),
        Binding("a", "accept", N_("Accept"), id="accept"),
        Binding("d", "decline", N_("Decline"), id="decline"),
        Binding("r", "revoke", N_("Revoke"), id="revoke"),
        Binding("n", "renew", N_("Renew"), id="renew"),
        Binding("escape", "back", N_("Back"), id="back"),
        Binding("ctrl+o", "app.sign_out", N_("Sign out"), id="sign-out"),
    ]

    def __init__(self, person_id: str | None = None, person_name: str | None = None) -> None:
        super().__init__()
        self.person_id = person_id
        self.person_name = person_name
        self.shown: list[Delegation] = []

    @property
    def is_home(self) -> bool:
        """The nurse's own list is their home screen: nothing to go back to."""
        return self.person_id is None and self.app.role is Role.NURSE

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(self._title(), classes="screen-title", id="title")
        yield Static("", id="expiring-summary")
        yield DataTable(id="delegations", cursor_type="row", zebra_stripes=True)
        yield Label("", id="details", classes="muted")
        yield StatusLine()
        yield KeyFooter()

    def _title(self) -> str | Content:
        if self.person_name is not None:
            return literal(_("Delegations of {name}").format(name=printable(self.person_name)))
        if self.app.role is Role.NURSE:
            return _("My delegations")
        return _("Delegations in my units")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        role = self.app.role
        if action in ("give", "renew"):
            return role is Role.NURSE
        if action == "revoke":
            return role in delegations.REVOKING_ROLES
        if action == "back":
            return not self.is_home
        return super().check_action(action, parameters)

    def on_mount(self) -> None:
        actor = self.app.session.actor
        self.sub_title = f"{printable(actor.name)} · {actor.role.label}"
        table = self.query_one("#delegations", DataTable)
        table.add_columns(
            _("Validity"), _("Person"), _("Period"), _("Tasks"), _("Nurse"), _("Unit"), _("Id")
        )
        table.focus()
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        if self.app.role is None:
            return
        store, actor = self.app.session
        today = self.app.clock().astimezone().date()
        days = self.app.settings.expiry_warning_days
        mine = actor.user_id if self.is_home else None

        def read() -> list[Delegation]:
            found = delegation_views.list_delegations(
                store, actor, person_id=self.person_id, nurse_id=mine
            )
            return delegation_views.by_urgency(found, today, days)

        in_background(self, read, self._show, group="delegations", exclusive=True)

    def _show(self, found: list[Delegation]) -> None:
        self.shown = found
        today = self.app.clock().astimezone().date()
        days = self.app.settings.expiry_warning_days
        table = self.query_one("#delegations", DataTable)
        chosen = table.cursor_row
        table.clear()
        for index, d in enumerate(found):
            state = d.state(today, days)
            table.add_row(
                Text(d.shown(today, days), style=STYLES.get(state, "") if state else ""),
                printable(d.person_name),
                d.period_text(),
                printable(d.tasks_text()),
                printable(d.nurse_name),
                printable(d.unit_name),
                d.short_id,
                key=str(index),
            )
        if found:
            table.move_cursor(row=min(chosen, len(found) - 1))
        expiring = [
            d
            for d in found
            if d.renewed_by is None
            and d.status is DelegationStatus.ACCEPTED
            and d.state(today, days) is Validity.EXPIRING
        ]
        summary = self.query_one("#expiring-summary", Static)
        if expiring:
            summary.update(
                Text(
                    f"{Validity.EXPIRING.marker} "
                    + ngettext(
                        "{count} delegation expires within {days} days: renew it (n) "
                        "or let it end.",
                        "{count} delegations expire within {days} days: renew them (n) "
                        "or let them end.",
                        len(expiring),
                    ).format(count=len(expiring), days=days),
                    style="bold",
                )
            )
        else:
            summary.update(_("Nothing expires within {days} days.").format(days=days))
        if not found:
            self.query_one("#details", Label).update(_("No delegations yet."))
        else:
            self._describe()

    def on_data_table_row_highlighted(self) -> None:
        self._describe()

    def _describe(self) -> None:
        """The chosen delegation's conditions and how it ended, below the list."""
        chosen = self.selected()
        if chosen is None:
            return
        parts = [chosen.tasks_text()]
        if chosen.conditions:
            parts.append(_("Conditions: {conditions}").format(conditions=chosen.conditions))
        if chosen.revoke_reason:
            parts.append(
                _("Revoked by {name}: {reason}").format(
                    name=chosen.revoked_by or "?", reason=chosen.revoke_reason
                )
            )
        if chosen.answer_reason:
            parts.append(_("Declined: {reason}").format(reason=chosen.answer_reason))
        if chosen.renewed_by:
            parts.append(_("Renewed by a new delegation ({id}).").format(id=chosen.renewed_by[:8]))
        self.query_one("#details", Label).update(literal(printable(" · ".join(parts))))

    def selected(self) -> Delegation | None:
        table = self.query_one("#delegations", DataTable)
        if not self.shown or table.cursor_row < 0:
            return None
        return self.shown[min(table.cursor_row, len(self.shown) - 1)]

    def _answerable(self) -> Delegation | None:
        chosen = self.selected()
        if chosen is not None and chosen.status is not DelegationStatus.AWAITING:
            self.app.notify(
                _("Only a delegation that waits for the person's answer can be answered."),
                severity="warning",
            )
            return None
        return chosen

    # ----- the keys -----------------------------------------------------------------

    def action_give(self) -> None:
        # Imported when first opened: the list paints without the dialogs' modules.
        from handledare.tui.screens.delegation_dialogs import GiveDelegation

        self.app.push_screen(GiveDelegation(self.person_id), lambda _done: self.reload())

    def action_accept(self) -> None:
        # Imported when first opened: the list paints without the dialogs' modules.
        from handledare.tui.screens.delegation_dialogs import AcceptDelegation

        chosen = self._answerable()
        if chosen is not None:
            self.app.push_screen(AcceptDelegation(chosen), lambda _done: self.reload())

    def action_decline(self) -> None:
        # Imported when first opened: the list paints without the dialogs' modules.
        from handledare.tui.screens.dialogs import TextPrompt

        chosen = self._answerable()
        if chosen is None:
            return
        store, actor = self.app.session

        def decline(reason: str | None) -> None:
            if reason:
                in_background(
                    self,
                    lambda: delegations.decline(store, actor, chosen.id, reason),
                    lambda _none: self._declined(),
                )

        self.app.push_screen(
            TextPrompt(
                _("Decline the delegation"),
                _("Why does {person} decline it?").format(person=chosen.person_name),
            ),
            decline,
        )

    def _declined(self) -> None:
        self.app.notify(_("The delegation is declined; it never becomes valid."))
        self.reload()

    def action_revoke(self) -> None:
        # Imported when first opened: the list paints without the dialogs' modules.
        from handledare.tui.screens.delegation_dialogs import RevokeDelegation

        chosen = self.selected()
        if chosen is not None:
            self.app.push_screen(RevokeDelegation(chosen), lambda _done: self.reload())

    def action_renew(self) -> None:
        # Imported when first opened: the list paints without the dialogs' modules.
        from handledare.tui.screens.delegation_dialogs import RenewDelegation

        chosen = self.selected()
        if chosen is not None:
            self.app.push_screen(RenewDelegation(chosen), lambda _done: self.reload())

    def action_back(self) -> None:
        self.app.pop_screen()
