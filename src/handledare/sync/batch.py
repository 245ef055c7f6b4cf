"""Batch files: JSON Lines with a header and the events, then the signature line.

This is the wire format; the store sees only its own event tuples. Format 2
(signed) is written; format 1 (a checksum instead of a signature) is read for
history published before the share was upgraded (docs/sync-format.md).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass

from handledare.i18n import _
from handledare.store.tables import StoredEvent
from handledare.sync.signing import Signer, fingerprint, signed_by, signing_keyids

FORMAT_VERSION = 2
LEGACY_FORMAT = 1

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
    sha256: str  # of the header and event lines: the batch's identity in the chain
    format: int = FORMAT_VERSION
    keyid: str | None = None  # the key whose signature verified; None for format 1


class BatchProblem(Exception):
    """Why a batch cannot be used: kept short and specific for the sync report."""


def _line(value: dict) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n"


def encode(
    signer: Signer,
    workstation_id: str,
    sequence: int,
    previous: str | None,
    events: list[StoredEvent],
) -> tuple[Batch, bytes]:
    """The batch and its file; the same events give the same bytes (Ed25519 is deterministic)."""
    header = {
        "format": FORMAT_VERSION,
        "workstation": workstation_id,
        "sequence": sequence,
        "previous": previous,
        "count": len(events),
    }
    body = _line(header) + b"".join(_line(event_to_wire(event)) for event in events)
    digest = hashlib.sha256(body).hexdigest()
    batch = Batch(workstation_id, sequence, previous, events, digest, keyid=signer.keyid)
    return batch, body + _line({"signatures": [signer.sign(body)]})


def decode(data: bytes, workstation_id: str, sequence: int, keys: Mapping[str, str]) -> Batch:
    """Parse and verify everything that can be checked from the file and the keys approved
    for its workstation (key id to public key): a format 2 batch must carry a signature by
    one of them over its header and events. A format 1 batch is returned unsigned; whether
    it may be used is for the caller to decide."""
    if not data.endswith(b"\n"):
        raise BatchProblem(_("the file is incomplete (it does not end with a full line)"))
    lines = data.split(b"\n")[:-1]
    if len(lines) < 2:
        raise BatchProblem(_("the file is incomplete (no header or no signature)"))
    try:
        header = json.loads(lines[0])
        trailer = json.loads(lines[-1])
    except ValueError as error:
        raise BatchProblem(_("the file is damaged ({error})").format(error=error)) from error
    found = header.get("format") if isinstance(header, dict) else None
    if found not in (FORMAT_VERSION, LEGACY_FORMAT) or not isinstance(trailer, dict):
        raise BatchProblem(
            _(
                "format {found} is not one this version reads ({known}); a newer version wrote it"
            ).format(found=found, known=FORMAT_VERSION)
        )
    body = data[: len(data) - len(lines[-1]) - 1]
    digest = hashlib.sha256(body).hexdigest()
    keyid = None
    if found == LEGACY_FORMAT:
        if trailer.get("sha256") != digest:
            raise BatchProblem(_("the checksum does not match: the file was changed or cut short"))
    else:
        keyid = _verified_key(trailer.get("signatures"), keys, body)
    if header.get("workstation") != workstation_id or header.get("sequence") != sequence:
        raise BatchProblem(_("the header names another workstation or number than the file name"))
    try:
        events = [event_from_wire(json.loads(line), sequence) for line in lines[1:-1]]
    except (ValueError, TypeError, KeyError) as error:
        raise BatchProblem(_("an event line is damaged ({error})").format(error=error)) from error
    if header.get("count") != len(events):
        raise BatchProblem(_("the number of events does not match the header"))
    if any(event.workstation_id != workstation_id for event in events):
        raise BatchProblem(_("it holds events of another workstation"))
    previous = header.get("previous")
    return Batch(workstation_id, sequence, previous, events, digest, found, keyid)


def _verified_key(signatures: object, keys: Mapping[str, str], body: bytes) -> str:
    """The approved key whose signature over `body` verifies, or why there is none."""
    named = signing_keyids(signatures)
    for keyid in named:
        if keyid in keys and signed_by(signatures, keyid, keys[keyid], body):
            return keyid
    if any(keyid in keys for keyid in named):
        raise BatchProblem(
            _("the signature does not verify: the file was changed after it was signed")
        )
    if named:
        raise BatchProblem(
            _("it is signed with a key no approval vouches for (key {key})").format(
                key=fingerprint(str(named[0]))
            )
        )
    raise BatchProblem(_("it is not signed"))
