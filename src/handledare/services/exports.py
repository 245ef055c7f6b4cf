"""The sign-off export: CSV or xlsx that Swedish Excel opens as it is (docs/exports.md)."""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from handledare.domain.actor import Actor
from handledare.domain.enums import Mark
from handledare.domain.events import EventType
from handledare.domain.evidence import Proof
from handledare.domain.template import Item
from handledare.errors import EnvironmentProblem, InputError
from handledare.i18n import _, current_language
from handledare.store import share_view
from handledare.store.eventlog import Store
from handledare.store.sql import connection_of, select_in
from handledare.store.tables import EventRow, OnboardingRow, PersonRow, UnitRow, UserRow
from handledare.store.templates import template_of
from handledare.text import printable

SIGNOFF_COLUMNS = (
    "person",
    "employee_number",
    "unit",
    "template_id",
    "template_version",
    "item_key",
    "item_title",
    "event",
    "state",
    "by",
    "at",
    "workstation",
    "workstation_name",
    "note",
    "item_number",
    "evidence",
    "evidence_detail",
)

# What each kind of item event is called in the `event` column; stable for scripts.
_EVENT_CODES = {
    EventType.ITEM_MARKED: "marked",
    EventType.ITEMS_SIGNED_OFF: "signed_off",
    EventType.SIGN_OFF_REVOKED: "revoked",
    EventType.NOTE_ADDED: "note",
}


def local_time(wall_time: str) -> datetime:
    """An event's stored (UTC) time as local wall-clock time to the second, without an
    offset: what a spreadsheet shows and sorts as a date and time."""
    local = datetime.fromisoformat(wall_time).astimezone()
    return local.replace(tzinfo=None, microsecond=0)


def local_bounds(first: date | None, last: date | None) -> tuple[str | None, str | None]:
    """The stored (UTC) wall times that enclose whole local days `first`..`last`."""

    def utc(day: date, at: time) -> str:
        return datetime.combine(day, at).astimezone(UTC).isoformat()

    return (
        utc(first, time.min) if first else None,
        utc(last, time.max) if last else None,
    )


def signoff_rows(
    store: Store,
    actor: Actor,
    unit_id: str | None = None,
    first: date | None = None,
    last: date | None = None,
    workstation_names: Mapping[str, str] | None = None,
) -> list[tuple[object, ...]]:
    """One row per item event in the actor's units, oldest first.

    Workstations are named as the share knows them; `workstation_names` adds this one's
    name from its settings. An unknown one is left unnamed rather than guessed.
    """
    workstation_names = {**share_view.workstation_names(store), **(workstation_names or {})}
    if first and last and first > last:
        raise InputError(_("The start date comes after the end date."))
    start, end = local_bounds(first, last)
    language = current_language()
    query = (
        select(EventRow, OnboardingRow, PersonRow, UnitRow.name)
        .join(OnboardingRow, col(OnboardingRow.id) == EventRow.entity_id)
        .join(PersonRow, col(PersonRow.id) == OnboardingRow.person_id)
        .join(UnitRow, col(UnitRow.id) == OnboardingRow.unit_id)
        .where(col(EventRow.type).in_(list(_EVENT_CODES)))
        .order_by(EventRow.hlc, EventRow.workstation_id, EventRow.id)
    )
    if unit_id is not None:
        query = query.where(OnboardingRow.unit_id == unit_id)
    if not actor.is_admin:
        query = query.where(col(OnboardingRow.unit_id).in_(actor.unit_ids))
    if start:
        query = query.where(EventRow.wall_time >= start)
    if end:
        query = query.where(EventRow.wall_time <= end)
    rows: list[tuple[object, ...]] = []
    with store.read() as session:
        names: dict[str | None, str] = dict(session.exec(select(UserRow.id, UserRow.name)).all())
        found = session.exec(query).all()
        marks = marks_signed(session, [event for event, *_rest in found])
        for event, onboarding, person, unit_name in found:
            data = json.loads(event.payload)
            event_type = EventType(event.type)
            template = template_of(session, onboarding.template_id, onboarding.template_version)
            numbers = template.numbers()
            keys = data.get("item_keys") or ([data["item_key"]] if data.get("item_key") else [])
            for key in keys:
                item = template.recorded_item(key)
                mark = marks.get((event.id, key)) or data
                state, note = _state_and_note(event_type, data, mark)
                rows.append(
                    (
                        person.name,
                        person.employee_number or "",
                        unit_name,
                        onboarding.template_id,
                        onboarding.template_version,
                        key,
                        item.title.get(language),
                        _EVENT_CODES[event_type],
                        state,
                        names.get(event.actor_id, _("command line")),
                        local_time(event.wall_time),
                        event.workstation_id,
                        workstation_names.get(event.workstation_id, ""),
                        note,
                        numbers[key],
                        *_evidence_cells(event_type, item, mark),
                    )
                )
    return rows


def marks_signed(
    session: Session, events: Sequence[EventRow]
) -> dict[tuple[str, str], dict[str, Any]]:
    """For each (sign-off event, item): the mark it signed, with its proof and reason."""
    wanted: dict[tuple[str, str], str] = {}
    for event in events:
        if event.type == EventType.ITEMS_SIGNED_OFF:
            for key, basis in (json.loads(event.payload).get("basis") or {}).items():
                if basis:
                    wanted[(event.id, key)] = basis
    payloads = {
        row["id"]: json.loads(row["payload"])
        for row in select_in(
            connection_of(session), "events", ("id", "payload"), "id", sorted(set(wanted.values()))
        )
    }
    return {signed: payloads[basis] for signed, basis in wanted.items() if basis in payloads}


def _evidence_cells(event_type: EventType, item: Item, mark: dict[str, Any]) -> tuple[str, str]:
    """What proved the item, for a mark and for the sign-off of that mark."""
    if event_type not in (EventType.ITEM_MARKED, EventType.ITEMS_SIGNED_OFF):
        return "", ""
    if mark.get("mark") == Mark.NOT_APPLICABLE.value:
        return "", ""
    proof = mark.get("evidence")
    return item.evidence.value, Proof.from_dict(proof).summary() if proof else ""


def _state_and_note(
    event_type: EventType, data: dict[str, Any], mark: dict[str, Any]
) -> tuple[str, str]:
    if event_type is EventType.ITEM_MARKED:
        return Mark(data["mark"]).label, data.get("reason") or ""
    if event_type is EventType.ITEMS_SIGNED_OFF:
        if mark.get("mark") == Mark.NOT_APPLICABLE.value:
            return Mark.NOT_APPLICABLE.label, mark.get("reason") or ""
        return _("signed off"), ""
    if event_type is EventType.SIGN_OFF_REVOKED:
        return _("revoked"), data.get("reason") or ""
    return _("note"), data.get("text") or ""


def write_whole(path: Path, write: Callable[[Path], object]) -> None:
    """Let `write` fill a temporary file, then rename it into place: whole or not at all."""
    path = Path(path)
    partial = path.with_name(path.name + ".part")
    try:
        write(partial)
        os.replace(partial, path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise EnvironmentProblem(
            _("Could not write {path}: {problem}").format(path=path, problem=error.strerror)
        ) from error


# What makes Excel or LibreOffice read a cell as a formula (OWASP, "CSV Injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def visible_text(value: str) -> str:
    """Control characters other than line breaks and tabs as visible escapes (`\\x1b`)."""
    return "\n".join(
        "\t".join(printable(part) for part in line.split("\t")) for line in value.split("\n")
    )


def safe_cell(value: object) -> object:
    """A CSV cell that a spreadsheet shows as text and never runs.

    Text starting like a formula gets a leading `'`, as OWASP advises; control
    characters other than line breaks and tabs inside the text become visible escapes
    (`\\x1b`). Numbers are left as numbers, so a negative figure stays a figure; a
    date and time is written as Swedish Excel reads one, `2026-11-22 14:03:00`.
    """
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if not isinstance(value, str):
        return value
    if value.startswith(_FORMULA_STARTS):
        value = "'" + value
    return visible_text(value)


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Write CSV for Swedish Excel (UTF-8 with BOM, `;`); return the rows written."""
    rows = [[safe_cell(cell) for cell in row] for row in rows]

    def write(partial: Path) -> None:
        with partial.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_MINIMAL)
            writer.writerow(header)
            writer.writerows(rows)

    write_whole(path, write)
    return len(rows)


def export_signoffs(
    store: Store,
    actor: Actor,
    out: Path,
    unit_id: str | None = None,
    first: date | None = None,
    last: date | None = None,
    workstation_names: Mapping[str, str] | None = None,
) -> int:
    rows = signoff_rows(store, actor, unit_id, first, last, workstation_names)
    return write_csv(out, SIGNOFF_COLUMNS, rows)
