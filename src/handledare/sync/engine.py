"""One sync round, top to bottom: list the share, verify what is new, ingest it, publish
what is new here, report."""

from __future__ import annotations

import heapq
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

from handledare.domain.events import EventType
from handledare.store import ingest, journal
from handledare.store.eventlog import Store
from handledare.sync.batch import Batch
from handledare.sync.publish import publish
from handledare.sync.pull import Skipped, new_batches
from handledare.sync.share import Share

CLOCK_SKEW_LIMIT = 300.0
APPLY_EVENTS = 5000
_round_lock = threading.Lock()


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
        own = store.workstation_id
        share.open()
        share.claim(own, name, machine)
        listings = {
            workstation_id: share.listing(workstation_id)
            for workstation_id in share.workstation_ids()
        }
        for workstation_id, listing in listings.items():
            report.skipped += [Skipped.stray(workstation_id, stray) for stray in listing.strays]
        others = [workstation_id for workstation_id in listings if workstation_id != own]
        applied = ingest.applied_up_to(store, others)
        chains = [
            new_batches(
                store,
                share,
                workstation_id,
                listings[workstation_id],
                applied.get(workstation_id, (0, None)),
                report.skipped,
            )
            for workstation_id in others
        ]
        _ingest_in_stamp_order(store, chains, report)
        sent = publish(store, share, listings.get(own), dry_run=dry_run)
        report.sent_events, report.sent_batch = sent.events, sent.last_sequence
        if not dry_run:
            report.clock_skew = share.clock_skew(own)
        report.waiting = journal.waiting_count(store)
        return report


def _first_stamp(batch: Batch) -> str:
    return batch.events[0].hlc if batch.events else ""


def _ingest_in_stamp_order(store: Store, chains: list[Iterator[Batch]], report: SyncReport) -> None:
    """All workstations' new batches, merged by stamp, applied APPLY_EVENTS at a time.

    In stamp order, events seldom arrive older than what is already projected for
    their entity, which would make the store project that entity again from all
    its events; and one transaction for many small batches saves a disk flush each.
    A batch that erases a person is applied on its own.
    """
    chunk: list[Batch] = []
    events = 0
    for batch in heapq.merge(*chains, key=_first_stamp):
        if _erases(batch):
            _ingest(store, chunk, report)
            chunk, events = [], 0
        chunk.append(batch)
        events += len(batch.events)
        if _erases(batch) or events >= APPLY_EVENTS:
            _ingest(store, chunk, report)
            chunk, events = [], 0
    _ingest(store, chunk, report)


def _ingest(store: Store, chunk: list[Batch], report: SyncReport) -> None:
    if not chunk:
        return
    if not report.dry_run:
        incoming = [
            ingest.IncomingBatch(b.workstation_id, b.sequence, b.sha256, b.events) for b in chunk
        ]
        report.pending_entities = ingest.ingest(store, incoming).pending_entities
    for batch in chunk:
        report.received[batch.workstation_id] = report.received.get(batch.workstation_id, 0) + len(
            batch.events
        )


def _erases(batch: Batch) -> bool:
    return any(event.type == EventType.PERSON_ERASED for event in batch.events)
