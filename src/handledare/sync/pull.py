"""Reading another workstation's folder: its new batches, verified and in chain order."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from handledare.i18n import _
from handledare.store import ingest
from handledare.store.eventlog import Store
from handledare.sync.batch import Batch, BatchProblem, batch_name, decode
from handledare.sync.share import Listing, Share


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str

    @classmethod
    def stray(cls, workstation_id: str, name: str) -> Skipped:
        return cls(
            f"workstations/{workstation_id}/{name}",
            _("not a batch file (a copy, a temporary or a foreign file); left alone"),
        )


def new_batches(
    store: Store,
    share: Share,
    workstation_id: str,
    listing: Listing,
    last: tuple[int, str | None],
    skipped: list[Skipped],
) -> Iterator[Batch]:
    """The workstation's batches after `last` (sequence and hash applied here), checked and
    in chain order; stops at the first missing or unusable one (reported: the later ones
    wait for it)."""
    sequence, previous = last
    while True:
        sequence += 1
        path = f"workstations/{workstation_id}/{batch_name(sequence)}"
        if not listing.has(sequence):
            if listing.last() > sequence:
                skipped.append(Skipped(path, _("missing: later batches wait until it arrives")))
            return
        try:
            batch = decode(
                share.read(workstation_id, batch_name(sequence)), workstation_id, sequence
            )
            if batch.previous != previous:
                previous = _accept_rewritten_chain(store, share, workstation_id, listing, sequence)
            if batch.previous != previous:
                raise BatchProblem(
                    _("it does not follow the batch before it (the chain is broken)")
                )
        except BatchProblem as error:
            skipped.append(Skipped(path, str(error)))
            return
        yield batch
        previous = batch.sha256


def _accept_rewritten_chain(
    store: Store, share: Share, workstation_id: str, listing: Listing, sequence: int
) -> str | None:
    """Another workstation rewrote its batches after an erasure. Accept the new chain if it
    links up and holds exactly the events already applied here; return its last hash."""
    previous = None
    hashes = {}
    for number in range(1, sequence):
        if not listing.has(number):
            return None
        try:
            batch = decode(share.read(workstation_id, batch_name(number)), workstation_id, number)
        except BatchProblem:
            return None
        if batch.previous != previous or not ingest.all_known(store, [e.id for e in batch.events]):
            return None
        hashes[number] = previous = batch.sha256
    ingest.replace_hashes(store, workstation_id, hashes)
    return previous
