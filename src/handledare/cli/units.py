"""`handledare unit`: the units (workplaces) substitutes are introduced in."""

from __future__ import annotations

from handledare.cli.access import add_sign_in, open_store, sign_in
from handledare.cli.output import as_json, say, table
from handledare.cli.parsing import Commands, add_json_flag, command, group
from handledare.config import Settings
from handledare.i18n import _


def register(commands: Commands) -> None:
    unit = group(commands, "unit", _("units (workplaces)"))
    add = command(unit, "add", _("add a unit"), _add)
    add.add_argument("name", metavar=_("NAME"), help=_("the unit's name"))
    add_sign_in(add)
    add_json_flag(command(unit, "list", _("list units"), _list))


def _add(args, settings: Settings) -> int:
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.services import people

    store = open_store(settings)
    unit = people.add_unit(store, sign_in(store, args), args.name)
    say(_("Added the unit {name} ({id}).").format(name=unit.name, id=unit.id))
    return 0


def _list(args, settings: Settings) -> int:
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.services import people

    units = people.list_units(open_store(settings))
    if args.json:
        as_json([{"id": u.id, "name": u.name} for u in units])
    else:
        table([_("Name"), _("Id")], [[u.name, u.id] for u in units])
    return 0
