"""Key binding descriptions in the user's language.

BINDINGS are class attributes, built when the module is imported, before
anyone has signed in. They hold English message ids (marked with N_) and
are translated here whenever a screen is made or the language changes.
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from textual.binding import BindingsMap

from handledare.i18n import N_, _

# Descriptions of the keys every Textual screen inherits; listed so that
# extraction puts them in our catalogs and the help dialog shows them translated.
TEXTUAL_DESCRIPTIONS = (
    N_("Focus Next"),
    N_("Focus Previous"),
    N_("Copy selected text"),
)


def _tr(text: str) -> str:
    return _(text) if text else text


def translated(bindings: BindingsMap | None) -> BindingsMap:
    result = BindingsMap()
    if bindings is None:
        return result
    result.key_to_bindings = {
        key: [
            replace(binding, description=_tr(binding.description), tooltip=_tr(binding.tooltip))
            for binding in group
        ]
        for key, group in bindings.key_to_bindings.items()
    }
    return result


class TranslatedBindings:
    """Mixin for screens and the app: their bindings speak the language active when made."""

    # Textual's, of the DOM node this is mixed into.
    _merged_bindings: ClassVar[BindingsMap | None]
    _bindings: BindingsMap

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.retranslate_bindings()

    def retranslate_bindings(self) -> None:
        self._bindings = translated(type(self)._merged_bindings)
