"""The `handledare` command: opens the app, or runs one administrative command.

It is a second face on the same services as the screens. Each module here
holds one group of commands, their arguments and what they do; this one
puts them together. Exit codes: 0 done, 1 refused input (fix what you
typed), 2 environment problem (database, folders).

Start time: the app opens through here, so the command modules import
only argparse, translations and settings at the top; what a command needs
(the store, the services) is imported inside its function.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from handledare import i18n
from handledare.cli import (
    demo,
    info,
    maintenance,
    parsing,
    people,
    reports,
    share,
    templates,
    units,
    users,
    workstations,
)
from handledare.cli.new_database import confirm_new_database
from handledare.cli.output import warn
from handledare.config import load_settings
from handledare.errors import EnvironmentProblem, InputError
from handledare.i18n import LANGUAGES, _

EXIT_OK, EXIT_REFUSED, EXIT_ENVIRONMENT = 0, 1, 2

# In the order the help lists them.
GROUPS = (
    demo,
    templates,
    users,
    units,
    people,
    share,
    workstations,
    reports,
    maintenance,
    info,
)


def _pre_parse(argv: Sequence[str]) -> tuple[Path | None, str | None]:
    """The data folder and language, read before the help is built in that language.

    Lenient on purpose: a wrong value is explained by the full parser, in the
    language of the last valid `--lang` (or the settings'). As there, the last
    of an option given twice (before and after the command) counts.
    """
    pre = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    pre.add_argument("--data-dir", type=Path)
    pre.add_argument("--lang", action="append", default=[])
    try:
        early = pre.parse_known_args(argv)[0]
    except argparse.ArgumentError:
        return None, None
    languages = [language for language in early.lang if language in LANGUAGES]
    return early.data_dir, languages[-1] if languages else None


def build_parser() -> argparse.ArgumentParser:
    parser = parsing.Parser(
        prog="handledare",
        description=_(
            "Introduction of substitutes in elder care. Without a command, the app opens."
        ),
    )
    parsing.add_global_options(parser)
    commands = parser.add_subparsers(
        dest="command", metavar=_("COMMAND"), parser_class=parsing.CommandParser
    )
    for group in GROUPS:
        group.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    data_dir, language = _pre_parse(argv)
    settings = load_settings(data_dir)
    i18n.set_language(language or settings.language)
    parsing.install()
    for problem in settings.problems:
        warn(str(problem))

    try:
        args = build_parser().parse_args(argv)
    except SystemExit as done:  # --help, or a usage mistake already explained
        return done.code if isinstance(done.code, int) else EXIT_OK
    if args.command is None:
        from handledare.tui.launch import run_app  # start time: Textual only when the app opens

        return run_app(settings)
    try:
        if getattr(args, "uses_database", True):
            confirm_new_database(settings.database_path, args.yes)
        return args.handler(args, settings) or EXIT_OK
    except InputError as error:
        warn(error.message)
        return EXIT_REFUSED
    except EnvironmentProblem as error:
        warn(error.message)
        return EXIT_ENVIRONMENT
    except KeyboardInterrupt:
        warn(_("Interrupted."))
        return EXIT_REFUSED
    except BrokenPipeError:  # output piped into a program that stopped reading, e.g. head
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keeps the interpreter's exit quiet
        return EXIT_OK
    except OSError as error:  # a file or folder no service expected to fail; it names the path
        warn(_("A file or folder could not be used: {error}").format(error=error))
        return EXIT_ENVIRONMENT
