"""The walkthrough: the checklist on the left, the current item large on the right."""

from __future__ import annotations

from collections.abc import Callable

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Header, Label, OptionList, Static
from textual.widgets.option_list import Option

from handledare.domain.enums import Mark, Step
from handledare.domain.template import Item
from handledare.i18n import N_, _, current_language, language_name
from handledare.services import onboarding, people, signoff
from handledare.services.onboarding import HistoryEntry, Marked, Progress
from handledare.text import printable
from handledare.tui.app_base import AppBase
from handledare.tui.background import in_background
from handledare.tui.bar_text import bar_text
from handledare.tui.literal import literal
from handledare.tui.screens.dialogs import TextPrompt
from handledare.tui.screens.evidence import ProofForm, needs_form
from handledare.tui.screens.person_actions import PersonActions
from handledare.tui.screens.pin_prompt import PinPrompt
from handledare.tui.screens.sign_off import SignOffScreen
from handledare.tui.translated import TranslatedBindings
from handledare.tui.widgets import item_view
from handledare.tui.widgets.in_place import PlacedStatic, update_in_place
from handledare.tui.widgets.item_list import ItemList
from handledare.tui.widgets.key_footer import KeyFooter
from handledare.tui.widgets.status_line import StatusLine

STEP_FILTERS: tuple[Step | None, ...] = (None, *Step)
BAR_WIDTH = 22


class WalkthroughScreen(PersonActions, TranslatedBindings, Screen[None]):
    app = getters.app(AppBase)
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
        Binding("e", "renew", N_("Renew sign-off"), id="renew", show=False),
        Binding("l", "language_support", N_("Language support"), id="language", show=False),
        Binding("m", "plan", N_("My introduction"), id="plan", show=False),
        Binding("d", "delegations", N_("Delegations"), id="delegations", show=False),
        Binding("y", "copy_link", N_("Copy link"), id="copy-link", show=False),
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
        # After a mark: once the items are read again, go on to the next open one.
        self._move_on = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="overview"):
            yield Label("", id="who")
            with Horizontal(id="progress-row"):
                yield Label("", id="bar")
                yield Label("", id="counts")
        with Horizontal(id="panes"):
            with Vertical(id="left"):
                yield Label("", id="filter-label", classes="muted")
                yield ItemList(id="items")
                yield Label(item_view.legend(), id="legend", classes="muted")
            with VerticalScroll(id="detail"):
                yield PlacedStatic("", id="item-title")
                yield PlacedStatic("", id="item-facts", classes="muted")
                yield PlacedStatic("", id="item-flags", classes="flags")
                yield PlacedStatic("", id="item-waiting", classes="flags")
                yield PlacedStatic("", id="item-state")
                yield PlacedStatic("", id="item-proof")
                yield PlacedStatic("", id="item-link", classes="muted")
                yield PlacedStatic("", id="item-guidance")
                with Horizontal(id="support"):
                    yield PlacedStatic("", id="support-sv", classes="support-column")
                    yield PlacedStatic("", id="support-other", classes="support-column")
                yield Label(_("History"), classes="subheading")
                yield PlacedStatic("", id="item-history")
        yield StatusLine()
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#items", OptionList).focus()
        self.reload()

    # ----- loading ---------------------------------------------------------------

    def reload(self) -> None:
        in_background(self, self._reader(), self._loaded)

    def _reader(self) -> Callable[[], tuple[Progress, list[HistoryEntry], dict[str, str]]]:
        """What the screen shows, read in a worker by the function returned."""
        store, actor = self.app.session
        oid, known = self.onboarding_id, self.names

        def load() -> tuple[Progress, list[HistoryEntry], dict[str, str]]:
            # Names of users change seldom: read once per screen, not after every mark.
            names = known or {user.id: user.name for user in people.list_users(store)}
            return (
                onboarding.progress(store, actor, oid),
                onboarding.history(store, actor, oid),
                names,
            )

        return load

    def _loaded(self, loaded: tuple[Progress, list[HistoryEntry], dict[str, str]]) -> None:
        before = self.progress
        progress, self.history, self.names = loaded
        self.progress = progress
        self.sub_title = printable(progress.person_name)
        if before is None:
            self._fill_items()
        else:
            self._refresh_markers(before)
        if self._move_on:
            self._move_on = False
            self._highlight(self._next_open_key())
        self._show_overview()
        self._show_item()

    def _visible_items(self) -> list[Item]:
        if self.progress is None:
            return []
        return [
            item
            for item in self.progress.template.items()
            if self.step_filter is None or item.step is self.step_filter
        ]

    def _fill_items(self) -> None:
        progress = self.progress
        if progress is None:
            return
        options = self.query_one("#items", OptionList)
        current = self.current_item()
        options.clear_options()
        language = current_language()
        visible = {item.key for item in self._visible_items()}
        for number, section in enumerate(progress.template.sections, start=1):
            items = [item for item in section.items if item.key in visible]
            if not items:
                continue
            options.add_option(
                Option(
                    Content.styled(f"{number} {section.title.get(language)}", "bold"),
                    disabled=True,
                )
            )
            options.add_options(Option(self._prompt(progress, item), id=item.key) for item in items)
        label = self.step_filter.label if self.step_filter else _("all steps")
        self.query_one("#filter-label", Label).update(_("Showing: {steps}").format(steps=label))
        target = current.key if current and current.key in visible else None
        self._highlight(target or self._first_key())

    def _first_key(self) -> str | None:
        items = self._visible_items()
        return items[0].key if items else None

    def _highlight(self, key: str | None) -> None:
        options = self.query_one("#items", ItemList)
        if key is not None:
            options.jump_to(options.get_option_index(key))

    def _prompt(self, progress: Progress, item: Item) -> Content:
        return item_view.item_prompt(
            item,
            progress.states.get(item.key),
            progress.numbers[item.key],
            item.key in progress.waiting,
        )

    def _refresh_markers(self, before: Progress) -> None:
        """The items whose marker changed since `before`: after a mark one or two, and
        redrawing every line of a long checklist was most of the screen's work."""
        progress = self.progress
        if progress is None:
            return
        options = self.query_one("#items", ItemList)

        def marker(p: Progress, key: str) -> str:
            return item_view.marker(p.states.get(key), key in p.waiting)

        for item in self._visible_items():
            if marker(progress, item.key) != marker(before, item.key):
                options.replace_prompt_in_place(item.key, self._prompt(progress, item))

    def _show_overview(self) -> None:
        p = self.progress
        if p is None:
            return
        language = current_language()
        self._say(
            "#who",
            literal(f"{p.person_name} · {p.template.title.get(language)} v{p.template.version}"),
        )
        # Text, not Textual's ProgressBar: a mark draws it again, in a fifth of the time.
        self._say("#bar", Content(bar_text(p.walked_percent, BAR_WIDTH)), one_line=True)
        self._say(
            "#counts",
            Content(
                _("{signed} signed, {marked} marked, {total} in all · {status}").format(
                    signed=p.signed_count,
                    marked=p.marked_count,
                    total=p.total,
                    status=p.status.label,
                )
            ),
            one_line=True,
        )

    def _say(self, selector: str, text: Content, *, one_line: bool = False) -> None:
        """A label changed only when its text does. One in a row one line high is laid out
        again (which is done for the whole screen) only when its width changes: after a mark
        only the numbers in the counts change."""
        label = self.query_one(selector, Label)
        shown = label.content
        if isinstance(shown, Content) and shown.plain == text.plain:
            return
        same_width = isinstance(shown, Content) and shown.cell_length == text.cell_length
        label.update(text, layout=not (one_line and same_width))

    def current_item(self) -> Item | None:
        if self.progress is None:
            return None
        option = self.query_one("#items", OptionList).highlighted_option
        return self.progress.template.item(option.id) if option and option.id else None

    def _put(self, selector: str, text: str) -> None:
        """One part of the item's detail, hidden when there is nothing to say; left alone when
        it says the same (the next item often shares its facts), as an update lays it out."""
        widget = self.query_one(selector, Static)
        shown = widget.content
        if isinstance(shown, Content) and shown.plain == text and widget.display == bool(text):
            return
        # Where it stays shown at its height, only it is drawn again (after each mark, as
        # the next item is shown).
        if widget.display and text:
            update_in_place(widget, Content(text))
        else:
            widget.update(Content(text))
        widget.display = bool(text)

    @on(OptionList.OptionHighlighted, "#items")
    def _show_item(self) -> None:
        item = self.current_item()
        if item is None or self.progress is None:
            return
        p = self.progress
        state = p.states.get(item.key)
        waiting = item_view.waits_for(p, item.key)
        waits = _("◌ Waits for: {items}").format(items=waiting) if waiting else ""
        proof = state.evidence if state else None
        link = _("Link: {link} (y copies it)").format(link=item.link) if item.link else ""
        self._put("#item-title", item_view.numbered(p.numbers[item.key], item))
        self._put("#item-facts", item_view.facts(item))
        self._put("#item-flags", item_view.flags(item))
        self._put("#item-waiting", waits)
        marker = item_view.marker(state, bool(waiting))
        self._put("#item-state", f"{marker} {item_view.state_line(state, self.names)}")
        self._put("#item-proof", printable(proof.summary()) if proof else "")
        self._put("#item-link", link)
        self._put("#item-guidance", item.guidance.get(current_language()))
        self._show_support(item)
        lines = [
            item_view.describe(entry, self.names)
            for entry in self.history
            if item.key in entry.item_keys
        ]
        self._put("#item-history", "\n".join(lines) if lines else _("Nothing yet."))

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

    def _after(self, _result: object = None) -> None:
        self.reload()

    def _after_mark(self, _result: object = None) -> None:
        """A marked item is done with for now: on to the next open one."""
        self._move_on = True
        self.reload()

    def _refused_while_waiting(self, progress: Progress, item: Item) -> bool:
        """The service refuses a waiting item too; saying so here spares opening a form."""
        waiting = item_view.waits_for(progress, item.key)
        if waiting:
            self.app.notify(
                _("This item waits for {items}. Sign that off first.").format(items=waiting),
                severity="warning",
            )
        return bool(waiting)

    def action_mark(self, mark: str) -> None:
        item, progress = self.current_item(), self.progress
        if item is None or progress is None or self._refused_while_waiting(progress, item):
            return
        mark = Mark(mark)
        if needs_form(item, mark):
            heading = item_view.numbered(progress.numbers[item.key], item)
            self.app.push_screen(
                ProofForm(self.onboarding_id, item, heading, mark),
                lambda saved: self._after_mark() if saved is not None else self._after(),
            )
            return
        (store, actor), oid = self.app.session, self.onboarding_id
        in_background(
            self,
            lambda: onboarding.mark_item(store, actor, oid, item.key, mark),
            self._show_mark,
        )

    def _show_mark(self, marked: Marked) -> None:
        """The mark a supervisor makes most often, shown from what it stored: the onboarding
        is read again only if something else was stored since the screen read it."""
        self._move_on = True  # as `_after_mark`: on to the next open item
        progress = self.progress and self.progress.with_mark(marked)
        if progress is None:
            self.reload()
            return
        self._loaded((progress, [*self.history, marked.entry], self.names))

    def action_copy_link(self) -> None:
        """Links are shown as text and never opened; this puts one on the clipboard."""
        item = self.current_item()
        if item is None or not item.link:
            self.app.notify(_("This item has no link."), severity="warning")
            return
        self.app.copy_to_clipboard(item.link)
        self.app.notify(_("The link is copied: {link}").format(link=item.link))

    def _ask(
        self,
        title: str,
        label: str,
        then: Callable[[Item, str], object],
        done: Callable[[object], None] | None = None,
    ) -> None:
        item = self.current_item()
        if item is None:
            return
        heading = f"{title}: {item.title.get(current_language())}"

        def answered(text: str | None) -> None:
            if text is not None:
                in_background(self, lambda: then(item, text), done or self._after)

        self.app.push_screen(TextPrompt(heading, label), answered)

    def action_not_applicable(self) -> None:
        (store, actor), oid = self.app.session, self.onboarding_id
        self._ask(
            _("Not applicable"),
            _("Why does this item not apply?"),
            lambda item, text: onboarding.mark_item(
                store, actor, oid, item.key, Mark.NOT_APPLICABLE, reason=text
            ),
            self._after_mark,
        )

    def action_note(self) -> None:
        (store, actor), oid = self.app.session, self.onboarding_id
        self._ask(
            _("Note"),
            _("Your note"),
            lambda item, text: onboarding.add_note(store, actor, oid, text, item_key=item.key),
        )

    def action_comment(self) -> None:
        (store, actor), oid = self.app.session, self.onboarding_id
        self._ask(
            _("Substitute's comment"),
            _("What the substitute wants to add"),
            lambda item, text: onboarding.add_note(
                store, actor, oid, text, item_key=item.key, by_substitute=True
            ),
        )

    def action_revoke(self) -> None:
        item = self.current_item()
        state = self.progress.states.get(item.key) if item and self.progress else None
        if item is None or state is None or not state.signed:
            self.app.notify(_("Only a signed item can be revoked."), severity="warning")
            return

        (store, actor), oid = self.app.session, self.onboarding_id

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

    def action_renew(self) -> None:
        # Imported when first used: the walkthrough opens without it.
        from handledare.tui.screens.sign_off_renewal import RenewSignOff

        item = self.current_item()
        state = self.progress.states.get(item.key) if item and self.progress else None
        if item is None or state is None or not state.signed or not state.expires_on:
            self.app.notify(
                _("Only a signed item that expires can be renewed."), severity="warning"
            )
            return
        expiry = item_view.state_line(state, self.names).splitlines()[0]
        self.app.push_screen(RenewSignOff(self.onboarding_id, item, expiry), self._after)

    def _next_open_key(self) -> str | None:
        """The first open item after the highlighted one, round to the top; None if none."""
        items = self._visible_items()
        current = self.current_item()
        if self.progress is None:
            return None
        start = next((i for i, item in enumerate(items) if current and item.key == current.key), -1)
        for item in items[start + 1 :] + items[: start + 1]:
            state = self.progress.states.get(item.key)
            if item.key in self.progress.waiting:
                continue
            if state is None or (state.mark is None and not state.signed):
                return item.key
        return None

    def action_next_open(self) -> None:
        key = self._next_open_key()
        if key is None:
            self.app.notify(_("Every item here has been gone through."))
        self._highlight(key)

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

        progress = self.progress
        if progress is None:
            return
        ready = progress.ready_to_sign()
        if not ready:
            self.app.notify(_("Nothing has been marked yet, so there is nothing to sign."))
            return
        self.app.push_screen(
            SignOffScreen(self.onboarding_id, progress.person_name, ready), self._after
        )

    def action_back(self) -> None:
        self.app.pop_screen()
