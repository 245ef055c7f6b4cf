"""Batch files: JSON Lines with a header, the events, and a checksum trailer.

This is the wire format; the store sees only its own event tuples.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass

from handledare.i18n import _
from handledare.store.tables import StoredEvent

FORMAT_VERSION = 1
# One line per file name: a folder of tens of thousands of names is sorted out in one
# pass of the regex engine instead of a Python call per name.
_BATCH_LINE = re.compile(r"^batch-[0-9]{12}\.jsonl$", re.MULTILINE)
_OTHER_LINE = re.compile(r"^(?!batch-[0-9]{12}\.jsonl$).+$", re.MULTILINE)


def batch_name(sequence: int) -> str:
    return f"batch-{sequence:012d}.jsonl"


def split_names(names: list[str], expected_others: set[str]) -> tuple[set[str], list[str]]:
    """A folder's proper batch file names, and the names that are neither batches nor
    among `expected_others`."""
    odd = [name for name in names if "\n" in name] if "\n" in "".join(names) else []
    text = "\n".join(name for name in names if "\n" not in name) if odd else "\n".join(names)
    batches = set(_BATCH_LINE.findall(text))
    if len(names) - len(batches) == sum(name in names for name in expected_others):
        return batches, []
    others = _OTHER_LINE.findall(text) + odd
    return batches, sorted(name for name in others if name not in expected_others)


def sequence_of(name: str) -> int:
    """The number in a proper batch file name."""
    return int(name[len("batch-") : -len(".jsonl")])


# The fields of an event on the wire; `payload` travels as a JSON object besides them.
EVENT_FIELDS = ("id", "hlc", "workstation_id", "actor_id", "type", "entity_id", "wall_time")


def event_to_wire(event: StoredEvent) -> dict:
    wire = {name: getattr(event, name) for name in EVENT_FIELDS}
    wire["payload"] = json.loads(event.payload)
    return wire


def event_from_wire(wire: dict, batch_sequence: int | None = None) -> StoredEvent:
    return StoredEvent(
        **{name: wire[name] for name in EVENT_FIELDS},
        payload=json.dumps(wire["payload"], ensure_ascii=False, sort_keys=True),
        batch_sequence=batch_sequence,
    )


@dataclass(frozen=True)
class Batch:
    workstation_id: str
    sequence: int
    previous: str | None
    events: list[StoredEvent]
    sha256: str


class BatchProblem(Exception):
    """Why a batch cannot be used: kept short and specific for the sync report."""


def _line(value: dict) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n"


def encode(
    workstation_id: str, sequence: int, previous: str | None, events: list[StoredEvent]
) -> tuple[Batch, bytes]:
    header = {
        "format": FORMAT_VERSION,
        "workstation": workstation_id,
        "sequence": sequence,
        "previous": previous,
        "count": len(events),
    }
    body = _line(header) + b"".join(_line(event_to_wire(event)) for event in events)
    digest = hashlib.sha256(body).hexdigest()
    return Batch(workstation_id, sequence, previous, events, digest), body + _line(
        {"sha256": digest}
    )


def decode(data: bytes, workstation_id: str, sequence: int) -> Batch:
    """Parse and verify everything that can be checked from the file alone."""
    if not data.endswith(b"\n"):
        raise BatchProblem(_("the file is incomplete (it does not end with a full line)"))
    lines = data.split(b"\n")[:-1]
    if len(lines) < 2:
        raise BatchProblem(_("the file is incomplete (no header or no checksum)"))
    try:
        header = json.loads(lines[0])
        trailer = json.loads(lines[-1])
    except ValueError as error:
        raise BatchProblem(_("the file is damaged ({error})").format(error=error)) from error
    if not isinstance(header, dict) or header.get("format") != FORMAT_VERSION:
        found = header.get("format") if isinstance(header, dict) else None
        raise BatchProblem(
            _(
                "format {found} is not one this version reads ({known}); a newer version wrote it"
            ).format(found=found, known=FORMAT_VERSION)
        )
    body = data[: len(data) - len(lines[-1]) - 1]
    digest = hashlib.sha256(body).hexdigest()
    if not isinstance(trailer, dict) or trailer.get("sha256") != digest:
        raise BatchProblem(_("the checksum does not match: the file was changed or cut short"))
    if header.get("workstation") != workstation_id or header.get("sequence") != sequence:
        raise BatchProblem(_("the header names another workstation or number than the file name"))
    try:
        events = [event_from_wire(json.loads(line), sequence) for line in lines[1:-1]]
    except (ValueError, TypeError, KeyError) as error:
        raise BatchProblem(_("an event line is damaged ({error})").format(error=error)) from error
    if header.get("count") != len(events):
        raise BatchProblem(_("the number of events does not match the header"))
    return Batch(workstation_id, sequence, header.get("previous"), events, digest)
