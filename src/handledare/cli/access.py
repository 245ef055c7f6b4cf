"""How a command reaches this workstation's data, and who is acting: a user with their PIN.

The command line signs in like the app: `--as NAME` and the PIN, typed at a
hidden prompt or, for scripts, read from standard input with `--pin-stdin`
(one PIN a line: first the acting user's, then a new PIN where the command
sets one). Wrong PINs count towards the same lockout as in the app.

The module is light enough to import at the top of every command module: the
store (SQLModel), which the app's start must not pay for, is loaded only when
a command opens it.
"""

from __future__ import annotations

import argparse
import sys

from handledare.cli.output import warn
from handledare.config import Settings
from handledare.domain.actor import Actor
from handledare.errors import InputError
from handledare.i18n import _


def add_sign_in(parser: argparse.ArgumentParser, pin_help: str | None = None) -> None:
    """The options of a command that changes data or reads personal data."""
    parser.add_argument(
        "--as", dest="as_name", metavar=_("NAME"), help=_("your name (or user id): who is acting")
    )
    parser.add_argument(
        "--pin-stdin",
        action="store_true",
        help=pin_help or _("read your PIN from standard input instead of a hidden prompt"),
    )


def open_store(settings: Settings):
    from handledare.store.eventlog import Store  # start time: the store only when a command runs

    return Store.open(settings.database_path)


def read_pin(args: argparse.Namespace, prompt: str) -> str:
    """The next PIN: a line of standard input with --pin-stdin, else a hidden prompt."""
    if args.pin_stdin:
        line = sys.stdin.readline()
        if not line:
            raise InputError(_("A PIN was expected on standard input, one per line."))
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise InputError(_("Give the PIN on standard input with --pin-stdin."))
    import getpass  # imported here, not at the top, for start time (it loads termios)

    return getpass.getpass(prompt)


def read_new_pin(args: argparse.Namespace) -> str:
    """A PIN being set: once from standard input, or typed twice at the prompt."""
    first = read_pin(args, _("New PIN (4-8 digits): "))
    if not args.pin_stdin and read_pin(args, _("New PIN again: ")) != first:
        raise InputError(_("The two PINs differ. Nothing was saved."))
    return first


def sign_in(store, args: argparse.Namespace) -> Actor:
    """The user named by --as, once their PIN is right; refused without --as."""
    from handledare.services import people, pins  # start time: see cli/__init__.py

    if not args.as_name:
        raise InputError(
            _(
                "Say who you are: add --as NAME, and give your PIN when asked "
                "(or on standard input with --pin-stdin)."
            )
        )
    user = people.find_user(store, args.as_name)
    pin = read_pin(args, _("PIN for {name}: ").format(name=user.name))
    signed_in = pins.sign_in(store, user.id, pin)
    if signed_in.weak_pin:
        warn(
            _(
                "Your PIN is too easy to guess under the rules that now apply. "
                'Change it: handledare user pin "{name}" --as "{name}"'
            ).format(name=user.name)
        )
    return signed_in.actor
