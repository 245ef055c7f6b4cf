"""`handledare rebuild`: care of this workstation's database."""

from __future__ import annotations

from handledare.cli.output import say
from handledare.cli.parsing import Commands, command
from handledare.config import Settings
from handledare.i18n import _


def register(commands: Commands) -> None:
    command(commands, "rebuild", _("rebuild all tables from the event log"), _rebuild)


def _rebuild(args, settings: Settings) -> int:
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.cli.access import open_store

    count = open_store(settings).rebuild()
    say(_("Rebuilt all tables from {count} events.").format(count=count))
    return 0
