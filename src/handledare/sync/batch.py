"""Batch files: JSON Lines with a header, the events encrypted, then the signature line.

This is the wire format; the store sees only its own event tuples. Format 3
(signed, events encrypted with the share key) is written; format 2 (signed,
events in plain text) and format 1 (a checksum instead of a signature) are read
for what was published before the share was upgraded (docs/sync-format.md).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from handledare.i18n import _
from handledare.store.tables import StoredEvent
from handledare.sync.sealing import KeyMissing, ShareKey, encrypt, new_nonce
from handledare.sync.signing import Signer, fingerprint, signed_by, signing_keyids

FORMAT_VERSION = 3
PLAIN_FORMAT = 2  # signed, events in plain text: read, never written
LEGACY_FORMAT = 1
# Opens a batch's events: (share key id, nonce, ciphertext, header line) to the plaintext.
Opener = Callable[[str, bytes, bytes, bytes], bytes]
# Decides, once the signature verified, whether its key may sign this batch (raises if not).
Admit = Callable[[int, str | None], None]

# The fields of an event on the wire; `payload` travels as a JSON object besides them.
EVENT_FIELDS = ("id", "hlc", "workstation_id", "actor_id", "type", "entity_id", "wall_time")


def event_to_wire(event: StoredEvent) -> dict[str, Any]:
    wire = {name: getattr(event, name) for name in EVENT_FIELDS}
    wire["payload"] = json.loads(event.payload)
    return wire


def event_from_wire(wire: dict[str, Any], batch_sequence: int | None = None) -> StoredEvent:
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
    share_key: str | None = None  # the share key its events are encrypted with (format 3)


class BatchProblem(Exception):
    """Why a batch cannot be used: kept short and specific for the sync report."""


def _line(value: dict[str, Any]) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n"


def encode(
    signer: Signer,
    workstation_id: str,
    sequence: int,
    previous: str | None,
    events: list[StoredEvent],
    share_key: ShareKey,
) -> tuple[Batch, bytes]:
    """The batch and its file: the events encrypted with the share key (a fresh nonce each
    time, the header line as associated data), then signed."""
    plain = b"".join(_line(event_to_wire(event)) for event in events)
    header = {
        "format": FORMAT_VERSION,
        "workstation": workstation_id,
        "sequence": sequence,
        "previous": previous,
        "count": len(events),
        "key": share_key.id,
    }
    nonce = new_nonce()  # random; in the header, which is the associated data
    header["nonce"] = base64.b64encode(nonce).decode("ascii")
    head = _line(header)
    ciphertext = encrypt(share_key, nonce, plain, head)
    body = head + _line({"events": base64.b64encode(ciphertext).decode("ascii")})
    digest = hashlib.sha256(body).hexdigest()
    batch = Batch(
        workstation_id,
        sequence,
        previous,
        events,
        digest,
        keyid=signer.keyid,
        share_key=share_key.id,
    )
    return batch, body + _line({"signatures": [signer.sign(body)]})


def decode(
    data: bytes,
    workstation_id: str,
    sequence: int,
    keys: Mapping[str, str],
    opener: Opener | None = None,
    admit: Admit | None = None,
) -> Batch:
    """Parse and verify everything that can be checked from the file and the keys approved
    for its workstation (key id to public key): a format 2 or 3 batch must carry a signature
    by one of them over its header and events; `admit` then says whether that key may sign
    this batch, and only then are its events opened (format 3, with `opener`). A format 1
    batch is returned unsigned (`admit` is given None)."""
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
    if found not in (FORMAT_VERSION, PLAIN_FORMAT, LEGACY_FORMAT) or not isinstance(trailer, dict):
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
    if admit is not None:
        admit(found, keyid)
    share_key = None
    event_lines = lines[1:-1]
    if found == FORMAT_VERSION:
        share_key = header.get("key")
        event_lines = _opened(header, lines, opener)
    try:
        events = [event_from_wire(json.loads(line), sequence) for line in event_lines]
    except (ValueError, TypeError, KeyError) as error:
        raise BatchProblem(_("an event line is damaged ({error})").format(error=error)) from error
    if header.get("count") != len(events):
        raise BatchProblem(_("the number of events does not match the header"))
    if any(event.workstation_id != workstation_id for event in events):
        raise BatchProblem(_("it holds events of another workstation"))
    previous = header.get("previous")
    return Batch(workstation_id, sequence, previous, events, digest, found, keyid, share_key)


def _opened(header: dict[str, Any], lines: list[bytes], opener: Opener | None) -> list[bytes]:
    """The event lines of a format 3 batch, decrypted; the header line is the associated
    data, so a ciphertext moved to another batch, or a header changed, does not open."""
    try:
        [sealed] = lines[1:-1]
        ciphertext = base64.b64decode(json.loads(sealed)["events"], validate=True)
        nonce = base64.b64decode(header["nonce"], validate=True)
        key = header["key"]
    except (ValueError, TypeError, KeyError, binascii.Error) as error:
        raise BatchProblem(_("the file is damaged ({error})").format(error=error)) from error
    if opener is None or not isinstance(key, str):
        raise KeyMissing(key)
    plain = opener(key, nonce, ciphertext, lines[0] + b"\n")
    return plain.split(b"\n")[:-1]


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
