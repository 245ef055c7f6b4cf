"""`handledare rebuild`: care of this workstation's database."""

from __future__ import annotations

from handledare.cli.access import add_sign_in, open_store, sign_in
from handledare.cli.output import say
from handledare.cli.parsing import Commands, command
from handledare.config import Settings
from handledare.i18n import _
from handledare.security import require_admin


def register(commands: Commands) -> None:
    add_sign_in(command(commands, "rebuild", _("rebuild all tables from the event log"), _rebuild))


def _rebuild(args, settings: Settings) -> int:
    store = open_store(settings)
    require_admin(sign_in(store, args))
    count = store.rebuild()
    say(_("Rebuilt all tables from {count} events.").format(count=count))
    return 0
