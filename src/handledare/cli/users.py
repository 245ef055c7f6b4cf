"""`handledare user`: the users who sign in, their PINs and lockouts."""

from __future__ import annotations

from handledare.cli.access import add_sign_in, open_store, read_new_pin, sign_in
from handledare.cli.output import as_json, say, table
from handledare.cli.parsing import Commands, add_json_flag, command, group
from handledare.config import Settings
from handledare.domain.enums import Role
from handledare.i18n import LANGUAGES, _, format_datetime


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
    add_sign_in(
        add,
        _(
            "read the PINs from standard input, one a line: yours, then the new user's "
            "(only the new user's when creating the first administrator)"
        ),
    )
    listing = command(user, "list", _("list users"), _list)
    add_json_flag(listing)
    add_sign_in(listing)
    pin = command(user, "pin", _("change a PIN: your own, or anyone's as administrator"), _pin)
    pin.add_argument("name", metavar=_("NAME"), help=_("whose PIN (name or id)"))
    add_sign_in(pin, _("read the PINs from standard input, one a line: yours, then the new one"))
    unlock = command(
        user, "unlock", _("let a user locked out by wrong PINs sign in again here"), _unlock
    )
    unlock.add_argument("name", metavar=_("NAME"), help=_("whom to unlock (name or id)"))
    add_sign_in(unlock)


def _add(args, settings: Settings) -> int:
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.services import people

    store = open_store(settings)
    # The one exception to signing in: the first administrator of an empty database.
    first_admin = args.as_name is None and not people.has_users(store)
    actor = None if first_admin else sign_in(store, args)
    unit_ids = [people.find_unit(store, unit).id for unit in args.unit]
    pin = read_new_pin(args)
    user = people.add_user(store, actor, args.name, Role(args.role), pin, unit_ids, args.language)
    say(_("Added {role} {name} ({id}).").format(role=user.role.label, name=user.name, id=user.id))
    return 0


def _list(args, settings: Settings) -> int:
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.services import people, pins

    store = open_store(settings)
    sign_in(store, args)
    names = {unit.id: unit.name for unit in people.list_units(store)}
    users = people.list_users(store)
    locked = {lockout.user_id: lockout.until for lockout in pins.lockouts(store) if lockout.until}
    if args.json:
        as_json(
            [
                {
                    "id": u.id,
                    "name": u.name,
                    "role": u.role.value,
                    "language": u.language,
                    "units": [names[i] for i in u.unit_ids],
                    "locked_until": locked[u.id].isoformat() if u.id in locked else None,
                }
                for u in users
            ]
        )
    else:
        table(
            [_("Name"), _("Role"), _("Units"), _("Language"), _("Locked until"), _("Id")],
            [
                [
                    u.name,
                    u.role.label,
                    ", ".join(names[i] for i in u.unit_ids),
                    u.language,
                    format_datetime(locked[u.id]) if u.id in locked else "",
                    u.id,
                ]
                for u in users
            ],
        )
    return 0


def _pin(args, settings: Settings) -> int:
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.services import people, pins

    store = open_store(settings)
    actor = sign_in(store, args)
    user = people.find_user(store, args.name)
    pins.change_pin(store, actor, user.id, read_new_pin(args))
    say(_("The PIN of {name} has been changed.").format(name=user.name))
    return 0


def _unlock(args, settings: Settings) -> int:
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.services import people, pins

    store = open_store(settings)
    actor = sign_in(store, args)
    user = people.find_user(store, args.name)
    pins.unlock(store, actor, user.id)
    say(_("{name} can sign in again on this workstation.").format(name=user.name))
    return 0
