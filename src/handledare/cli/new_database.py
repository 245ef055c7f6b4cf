"""A command never makes a new database by surprise.

Without `--data-dir` a command works on the configured data folder; pointed at the
wrong folder it used to create an empty database there and report "0 rows". Now it
says that there is no database, where, and makes one only with `--yes` or when the
person at the keyboard says yes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from handledare.cli.output import say, warn
from handledare.errors import InputError
from handledare.i18n import _

YES = ("y", "yes", "j", "ja")


def confirm_new_database(database: Path, assume_yes: bool) -> None:
    """Return when a new database may be made at `database`; refuse otherwise."""
    if database.exists():
        return
    if assume_yes:
        say(_("Creating a new database: {path}").format(path=database))
        return
    warn(_("There is no database in {folder}.").format(folder=database.parent))
    if not sys.stdin.isatty():
        raise InputError(
            _(
                "Nothing was done. Give --data-dir for the folder that holds the database, "
                "or add --yes to create a new one in {folder}."
            ).format(folder=database.parent)
        )
    answer = input(_("Create a new database there? [y/N] "))
    if answer.strip().lower() not in YES:
        raise InputError(_("Nothing was done."))
