"""The `handledare` command: opens the app, or runs one administrative command.

It is a second face on the same services as the screens. Exit codes:
0 done, 1 refused input (fix what you typed), 2 environment problem
(database, folders).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from handledare import cli_argparse, i18n
from handledare.cli_output import warn
from handledare.config import load_settings
from handledare.errors import EnvironmentProblem, InputError
from handledare.i18n import LANGUAGES, _

EXIT_OK, EXIT_REFUSED, EXIT_ENVIRONMENT = 0, 1, 2


def _pre_parse(argv: Sequence[str]) -> argparse.Namespace:
    """Read the options that decide language and data folder before building the help."""
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--data-dir", type=Path)
    pre.add_argument("--lang", choices=LANGUAGES)
    return pre.parse_known_args(argv)[0]


def _add_list_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help=_("print JSON instead of a table"))


def build_parser() -> argparse.ArgumentParser:
    Parser = cli_argparse.Parser
    parser = Parser(
        prog="handledare",
        description=_(
            "Introduction of substitutes in elder care. Without a command, the app opens."
        ),
    )
    parser.add_argument(
        "--data-dir", type=Path, help=_("folder with the database (overrides the config)")
    )
    parser.add_argument("--lang", choices=LANGUAGES, help=_("language: sv (default) or en"))
    commands = parser.add_subparsers(dest="command", metavar=_("COMMAND"), parser_class=Parser)

    demo = commands.add_parser("demo", help=_("open the app on a demo municipality"))
    demo.add_argument("--reset", action="store_true", help=_("delete the demo data and start over"))
    demo.add_argument("--no-tui", action="store_true", help=_("only create the demo data"))

    template = commands.add_parser("template", help=_("checklist templates")).add_subparsers(
        dest="action", metavar=_("ACTION"), required=True, parser_class=Parser
    )
    template.add_parser("validate", help=_("check a template file")).add_argument(
        "file", type=Path, metavar=_("FILE")
    )
    template.add_parser("import", help=_("import a template file")).add_argument(
        "file", type=Path, metavar=_("FILE")
    )
    publish = template.add_parser(
        "publish", help=_("import a template file and publish it on the share for everyone")
    )
    publish.add_argument("file", type=Path, metavar=_("FILE"))
    publish.add_argument("--share", type=Path, help=_("the share's folder (overrides the config)"))
    _add_list_flag(template.add_parser("list", help=_("list imported templates")))
    show = template.add_parser("show", help=_("show a template's sections and items"))
    show.add_argument("template_id", metavar="ID")
    show.add_argument("--version", type=int, help=_("version (default: the newest)"))
    _add_list_flag(show)

    user = commands.add_parser("user", help=_("users who sign in")).add_subparsers(
        dest="action", metavar=_("ACTION"), required=True, parser_class=Parser
    )
    user_add = user.add_parser("add", help=_("add a user"))
    user_add.add_argument("--name", required=True, help=_("full name"))
    user_add.add_argument(
        "--role", required=True, choices=["supervisor", "manager", "admin"], help=_("role")
    )
    user_add.add_argument(
        "--unit", action="append", default=[], help=_("unit name or id (repeat for several)")
    )
    user_add.add_argument("--language", choices=LANGUAGES, default="sv", help=_("language"))
    user_add.add_argument(
        "--pin-stdin", action="store_true", help=_("read the PIN from standard input")
    )
    _add_list_flag(user.add_parser("list", help=_("list users")))

    unit = commands.add_parser("unit", help=_("units (workplaces)")).add_subparsers(
        dest="action", metavar=_("ACTION"), required=True, parser_class=Parser
    )
    unit.add_parser("add", help=_("add a unit")).add_argument(
        "name", metavar=_("NAME"), help=_("the unit's name")
    )
    _add_list_flag(unit.add_parser("list", help=_("list units")))

    person = commands.add_parser("person", help=_("substitutes")).add_subparsers(
        dest="action", metavar=_("ACTION"), required=True, parser_class=Parser
    )
    person_add = person.add_parser("add", help=_("add a substitute"))
    person_add.add_argument("--name", required=True, help=_("full name"))
    person_add.add_argument("--unit", required=True, help=_("unit name or id"))
    person_add.add_argument("--start", help=_("start date YYYY-MM-DD (default: today)"))
    person_add.add_argument(
        "--employment",
        choices=["hourly", "temporary", "permanent"],
        default="hourly",
        help=_("employment type"),
    )
    person_add.add_argument("--employee-number", help=_("employee number (optional)"))
    export = person.add_parser("export", help=_("everything stored about one substitute"))
    export.add_argument("person", metavar=_("PERSON"), help=_("name, employee number or id"))
    export.add_argument("--out", type=Path, required=True, help=_("the JSON file to write"))
    erase = person.add_parser(
        "erase",
        help=_("erase a substitute's personal data here and, at their next sync, everywhere"),
    )
    erase.add_argument("person", metavar=_("PERSON"), help=_("name, employee number or id"))
    erase.add_argument("--yes", action="store_true", help=_("do not ask for confirmation"))
    person_list = person.add_parser("list", help=_("list substitutes"))
    person_list.add_argument("--unit", help=_("only this unit"))
    _add_list_flag(person_list)

    status = commands.add_parser("status", help=_("progress of one substitute"))
    status.add_argument("person", metavar=_("PERSON"), help=_("name, employee number or id"))
    _add_list_flag(status)

    sync = commands.add_parser("sync", help=_("one sync round with the central share"))
    sync.add_argument("--share", type=Path, help=_("the share's folder (overrides the config)"))
    sync.add_argument(
        "--dry-run", action="store_true", help=_("only show what would be sent and received")
    )

    export = commands.add_parser("export", help=_("exports for other programs")).add_subparsers(
        dest="action", metavar=_("ACTION"), required=True, parser_class=Parser
    )
    signoffs = export.add_parser(
        "signoffs", help=_("every item event as CSV for Excel (see docs/exports.md)")
    )
    signoffs.add_argument("--unit", help=_("only this unit"))
    signoffs.add_argument("--from", dest="first", help=_("from this date, YYYY-MM-DD"))
    signoffs.add_argument("--to", dest="last", help=_("up to and including this date"))
    signoffs.add_argument("--out", type=Path, required=True, help=_("the CSV file to write"))

    report = commands.add_parser("report", help=_("follow-up figures")).add_subparsers(
        dest="action", metavar=_("ACTION"), required=True, parser_class=Parser
    )
    monthly = report.add_parser("monthly", help=_("one month per unit"))
    monthly.add_argument("--month", required=True, help=_("the month, YYYY-MM"))
    monthly.add_argument("--unit", help=_("only this unit"))
    monthly.add_argument("--out", type=Path, help=_("also write the table as CSV"))

    certificate = commands.add_parser(
        "certificate", help=_("the introduction certificate of a substitute, as PDF")
    )
    certificate.add_argument("person", metavar=_("PERSON"), help=_("name, employee number or id"))
    certificate.add_argument("--out", type=Path, required=True, help=_("the PDF file to write"))

    commands.add_parser("rebuild", help=_("rebuild all tables from the event log"))
    return parser


def _handler(command: str, action: str | None):
    """The command's function, imported only now: the app's start must not pay for them."""
    from handledare.cli_commands import COMMANDS
    from handledare.cli_reports import REPORT_COMMANDS
    from handledare.cli_share import SHARE_COMMANDS

    return {**COMMANDS, **SHARE_COMMANDS, **REPORT_COMMANDS}[(command, action)]


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    early = _pre_parse(argv)
    settings = load_settings(early.data_dir)
    i18n.set_language(early.lang or settings.language)
    cli_argparse.install()
    for problem in settings.problems:
        warn(str(problem))

    try:
        args = build_parser().parse_args(argv)
    except SystemExit as done:  # --help, or a usage mistake already explained
        return done.code if isinstance(done.code, int) else EXIT_OK
    if args.command is None:
        from handledare.tui.launch import run_app

        return run_app(settings)
    try:
        return _handler(args.command, getattr(args, "action", None))(args, settings) or EXIT_OK
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
