"""The inspection pack: the timeline of one person or one unit as PDF and CSV, and its record.

Made by a unit manager or an administrator. That a pack was made, by whom, of
what and which range, and the SHA-256 of both files, is itself an event
(`inspection_pack.made`): it travels with sync and stays in the log through
`rebuild`, so anyone can later tell which pack is the one handed over and
whether a copy was altered.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import col, select

from handledare.domain.actor import Actor
from handledare.domain.enums import Role
from handledare.domain.events import EventType
from handledare.errors import InputError
from handledare.i18n import _, format_date, format_datetime
from handledare.security import require_role, require_unit
from handledare.services import people, workstations
from handledare.services.exports import write_csv, write_whole
from handledare.services.inspection import (
    TIMELINE_COLUMNS,
    TimelineRow,
    timeline,
    timeline_csv_rows,
)
from handledare.services.paper import FONT, new_paper, write_line
from handledare.store.eventlog import Store
from handledare.store.tables import EventRow, PersonRow, UnitRow, UserRow
from handledare.text import printable

if TYPE_CHECKING:
    from fpdf import FPDF  # only when a paper is made: starting never pays for fpdf2

PACK_ROLES = (Role.MANAGER, Role.ADMIN)


@dataclass(frozen=True)
class Scope:
    """One person or one unit, named as the pack names it."""

    person_id: str | None
    unit_id: str
    name: str


@dataclass(frozen=True)
class PackMade:
    id: str
    rows: int
    pages: int


@dataclass(frozen=True)
class PackRecord:
    """A pack as the log remembers it."""

    id: str
    at: datetime
    by: str
    workstation: str
    scope: str
    first: date
    last: date
    rows: int
    pdf_sha256: str
    csv_sha256: str


def scope_of(
    store: Store, actor: Actor, person_id: str | None = None, unit_id: str | None = None
) -> Scope:
    """The person or the unit, refused unless the actor may make packs there."""
    require_role(actor, *PACK_ROLES)
    if (person_id is None) == (unit_id is None):
        raise InputError(_("Choose either one person or one unit."))
    if person_id is not None:
        person = next((p for p in people.list_people(store, actor) if p.id == person_id), None)
        if person is None:
            raise InputError(_("There is no substitute with id {id}.").format(id=person_id))
        return Scope(person.id, person.unit_id, person.name)
    assert unit_id is not None
    require_unit(actor, unit_id)
    unit = next(u for u in people.list_units(store) if u.id == unit_id)
    return Scope(None, unit.id, unit.name)


def make_pack(
    store: Store,
    actor: Actor,
    scope: Scope,
    first: date,
    last: date,
    pdf_path: Path,
    csv_path: Path,
) -> PackMade:
    """Write both files, then record that they were made. If the record cannot be
    written, the files are removed: no pack exists that the log does not know of."""
    require_role(actor, *PACK_ROLES)
    require_unit(actor, scope.unit_id)
    unit_id = None if scope.person_id else scope.unit_id
    rows = timeline(store, actor, first, last, person_id=scope.person_id, unit_id=unit_id)
    write_csv(csv_path, TIMELINE_COLUMNS, timeline_csv_rows(rows))
    pages = write_pack_pdf(scope, first, last, rows, pdf_path, store.now())
    pack_id = str(uuid.uuid4())
    payload = {
        "person_id": scope.person_id,
        "unit_id": scope.unit_id,
        "first": first.isoformat(),
        "last": last.isoformat(),
        "rows": len(rows),
        "pdf_sha256": _sha256(pdf_path),
        "csv_sha256": _sha256(csv_path),
    }
    try:
        with store.write(actor.user_id) as tx:
            tx.emit(EventType.INSPECTION_PACK_MADE, pack_id, payload)
    except BaseException:
        Path(pdf_path).unlink(missing_ok=True)
        Path(csv_path).unlink(missing_ok=True)
        raise
    return PackMade(pack_id, len(rows), pages)


def packs_made(store: Store, actor: Actor) -> list[PackRecord]:
    """The packs made of the actor's units (all for an administrator), newest first."""
    require_role(actor, *PACK_ROLES)
    with store.read() as session:
        users: dict[str | None, str] = dict(session.exec(select(UserRow.id, UserRow.name)).all())
        units = dict(session.exec(select(UnitRow.id, UnitRow.name)).all())
        persons = dict(session.exec(select(PersonRow.id, PersonRow.name)).all())
        events = session.exec(
            select(EventRow)
            .where(col(EventRow.type) == EventType.INSPECTION_PACK_MADE)
            .order_by(col(EventRow.hlc).desc())
        ).all()
    found = []
    for event in events:
        data = json.loads(event.payload)
        if not actor.covers_unit(data["unit_id"]):
            continue
        person = data.get("person_id")
        found.append(
            PackRecord(
                id=event.entity_id,
                at=datetime.fromisoformat(event.wall_time),
                by=users.get(event.actor_id, "?"),
                workstation=event.workstation_id,
                scope=persons.get(person, "?") if person else units.get(data["unit_id"], "?"),
                first=date.fromisoformat(data["first"]),
                last=date.fromisoformat(data["last"]),
                rows=data["rows"],
                pdf_sha256=data["pdf_sha256"],
                csv_sha256=data["csv_sha256"],
            )
        )
    return found


def _sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def write_pack_pdf(
    scope: Scope, first: date, last: date, rows: list[TimelineRow], out: Path, now: datetime
) -> int:
    """The timeline as an A4 table; return the page count."""
    title = _("Inspection pack")
    name = printable(scope.name)
    pdf = new_paper(
        title,
        lambda page: _("{name} · made {date} · page {page} of {pages}").format(
            name=name, date=format_datetime(now), page=page, pages="{nb}"
        ),
    )
    write_line(pdf, title, 18, bold=True, gap=2)
    write_line(pdf, name, 14, bold=True)
    write_line(
        pdf,
        _("From {first} to {last}, both days included.").format(
            first=format_date(first), last=format_date(last)
        ),
    )
    write_line(
        pdf,
        _(
            "Sign-offs, revoked sign-offs, approvals to work alone, delegations and their ends, "
            "as the event log records them: who, when and on which workstation."
        ),
        9,
        gap=3,
    )
    if not rows:
        write_line(pdf, _("Nothing was recorded in this range."))
    else:
        _table(pdf, rows, with_person=scope.person_id is None)
    write_whole(out, lambda partial: pdf.output(str(partial)))
    return int(pdf.page_no())


# Column widths in mm across the 190 of an A4 page, with and without the person's column.
_WIDTHS = {True: (22, 22, 26, 34, 38, 24, 24), False: (24, 24, 44, 50, 24, 24)}


def _table(pdf: FPDF, rows: list[TimelineRow], with_person: bool) -> None:
    headings = [_("When"), _("What"), _("Person"), _("Task"), _("Details"), _("By")]
    headings.append(_("Workstation"))
    if not with_person:
        headings.remove(_("Person"))
    pdf.set_font(FONT, size=7)
    with pdf.table(
        col_widths=_WIDTHS[with_person],
        first_row_as_headings=True,
        text_align="LEFT",
        line_height=3.5,
    ) as table:
        header = table.row()
        for heading in headings:
            header.cell(heading)
        for r in rows:
            cells = [format_datetime(r.at), r.label, r.person, r.title or r.task, r.detail, r.by]
            cells.append(workstations.label(r.workstation, r.workstation_name))
            if not with_person:
                del cells[2]
            row = table.row()
            for cell in cells:
                row.cell(printable(cell))
