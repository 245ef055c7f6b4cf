"""`handledare user`: the users who sign in at this workstation."""

from __future__ import annotations

import sys

from handledare.cli.output import as_json, say, table
from handledare.cli.parsing import Commands, add_json_flag, command, group
from handledare.config import Settings
from handledare.errors import InputError
from handledare.i18n import LANGUAGES, _


def register(commands: Commands) -> None:
    user = group(commands, "user", _("users who sign in"))
    add = command(user, "add", _("add a user"), _add)
    add.add_argument("--name", required=True, help=_("full name"))
    add.add_argument(
        "--role", required=True, choices=["supervisor", "manager", "admin"], help=_("role")
    )
    add.add_argument(
        "--unit", action="append", default=[], help=_("unit name or id (repeat for several)")
    )
    add.add_argument("--language", choices=LANGUAGES, default="sv", help=_("language"))
    add.add_argument("--pin-stdin", action="store_true", help=_("read the PIN from standard input"))
    add_json_flag(command(user, "list", _("list users"), _list))


def _read_pin() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().strip()
    import getpass  # imported here, not at the top, for start time (it loads termios)

    first = getpass.getpass(_("PIN (4-8 digits): "))
    if getpass.getpass(_("PIN again: ")) != first:
        raise InputError(_("The two PINs differ. Nothing was saved."))
    return first


def _add(args, settings: Settings) -> int:
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.cli.access import CLI, open_store
    from handledare.domain.enums import Role
    from handledare.services import people

    if not args.pin_stdin and not sys.stdin.isatty():
        raise InputError(_("Give the PIN on standard input with --pin-stdin."))
    store = open_store(settings)
    unit_ids = [people.find_unit(store, unit).id for unit in args.unit]
    pin = _read_pin()
    user = people.add_user(store, CLI, args.name, Role(args.role), pin, unit_ids, args.language)
    say(_("Added {role} {name} ({id}).").format(role=user.role.label, name=user.name, id=user.id))
    return 0


def _list(args, settings: Settings) -> int:
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.cli.access import open_store
    from handledare.services import people

    store = open_store(settings)
    names = {unit.id: unit.name for unit in people.list_units(store)}
    users = people.list_users(store)
    if args.json:
        as_json(
            [
                {
                    "id": u.id,
                    "name": u.name,
                    "role": u.role.value,
                    "language": u.language,
                    "units": [names[i] for i in u.unit_ids],
                }
                for u in users
            ]
        )
    else:
        table(
            [_("Name"), _("Role"), _("Units"), _("Language"), _("Id")],
            [
                [u.name, u.role.label, ", ".join(names[i] for i in u.unit_ids), u.language, u.id]
                for u in users
            ],
        )
    return 0
