"""What the first screen after sign-in needs, made ready while a person types their name and
PIN: the home screens' modules (they load the services and SQLModel), Babel's data for each
language and the stored checklists, about half a second that the first paint would otherwise
wait for.

Then what the start has made, some hundred thousand objects that live as long as the app,
is set aside from the garbage collector (`gc.freeze`): otherwise each of its full passes
walks them all, a pause of 100-200 ms on the UI thread that lands on the first paint or a
key. An app that ends gives them back (`release_warm_up`), so that one process running app
after app, as the tests do, frees each one's.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

from handledare import i18n

if TYPE_CHECKING:
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


def release_warm_up() -> None:
    gc.unfreeze()
