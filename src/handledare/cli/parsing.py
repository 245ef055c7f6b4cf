"""argparse speaking the user's language, and the few helpers every command module uses.

argparse looks its own strings up through module-level `_` and `ngettext`
at call time; pointing those at our catalogs translates usage lines, help
headings and its error messages. The strings are listed here so that
extraction puts them in our catalogs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from handledare import i18n
from handledare.config import Settings
from handledare.i18n import LANGUAGES, N_, _

Handler = Callable[[argparse.Namespace, Settings], int]
Commands = argparse._SubParsersAction  # what `add_subparsers` returns; a module adds to it

ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("expected one argument"),
    N_("invalid %(type)s value: %(value)r"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"),
)


def install() -> None:
    vars(argparse).update(_=i18n._, ngettext=i18n.ngettext)


def add_global_options(parser: argparse.ArgumentParser, default: object = None) -> None:
    """The options that hold for every command, before or after it."""
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=default,
        help=_("folder with the database (overrides the config)"),
    )
    parser.add_argument(
        "--lang", choices=LANGUAGES, default=default, help=_("language: sv (default) or en")
    )
    parser.add_argument(
        "--yes",
        action="store_true",
        default=default if default is not None else False,
        help=_("answer yes to a question, e.g. whether to create a new database"),
    )


class Parser(argparse.ArgumentParser):
    """Usage mistakes are refused input: exit code 1, like every other refusal."""

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(
            1, i18n._("%(prog)s: error: %(message)s\n") % {"prog": self.prog, "message": message}
        )


class CommandParser(Parser):
    """A command's parser: it also takes the global options, written after the command.

    Their default is to leave the attribute alone, so a value given before
    the command stays unless the same option is given again after it.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        add_global_options(self, default=argparse.SUPPRESS)


def command(commands: Commands, name: str, help: str, handler: Handler) -> argparse.ArgumentParser:
    """Add a command (or a group's action) that `handler` carries out."""
    parser = commands.add_parser(name, help=help)
    parser.set_defaults(handler=handler)
    return parser


def uses_no_database(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """A command that never opens the database, so never asks to create one."""
    parser.set_defaults(uses_database=False)
    return parser


def group(commands: Commands, name: str, help: str) -> Commands:
    """Add a command with actions of its own, e.g. `user add`, `user list`."""
    return commands.add_parser(name, help=help).add_subparsers(
        dest="action", metavar=_("ACTION"), required=True
    )


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help=_("print JSON instead of a table"))
