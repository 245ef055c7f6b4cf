"""How a command reaches this workstation's data, and as whom.

Imported only inside the commands' functions: it loads the store (SQLModel),
which the app's start must not pay for.

`sign_in` (with `parsing.add_sign_in`) is the commands' way to act as a named
user with their PIN; today the workstation commands use it, and a general
sign-in for every command can take it over.
"""

from __future__ import annotations

import sys

from handledare.config import Settings
from handledare.domain.actor import Actor
from handledare.errors import InputError, NotFoundError
from handledare.i18n import _
from handledare.store.eventlog import Store

CLI = Actor.command_line()


def open_store(settings: Settings) -> Store:
    return Store.open(settings.database_path)


def sign_in(store: Store, args) -> tuple[Actor, str]:
    """The user named by `--as`, once their PIN matches, and the PIN (services that record a
    decision check it again, in the same transaction)."""
    from handledare.services import people  # the services load with the command, not earlier
    from handledare.text import fold

    matches = [u for u in people.list_users(store) if fold(u.name) == fold(args.as_user)]
    if not matches:
        raise NotFoundError(_("There is no user called {name}.").format(name=args.as_user))
    if args.pin_stdin or not sys.stdin.isatty():
        if not args.pin_stdin:
            raise InputError(_("Give the PIN on standard input with --pin-stdin."))
        pin = sys.stdin.readline().strip()
    else:
        import getpass  # imported here, not at the top, for start time (it loads termios)

        pin = getpass.getpass(_("PIN for {name}: ").format(name=matches[0].name))
    return people.authenticate(store, matches[0].id, pin), pin
