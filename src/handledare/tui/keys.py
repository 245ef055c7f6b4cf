"""The keys a person can use on a screen: one list for the help, the palette and the footer.

A key is listed once for what it does (its action with its parameters), so two keys that
call the same method with different arguments (`mark('walked_through')`, `mark('practised')`)
are two entries, and one action bound to two keys (`f1,question_mark`) is one entry that
names both keys.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.actions import parse
from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen

# Opening the palette is how the palette itself is reached; it is listed in the footer only.
PALETTE_ACTION = "command_palette"


@dataclass(frozen=True)
class OfferedKey:
    """One thing a person can do here: on which node, the binding, and every key for it."""

    node: DOMNode
    binding: Binding
    keys: tuple[str, ...]

    @property
    def label(self) -> str:
        """The longer wording where a binding has one (its tooltip), else the footer's."""
        return self.binding.tooltip or self.binding.description

    def run(self) -> None:
        app = self.node.app
        app.call_later(app.run_action, self.binding.action, self.node)


def _allowed(node: DOMNode, app: App, action: str) -> bool:
    namespace, name, parameters = parse(action)
    target = app if namespace == "app" else node
    return target.check_action(name, parameters) is True


def offered_keys(app: App, screen: Screen) -> list[OfferedKey]:
    """The screen's keys first, then the app's; only those that work here now."""
    found: dict[tuple[int, str], OfferedKey] = {}
    for node in (screen, app):
        for _key, binding in node._bindings:
            if not binding.description or binding.action == PALETTE_ACTION:
                continue
            namespace, _name, _parameters = parse(binding.action)
            owner = app if namespace == "app" else node
            identity = (id(owner), binding.action.removeprefix("app."))
            if identity in found:
                known = found[identity]
                found[identity] = OfferedKey(
                    known.node, known.binding, (*known.keys, app.get_key_display(binding))
                )
                continue
            if not _allowed(node, app, binding.action):
                continue
            found[identity] = OfferedKey(node, binding, (app.get_key_display(binding),))
    return list(found.values())
