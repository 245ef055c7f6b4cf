"""The walkthrough: the checklist on the left, the current item large on the right."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option

from handledare.domain.enums import Mark, Step
from handledare.domain.template import Item
from handledare.i18n import N_, _, current_language, language_name
from handledare.services import onboarding, people, signoff
from handledare.services.onboarding import HistoryEntry, Progress
from handledare.text import printable
from handledare.tui.background import in_background
from handledare.tui.literal import literal
from handledare.tui.translated import TranslatedBindings
from handledare.tui.widgets import item_view
from handledare.tui.widgets.status_line import StatusLine

STEP_FILTERS: tuple[Step | None, ...] = (None, *Step)


class WalkthroughScreen(TranslatedBindings, Screen):
    BINDINGS = [
        Binding("g", "mark('walked_through')", N_("Walked through"), id="walked"),
        Binding("p", "mark('practised')", N_("Practised"), id="practised"),
        Binding("s", "sign", N_("End and sign"), id="sign"),
        Binding("n", "next_open", N_("Next open"), id="next"),
        Binding("x", "not_applicable", N_("Not applicable"), id="na"),
        Binding("a", "note", N_("Note"), id="note"),
        Binding("c", "comment", N_("Substitute's comment"), id="comment", show=False),
        Binding("f", "filter", N_("Step filter"), id="filter", show=False),
        Binding("r", "revoke", N_("Revoke"), id="revoke", show=False),
        Binding("l", "language_support", N_("Language support"), id="language", show=False),
        Binding("j", "move(1)", N_("Down"), id="down", show=False),
        Binding("k", "move(-1)", N_("Up"), id="up", show=False),
        Binding("escape", "back", N_("Back"), id="back", show=False),
    ]

    def __init__(self, onboarding_id: str):
        super().__init__()
        self.onboarding_id = onboarding_id
        self.progress: Progress | None = None
        self.history: list[HistoryEntry] = []
        self.names: dict[str, str] = {}
        self.step_filter: Step | None = None
        self.support_language: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="overview"):
            yield Label("", id="who")
            with Horizontal(id="progress-row"):
                yield ProgressBar(id="bar", show_eta=False, show_percentage=True)
                yield Label("", id="counts")
        with Horizontal(id="panes"):
            with Vertical(id="left"):
                yield Label("", id="filter-label", classes="muted")
                yield OptionList(id="items")
                yield Label(item_view.legend(), id="legend", classes="muted")
            with VerticalScroll(id="detail"):
                yield Static("", id="item-title")
                yield Static("", id="item-facts", classes="muted")
                yield Static("", id="item-flags", classes="flags")
                yield Static("", id="item-state")
                yield Static("", id="item-guidance")
                with Horizontal(id="support"):
                    yield Static("", id="support-sv", classes="support-column")
                    yield Static("", id="support-other", classes="support-column")
                yield Label(_("History"), classes="subheading")
                yield Static("", id="item-history")
        yield StatusLine()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#items", OptionList).focus()
        self.reload()

    # ----- loading ---------------------------------------------------------------

    def reload(self) -> None:
        in_background(self, self._reader(), self._loaded)

    def _reader(self):
        """What the screen shows, read in a worker by the function returned."""
        actor, store, oid = self.app.actor, self.app.store, self.onboarding_id

        known = self.names

        def load():
            # Names of users change seldom: read once per screen, not after every mark.
            names = known or {user.id: user.name for user in people.list_users(store)}
            return (
                onboarding.progress(store, actor, oid),
                onboarding.history(store, actor, oid),
                names,
            )

        return load

    def _loaded(self, loaded) -> None:
        first = self.progress is None
        self.progress, self.history, self.names = loaded
        self.sub_title = printable(self.progress.person_name)
        if first:
            self._fill_items()
        else:
            self._refresh_markers()
        self._show_overview()
        self._show_item()

    def _visible_items(self) -> list[Item]:
        return [
            item
            for item in self.progress.template.items()
            if self.step_filter is None or item.step is self.step_filter
        ]

    def _fill_items(self) -> None:
        options = self.query_one("#items", OptionList)
        current = self.current_item()
        options.clear_options()
        language = current_language()
        visible = {item.key for item in self._visible_items()}
        for section in self.progress.template.sections:
            items = [item for item in section.items if item.key in visible]
            if not items:
                continue
            options.add_option(
                Option(Content.styled(section.title.get(language), "bold"), disabled=True)
            )
            options.add_options(
                Option(item_view.item_prompt(item, self.progress.states.get(item.key)), id=item.key)
                for item in items
            )
        label = self.step_filter.label if self.step_filter else _("all steps")
        self.query_one("#filter-label", Label).update(_("Showing: {steps}").format(steps=label))
        target = current.key if current and current.key in visible else None
        self._highlight(target or self._first_key())

    def _first_key(self) -> str | None:
        items = self._visible_items()
        return items[0].key if items else None

    def _highlight(self, key: str | None) -> None:
        options = self.query_one("#items", OptionList)
        if key is not None:
            options.highlighted = options.get_option_index(key)

    def _refresh_markers(self) -> None:
        options = self.query_one("#items", OptionList)
        for item in self._visible_items():
            options.replace_option_prompt(
                item.key, item_view.item_prompt(item, self.progress.states.get(item.key))
            )

    def _show_overview(self) -> None:
        p = self.progress
        language = current_language()
        marked = sum(1 for s in p.states.values() if s.mark and not s.signed)
        self.query_one("#who", Label).update(
            literal(f"{p.person_name} · {p.template.title.get(language)} v{p.template.version}")
        )
        self.query_one("#bar", ProgressBar).update(total=p.total, progress=p.signed_count + marked)
        self.query_one("#counts", Label).update(
            _("{signed} signed, {marked} marked, {total} in all · {status}").format(
                signed=p.signed_count, marked=marked, total=p.total, status=p.status.label
            )
        )

    def current_item(self) -> Item | None:
        if self.progress is None:
            return None
        option = self.query_one("#items", OptionList).highlighted_option
        return self.progress.template.item(option.id) if option and option.id else None

    @on(OptionList.OptionHighlighted, "#items")
    def _show_item(self) -> None:
        item = self.current_item()
        if item is None:
            return
        language = current_language()
        state = self.progress.states.get(item.key)
        self.query_one("#item-title", Static).update(Content(item.title.get(language)))
        self.query_one("#item-facts", Static).update(Content(item_view.facts(item)))
        self.query_one("#item-flags", Static).update(Content(item_view.flags(item)))
        self.query_one("#item-state", Static).update(
            Content(f"{item_view.marker(state)} {item_view.state_line(state, self.names)}")
        )
        self.query_one("#item-guidance", Static).update(Content(item.guidance.get(language)))
        self._show_support(item)
        lines = [
            item_view.describe(entry, self.names)
            for entry in self.history
            if item.key in (entry.data.get("item_keys") or [entry.data.get("item_key")])
        ]
        self.query_one("#item-history", Static).update(
            Content("\n".join(lines) if lines else _("Nothing yet."))
        )

    def _show_support(self, item: Item) -> None:
        """Swedish and a second language side by side, for a substitute who reads it better."""
        support = self.query_one("#support", Horizontal)
        support.display = self.support_language is not None
        if self.support_language is None:
            return
        for selector, lang in (("#support-sv", "sv"), ("#support-other", self.support_language)):
            heading = language_name(lang).capitalize()
            title = dict(item.title.translations).get(lang)
            guidance = dict(item.guidance.translations).get(lang)
            text = (
                f"{heading}\n\n{title}\n\n{guidance}"
                if title and guidance
                else f"{heading}\n\n" + _("This item has no text in this language.")
            )
            self.query_one(selector, Static).update(Content(text))

    # ----- actions ---------------------------------------------------------------

    def action_language_support(self) -> None:
        """Off, then each further language the checklist is written in, then off again."""
        if self.progress is None:
            return
        choices = [None, *(lang for lang in self.progress.template.languages() if lang != "sv")]
        if len(choices) == 1:
            self.app.notify(_("This checklist is written in Swedish only."))
            return
        self.support_language = choices[(choices.index(self.support_language) + 1) % len(choices)]
        item = self.current_item()
        if item is not None:
            self._show_support(item)

    def _after(self, _result=None) -> None:
        self.reload()

    def action_mark(self, mark: str) -> None:
        item = self.current_item()
        if item is None:
            return
        actor, store, oid = self.app.actor, self.app.store, self.onboarding_id
        read = self._reader()

        def mark_and_read():
            onboarding.mark_item(store, actor, oid, item.key, Mark(mark))
            return read()

        # One worker for the mark and the screen's new state: the mark a supervisor makes
        # most often shows without a second trip through the UI thread.
        in_background(self, mark_and_read, self._loaded)

    def _ask(self, title: str, label: str, then) -> None:
        from handledare.tui.screens.dialogs import TextPrompt

        item = self.current_item()
        if item is None:
            return
        heading = f"{title}: {item.title.get(current_language())}"

        def answered(text: str | None) -> None:
            if text is not None:
                in_background(self, lambda: then(item, text), self._after)

        self.app.push_screen(TextPrompt(heading, label), answered)

    def action_not_applicable(self) -> None:
        actor, store, oid = self.app.actor, self.app.store, self.onboarding_id
        self._ask(
            _("Not applicable"),
            _("Why does this item not apply?"),
            lambda item, text: onboarding.mark_item(
                store, actor, oid, item.key, Mark.NOT_APPLICABLE, reason=text
            ),
        )

    def action_note(self) -> None:
        actor, store, oid = self.app.actor, self.app.store, self.onboarding_id
        self._ask(
            _("Note"),
            _("Your note"),
            lambda item, text: onboarding.add_note(store, actor, oid, text, item_key=item.key),
        )

    def action_comment(self) -> None:
        actor, store, oid = self.app.actor, self.app.store, self.onboarding_id
        self._ask(
            _("Substitute's comment"),
            _("What the substitute wants to add"),
            lambda item, text: onboarding.add_note(
                store, actor, oid, text, item_key=item.key, by_substitute=True
            ),
        )

    def action_revoke(self) -> None:
        item = self.current_item()
        state = self.progress.states.get(item.key) if item else None
        if state is None or not state.signed:
            self.app.notify(_("Only a signed item can be revoked."), severity="warning")
            return
        from handledare.tui.screens.dialogs import TextPrompt
        from handledare.tui.screens.pin_prompt import PinPrompt

        actor, store, oid = self.app.actor, self.app.store, self.onboarding_id

        def confirm(reason: str | None) -> None:
            if reason:
                self.app.push_screen(
                    PinPrompt(
                        _("Revoke sign-off"),
                        lambda pin: signoff.revoke(store, actor, oid, item.key, reason, pin),
                    ),
                    self._after,
                )

        self.app.push_screen(
            TextPrompt(
                _("Revoke sign-off"),
                _("Why is the sign-off revoked? The reason is kept in the history."),
            ),
            confirm,
        )

    def action_next_open(self) -> None:
        items = self._visible_items()
        current = self.current_item()
        start = next((i for i, item in enumerate(items) if current and item.key == current.key), -1)
        for item in items[start + 1 :] + items[: start + 1]:
            state = self.progress.states.get(item.key)
            if state is None or (state.mark is None and not state.signed):
                self._highlight(item.key)
                return
        self.app.notify(_("Every item here has been gone through."))

    def action_filter(self) -> None:
        index = STEP_FILTERS.index(self.step_filter)
        self.step_filter = STEP_FILTERS[(index + 1) % len(STEP_FILTERS)]
        self._fill_items()

    def action_move(self, delta: int) -> None:
        options = self.query_one("#items", OptionList)
        if delta > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def action_sign(self) -> None:
        from handledare.tui.screens.sign_off import SignOffScreen

        if self.progress is None:
            return
        ready = [
            (item, self.progress.states[item.key].mark)
            for item in self.progress.template.items()
            if item.key in self.progress.states
            and self.progress.states[item.key].mark
            and not self.progress.states[item.key].signed
        ]
        if not ready:
            self.app.notify(_("Nothing has been marked yet, so there is nothing to sign."))
            return
        self.app.push_screen(
            SignOffScreen(self.onboarding_id, self.progress.person_name, ready), self._after
        )

    def action_back(self) -> None:
        self.app.pop_screen()
