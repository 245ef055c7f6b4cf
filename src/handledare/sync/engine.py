"""One sync round: publish what is new here, then read and apply what is new elsewhere."""

from __future__ import annotations

import heapq
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

from handledare.domain.events import EventType
from handledare.i18n import _
from handledare.store import erasure, replication
from handledare.store.eventlog import Store
from handledare.sync.batch import Batch, BatchProblem, batch_name, decode, encode
from handledare.sync.share import Listing, Share, WorkstationClash

CLOCK_SKEW_LIMIT = 300.0
MAX_BATCH_EVENTS = 5000
APPLY_EVENTS = 5000
_round_lock = threading.Lock()


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


@dataclass
class SyncReport:
    sent_events: int = 0
    sent_batch: int | None = None
    received: dict[str, int] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)
    waiting: int = 0
    pending_entities: int = 0
    clock_skew: float | None = None
    dry_run: bool = False

    @property
    def received_events(self) -> int:
        return sum(self.received.values())

    @property
    def clock_warning(self) -> bool:
        return self.clock_skew is not None and abs(self.clock_skew) > CLOCK_SKEW_LIMIT


def run_round(
    store: Store, share: Share, *, name: str, machine: str, dry_run: bool = False
) -> SyncReport:
    """Sync once. Batches are applied whole, several to a transaction, so an interrupted
    round loses nothing: what was not committed is read again next time."""
    with _round_lock:
        report = SyncReport(dry_run=dry_run)
        share.open()
        own = store.workstation_id
        share.claim(own, name, machine)
        if not dry_run:
            _purge_retained(store)
        _publish(store, share, report, dry_run)
        workstation_ids = share.workstation_ids()
        with store.read() as session:
            applied = replication.last_batches(session, workstation_ids)
        chains = []
        for workstation_id in workstation_ids:
            listing = share.listing(workstation_id)
            _report_strays(listing, workstation_id, report)
            if workstation_id != own:
                last = applied.get(workstation_id, (0, None))
                chains.append(_new_batches(store, share, workstation_id, listing, last, report))
        _apply_in_stamp_order(store, chains, report, dry_run)
        if not dry_run:
            report.clock_skew = share.clock_skew(own)
        with store.read() as session:
            report.waiting = replication.waiting_count(session, own)
        return report


def _purge_retained(store: Store) -> None:
    """An erased person's delegation records whose retention date has passed go now; the
    batches that held them are rewritten below, as after an erasure."""
    with store.write(None) as tx:
        erasure.purge_due(tx.session, tx.wall.astimezone().date().isoformat())


def _restore_own(store: Store, share: Share) -> None:
    """Write again any of our published batches the share has lost (a restored or new share).

    Encoding is deterministic, so the file is byte for byte the one published before.
    """
    own = store.workstation_id
    present = share.listing(own)
    with store.read() as session:
        for recorded in replication.own_batches(session, own):
            if present.has(recorded.sequence):
                continue
            events = replication.events_of_batch(session, own, recorded.sequence)
            wire = [replication.event_to_wire(row) for row in events]
            _batch, data = encode(own, recorded.sequence, recorded.previous, wire)
            share.publish(own, recorded.sequence, data)


def _rewrite_erased(store: Store, share: Share) -> None:
    """After an erasure, our batches that held the person's data are written again, blanked.

    The only time a batch file is replaced: the chain from the first such batch
    on gets new hashes, which readers accept because the event ids are unchanged.
    """
    own = store.workstation_id
    with store.read() as session:
        start = erasure.rewrite_from(session)
        batches = replication.own_batches(session, own)
    if start is None:
        return
    previous = next((b.previous for b in batches if b.sequence == start), None)
    with store.write(None) as tx:
        for recorded in batches:
            if recorded.sequence < start:
                continue
            events = replication.events_of_batch(tx.session, own, recorded.sequence)
            wire = [replication.event_to_wire(row) for row in events]
            batch, data = encode(own, recorded.sequence, previous, wire)
            share.replace_own(share.folder(own) / batch_name(recorded.sequence), data)
            replication.set_batch_hash(tx.session, own, recorded.sequence, batch.sha256)
            previous = batch.sha256
        erasure.rewritten(tx.session)


def _publish(store: Store, share: Share, report: SyncReport, dry_run: bool) -> None:
    """Everything unpublished goes out, in batches of at most MAX_BATCH_EVENTS."""
    own = store.workstation_id
    if not dry_run:
        _rewrite_erased(store, share)
        _restore_own(store, share)
    while True:
        with store.read() as session:
            events = replication.unpublished(session, own, MAX_BATCH_EVENTS)
            last, previous = replication.last_batches(session, [own]).get(own, (0, None))
            wire = [replication.event_to_wire(row) for row in events]
        if not events:
            return
        if dry_run:
            with store.read() as session:
                report.sent_events = replication.waiting_count(session, own)
            return
        sequence = last + 1
        batch, data = encode(own, sequence, previous, wire)
        if not share.publish(own, sequence, data):
            _adopt_or_clash(store, share, sequence)
            continue
        with store.write(None) as tx:
            replication.record_batch(
                tx, own, sequence, batch.sha256, [e["id"] for e in wire], wire[-1]["hlc"]
            )
        report.sent_events += len(events)
        report.sent_batch = sequence


def _adopt_or_clash(store: Store, share: Share, sequence: int) -> None:
    """Our batch number is taken. Ours from another window of this workstation, or a clone?"""
    own = store.workstation_id
    name = f"batch-{sequence:012d}.jsonl"
    try:
        batch = decode(share.read(own, name), own, sequence)
    except BatchProblem as error:
        raise _clash(own) from error
    ids = [event["id"] for event in batch.events]
    with store.write(None) as tx:
        mine = replication.unpublished(tx.session, own)
        if not {row.id for row in mine} >= set(ids):
            raise _clash(own)
        last_stamp = max(event["hlc"] for event in batch.events) if batch.events else None
        replication.record_batch(tx, own, sequence, batch.sha256, ids, last_stamp)


def _clash(workstation_id: str) -> WorkstationClash:
    return WorkstationClash(
        _(
            "The share holds a batch of this workstation ({id}) that was not written here. "
            "Another computer uses the same id (a copied disk image?). Sync is stopped. "
            "IT: give this computer its own data folder so it gets a new id."
        ).format(id=workstation_id)
    )


def _accept_rewritten_chain(
    store: Store, share: Share, workstation_id: str, listing, sequence: int
) -> str | None:
    """Another workstation rewrote its batches after an erasure. Accept the new chain if it
    links up and holds exactly the events already applied here; return its last hash."""
    previous = None
    hashes = []
    with store.read() as session:
        for number in range(1, sequence):
            if not listing.has(number):
                return None
            try:
                batch = decode(
                    share.read(workstation_id, batch_name(number)), workstation_id, number
                )
            except BatchProblem:
                return None
            ids = [event["id"] for event in batch.events]
            if batch.previous != previous or not replication.all_known(session, ids):
                return None
            hashes.append(batch.sha256)
            previous = batch.sha256
    with store.write(None) as tx:
        for number, digest in enumerate(hashes, start=1):
            replication.set_batch_hash(tx.session, workstation_id, number, digest)
    return previous


def _report_strays(listing: Listing, workstation_id: str, report: SyncReport) -> None:
    for name in listing.strays:
        report.skipped.append(
            Skipped(
                f"workstations/{workstation_id}/{name}",
                _("not a batch file (a copy, a temporary or a foreign file); left alone"),
            )
        )


def _new_batches(
    store: Store,
    share: Share,
    workstation_id: str,
    listing: Listing,
    last: tuple[int, str | None],
    report: SyncReport,
) -> Iterator[Batch]:
    """The workstation's batches after `last` (sequence and hash applied here), checked and
    in chain order; stops at the first missing or unusable one (reported: the later ones
    wait for it)."""
    sequence, previous = last
    while True:
        sequence += 1
        path = f"workstations/{workstation_id}/batch-{sequence:012d}.jsonl"
        if not listing.has(sequence):
            if listing.last() > sequence:
                report.skipped.append(
                    Skipped(path, _("missing: later batches wait until it arrives"))
                )
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
            report.skipped.append(Skipped(path, str(error)))
            return
        yield batch
        previous = batch.sha256


def _first_stamp(batch: Batch) -> str:
    return batch.events[0]["hlc"] if batch.events else ""


def _apply_in_stamp_order(
    store: Store, chains: list[Iterator[Batch]], report: SyncReport, dry_run: bool
) -> None:
    """All workstations' new batches, merged by stamp, applied APPLY_EVENTS at a time.

    In stamp order, events seldom arrive older than what is already projected for
    their entity, which would make the store project that entity again from all
    its events; and one transaction for many small batches saves a disk flush each.
    A batch that erases a person is applied on its own, and the file compacted after.
    """
    chunk: list[Batch] = []
    events = 0
    for batch in heapq.merge(*chains, key=_first_stamp):
        if _erases(batch):
            _apply(store, chunk, report, dry_run)
            chunk, events = [], 0
        chunk.append(batch)
        events += len(batch.events)
        if _erases(batch) or events >= APPLY_EVENTS:
            _apply(store, chunk, report, dry_run)
            chunk, events = [], 0
    _apply(store, chunk, report, dry_run)


def _apply(store: Store, chunk: list[Batch], report: SyncReport, dry_run: bool) -> None:
    """These batches in one transaction: their events, and the batches recorded as applied."""
    if not chunk:
        return
    if not dry_run:
        with store.write(None) as tx:
            applied = replication.apply_events(
                tx, [event for batch in chunk for event in batch.events]
            )
            for batch in chunk:
                replication.record_batch(
                    tx,
                    batch.workstation_id,
                    batch.sequence,
                    batch.sha256,
                    [event["id"] for event in batch.events],
                )
        if any(_erases(batch) for batch in chunk):
            store.compact()
        report.pending_entities = applied.pending_entities
    for batch in chunk:
        report.received[batch.workstation_id] = report.received.get(batch.workstation_id, 0) + len(
            batch.events
        )


def _erases(batch: Batch) -> bool:
    return any(event["type"] == EventType.PERSON_ERASED for event in batch.events)
