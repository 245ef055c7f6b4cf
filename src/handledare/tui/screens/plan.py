"""The substitute's own plan ("Min introduktion") on screen, in their language beside Swedish.

Each step is one table of text, so a checklist of seventy items is a
handful of widgets; `p` writes the same plan as a PDF to print.
"""

from __future__ import annotations

import re
from pathlib import Path

from rich.table import Table
from rich.text import Text
from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Label, Static

from handledare.config import documents_dir
from handledare.i18n import N_, _
from handledare.services.plan import (
    DONE_COUNT,
    MORE,
    NEXT_HEADING,
    NEXT_SHOWN,
    NOTHING_NEXT,
    STEP_HEADING,
    TITLE,
    Plan,
    Said,
    item_line,
    plan_of,
)
from handledare.services.plan_pdf import (
    STATUS_MARKS,
    both,
    column_heading,
    entry_text,
    write_plan,
)
from handledare.text import printable
from handledare.tui.app_base import AppBase
from handledare.tui.background import in_background
from handledare.tui.literal import literal
from handledare.tui.screens.dialogs import TextPrompt
from handledare.tui.screens.forms import PersonLanguageForm
from handledare.tui.translated import TranslatedBindings
from handledare.tui.widgets.key_footer import KeyFooter
from handledare.tui.widgets.status_line import StatusLine

_UNSAFE_IN_FILE_NAMES = re.compile(r"[^\w\- ]")


class PlanScreen(TranslatedBindings, Screen):
    app = getters.app(AppBase)

    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="back"),
        Binding("p", "print", N_("Save as PDF"), id="print"),
        Binding("e", "language", N_("Substitute's language"), id="language"),
    ]

    def __init__(self, onboarding_id: str):
        super().__init__()
        self.onboarding_id = onboarding_id
        self.plan: Plan | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("", classes="screen-title", id="plan-title")
        yield Static("", id="plan-summary")
        with VerticalScroll(id="plan-body"):
            yield Static("", id="plan-next")
            yield Static("", id="plan-steps")
        yield StatusLine()
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#plan-body").focus()
        self.reload()

    def reload(self) -> None:
        (store, actor), oid = self.app.session, self.onboarding_id
        in_background(self, lambda: plan_of(store, actor, oid), self._loaded)

    def _loaded(self, plan: Plan) -> None:
        self.plan = plan
        self.sub_title = printable(plan.person_name)
        self.query_one("#plan-title", Label).update(
            literal(f"{both(plan, plan.said(TITLE))} · {plan.person_name}")
        )
        summary = [
            both(plan, Said.of_text(plan.template.title, plan.language)),
            both(plan, plan.said(DONE_COUNT, done=plan.done, total=len(plan.entries))),
            both(plan, plan.time_left()),
        ]
        self.query_one("#plan-summary", Static).update(Text("\n".join(summary)))
        self.query_one("#plan-next", Static).update(self._next_table(plan))
        self.query_one("#plan-steps", Static).update(self._steps_table(plan))

    def _table(self, plan: Plan) -> Table:
        table = Table(expand=True, show_lines=True, pad_edge=False)
        table.add_column("", width=1, no_wrap=True)
        for _side, language in plan.sides():
            table.add_column(column_heading(language), ratio=1)
        return table

    def _next_table(self, plan: Plan) -> Table:
        table = self._table(plan)
        table.title = both(plan, plan.said(NEXT_HEADING))
        if not plan.next:
            table.add_row("", *(getattr(plan.said(NOTHING_NEXT), s) for s, _l in plan.sides()))
        for entry in plan.next[:NEXT_SHOWN]:
            table.add_row(
                STATUS_MARKS[entry.status],
                *(Text(printable(item_line(plan, entry, lang))) for _s, lang in plan.sides()),
            )
        if len(plan.next) > NEXT_SHOWN:
            more = plan.said(MORE, count=len(plan.next) - NEXT_SHOWN)
            table.add_row("", *(getattr(more, side) for side, _language in plan.sides()))
        return table

    def _steps_table(self, plan: Plan) -> Table:
        """Every step in order, a heading row each, then its items with their state."""
        table = self._table(plan)
        for step in plan.steps:
            heading = plan.said(
                STEP_HEADING, number=step.number, step=Said.of_label(step.step, plan.language)
            )
            table.add_row(
                "",
                *(
                    Text(f"{getattr(heading, side)} ({step.done}/{len(step.items)})", "bold")
                    for side, _language in plan.sides()
                ),
                end_section=True,
            )
            for entry in step.items:
                table.add_row(
                    STATUS_MARKS[entry.status],
                    *(
                        Text(entry_text(plan, entry, side, language))
                        for side, language in plan.sides()
                    ),
                )
        return table

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_print(self) -> None:
        if self.plan is None:
            return
        plan = self.plan
        name = _UNSAFE_IN_FILE_NAMES.sub("_", plan.person_name).strip() or "plan"
        suggested = documents_dir() / (_("My introduction") + f" {name}.pdf")

        def chosen(path: str | None) -> None:
            if not path:
                return
            out = Path(path.strip()).expanduser()
            today = self.app.clock().date()
            in_background(
                self,
                lambda: write_plan(plan, out, today),
                lambda _pages: self.app.notify(_("Saved: {path}").format(path=out)),
            )

        self.app.push_screen(
            TextPrompt(_("Save the plan as PDF"), _("File"), value=str(suggested)), chosen
        )

    def action_language(self) -> None:
        if self.plan is not None:
            self.app.push_screen(
                PersonLanguageForm(self.plan.person_id, self.plan.person_name, self.plan.language),
                lambda changed: self.reload() if changed else None,
            )
