"""The footer: the keys that matter most here, as many as fit, and always Help and Quit.

Textual's own footer shows every key marked `show` and cuts the line where the terminal
ends ("n Nästa ö"). This one keeps each key whole: it takes the screen's keys in the order
the screen lists them while they fit, then Help, Quit and the palette, which always fit.
While a text field has focus, keys that would type a letter into it are left out: they
type there, they do not act.
"""

from __future__ import annotations

import string

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.keys import _character_to_key
from textual.widgets import Footer, Input
from textual.widgets._footer import FooterKey

from handledare.tui.keys import PALETTE_ACTION

# Always shown, in this order, at the end of the line (the palette docks at the right).
ALWAYS = ("help", "quit")
# The footer is always compact, and so is each key: with the class from the start, a key
# is styled once as it mounts, not again when its `compact` sets the class (some 8 ms a key,
# at every change of focus).
COMPACT = "-compact"
# Textual's names of the keys that type a character ("a", "slash", "question_mark").
TYPING_KEYS = frozenset(_character_to_key(c) for c in string.printable if c.isprintable())


def _cost(key_display: str, description: str) -> int:
    """Cells a key takes in the compact footer: key, space, description, a space after."""
    return cell_len(key_display) + 1 + cell_len(description) + 1


class KeyFooter(Footer):
    def __init__(self) -> None:
        super().__init__(compact=True)  # see COMPACT
        self._width = 0
        self._composed: list[tuple[Binding, bool, str]] = []

    def _typing(self) -> bool:
        return isinstance(self.screen.focused, Input)

    def _chain_bindings(self) -> list[tuple[str, Binding, bool]]:
        """Every binding from the focused widget out to the app, with whether it works now.

        Textual's own list keeps one binding a key; a widget's hidden binding (the table's
        Enter) would then hide the screen's shown one for the same key (Enter: Open).
        """
        found = []
        for namespace, bindings in self.screen._modal_binding_chain:
            for key, binding in bindings:
                state = self.app._check_action_state(binding.action, namespace)
                if state is not False:
                    found.append((key, binding, bool(state)))
        return found

    def _candidates(self) -> tuple[list[tuple[Binding, bool]], dict[str, tuple[Binding, bool]]]:
        """The screen's keys to show, in order, and the ones always shown, by action."""
        shown: list[tuple[Binding, bool]] = []
        always: dict[str, tuple[Binding, bool]] = {}
        actions: set[str] = set()
        typing = self._typing()
        for key, binding, enabled in self._chain_bindings():
            action = binding.action.removeprefix("app.")
            if action in actions or not binding.description:
                continue
            if action in ALWAYS or action == PALETTE_ACTION:
                always.setdefault(action, (binding, enabled))
                actions.add(action)
                continue
            if not binding.show or (typing and key in TYPING_KEYS):
                continue
            actions.add(action)
            shown.append((binding, enabled))
        return shown, always

    def _chosen(self, width: int) -> list[tuple[Binding, bool, str]]:
        """The keys that fit `width`, each with whether it works now and its classes."""
        shown, always = self._candidates()
        room = width - sum(
            _cost(self.app.get_key_display(b), b.description) for b, _on in always.values()
        )
        chosen = []
        for binding, enabled in shown:
            cost = _cost(self.app.get_key_display(binding), binding.description)
            if cost <= room:
                chosen.append((binding, enabled, COMPACT))
                room -= cost
        chosen += [(*always[action], COMPACT) for action in ALWAYS if action in always]
        if PALETTE_ACTION in always:
            chosen.append((*always[PALETTE_ACTION], f"-command-palette {COMPACT}"))
        return chosen

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        self._width = self.size.width or self.app.size.width
        self._composed = self._chosen(self._width)
        for binding, enabled, classes in self._composed:
            yield FooterKey(
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                disabled=not enabled,
                tooltip=binding.tooltip,
                classes=classes,
            )

    async def recompose(self) -> None:
        """Only when the keys to show have changed: a change of focus or of what a key may
        do now mostly leaves them as they were, and mounting them anew costs some 25 ms."""
        if not self.is_attached:  # its screen has gone since this was asked for
            return
        width = self.size.width or self.app.size.width
        if self._bindings_ready and width == self._width and self._chosen(width) == self._composed:
            return
        await super().recompose()

    def on_resize(self) -> None:
        if self.size.width != self._width and self._bindings_ready:
            self.call_after_refresh(self.recompose)
