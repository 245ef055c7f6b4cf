"""argparse speaking the user's language.

argparse looks its own strings up through module-level `_` and `ngettext`
at call time; pointing those at our catalogs translates usage lines, help
headings and its error messages. The strings are listed here so that
extraction puts them in our catalogs.
"""

import argparse
import sys

from handledare import i18n
from handledare.i18n import N_

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
    argparse._ = i18n._
    argparse.ngettext = i18n.ngettext


class Parser(argparse.ArgumentParser):
    """Usage mistakes are refused input: exit code 1, like every other refusal."""

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(
            1, i18n._("%(prog)s: error: %(message)s\n") % {"prog": self.prog, "message": message}
        )
