"""The demo users as rows of the sign-in list: name, role, unit, language and PIN.

The demo's PINs are public (they are in its source), so the sign-in screen shows them
beside each name: a newcomer signs in without quitting to read them somewhere else.
The columns are as wide as their longest value; when the list is narrower than that,
the unit is shortened first ("Solgårdens vård- och…"), never the name or the PIN.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.cells import cell_len, set_cell_size

from handledare.i18n import _, ngettext
from handledare.text import printable

if TYPE_CHECKING:
    from handledare.services.demo import DemoLogin

GAP = "  "
UNIT_COLUMN = 2
SHORTEST_UNIT = 8


def _units(login: DemoLogin) -> str:
    if not login.units:
        return _("every unit")
    if len(login.units) == 1:
        return login.units[0]
    return ngettext("{count} unit", "{count} units", len(login.units)).format(
        count=len(login.units)
    )


def _fit(text: str, width: int) -> str:
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"


def demo_table(logins: Sequence[DemoLogin], width: int) -> tuple[str, dict[str, str]]:
    """The heading line, and each demo user's line by name, to fit `width` cells."""
    headings = [_("Name"), _("Role"), _("Unit"), _("Lang."), _("PIN")]
    rows = {
        login.name: [
            printable(login.name),
            login.role.label,
            _units(login),
            login.language,
            login.pin,
        ]
        for login in logins
    }
    widths = [
        max([cell_len(heading)] + [cell_len(row[i]) for row in rows.values()])
        for i, heading in enumerate(headings)
    ]
    over = sum(widths) + cell_len(GAP) * (len(widths) - 1) - width
    if over > 0:
        widths[UNIT_COLUMN] = max(widths[UNIT_COLUMN] - over, SHORTEST_UNIT)

    def line(cells: list[str]) -> str:
        return GAP.join(_fit(cell, w) for cell, w in zip(cells, widths, strict=True)).rstrip()

    return line(headings), {name: line(cells) for name, cells in rows.items()}
