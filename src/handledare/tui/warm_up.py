"""What the first screen after sign-in needs, made ready while a person types their name and
PIN: the home screens' modules (they load the services and SQLModel), Babel's data for each
language and the stored checklists, about half a second that the first paint would otherwise
wait for.

Then what the start has made, some hundred thousand objects that live as long as the app,
is set aside from the garbage collector (`gc.freeze`): otherwise each of its full passes
walks them all, a pause of 100-200 ms on the UI thread that lands on the first paint or a
key. An app that ends gives them back (`release_warm_up`), so that one process running app
after app, as the tests do, frees each one's.

Last, on the UI thread, the styles of every widget class those modules brought
(`add_widget_styles`): Textual adds a class's own styles when its first widget mounts, and
parses all of the app's styles again each time, some 90 ms of the first paint after sign-in.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

from textual.widget import Widget

from handledare import i18n

if TYPE_CHECKING:
    from textual.app import App

    from handledare.services.sign_in import Store


def warm_up(store: Store) -> None:
    """Run in a worker once the sign-in screen is up; nothing here is shown."""
    # Here, not at the top: they load SQLModel, which the start must not wait for.
    from handledare.services import overview as lists
    from handledare.tui.screens import delegations, home, overview  # noqa: F401

    for language in i18n.LANGUAGES:
        i18n.load_formats(language)
    lists.load_checklists(store)
    gc.freeze()


def add_widget_styles(app: App) -> None:
    """Each loaded widget class's DEFAULT_CSS in the app's stylesheet, parsed once, as Textual
    would add it when the class's first widget mounts; on the UI thread, after `warm_up`."""
    stylesheet = app.stylesheet
    for widget_class in _subclasses(Widget):
        # The styles' sources depend on the class alone (its bases'); an instance is
        # only what Textual's method is called on.
        widget: Widget = object.__new__(widget_class)
        for read_from, css, tie_breaker, scope in widget._get_default_css():
            stylesheet.add_source(
                css, read_from=read_from, is_default_css=True, tie_breaker=tie_breaker, scope=scope
            )
    stylesheet.reparse()
    stylesheet.update(app)


def _subclasses(cls: type[Widget]) -> set[type[Widget]]:
    found: set[type[Widget]] = set()
    for subclass in cls.__subclasses__():
        found |= {subclass, *_subclasses(subclass)}
    return found


def release_warm_up() -> None:
    gc.unfreeze()
