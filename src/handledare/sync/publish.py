"""This workstation's side of the share: its batches written, restored and rewritten."""

from __future__ import annotations

from dataclasses import dataclass

from handledare.i18n import _
from handledare.store import journal
from handledare.store.eventlog import Store
from handledare.sync.batch import BatchProblem, batch_name, decode, encode
from handledare.sync.share import Listing, Share, WorkstationClash

MAX_BATCH_EVENTS = 5000


@dataclass(frozen=True)
class Sent:
    events: int = 0
    last_sequence: int | None = None


def publish(store: Store, share: Share, listing: Listing | None, *, dry_run: bool) -> Sent:
    """Everything unpublished goes out, in batches of at most MAX_BATCH_EVENTS; before that,
    batches the share has lost are written again, and blanked ones after an erasure."""
    if dry_run:
        return Sent(events=journal.waiting_count(store))
    _rewrite_erased(store, share)
    _restore_lost(store, share, listing or Listing())
    own = store.workstation_id
    sent = Sent()
    while events := journal.unpublished(store, MAX_BATCH_EVENTS):
        batches = journal.published(store)
        sequence = batches[-1].sequence + 1 if batches else 1
        previous = batches[-1].sha256 if batches else None
        batch, data = encode(own, sequence, previous, events)
        if not share.publish(own, sequence, data):
            _adopt_or_clash(store, share, sequence)
            continue
        journal.mark_published(store, sequence, batch.sha256, events)
        sent = Sent(sent.events + len(events), sequence)
    return sent


def _restore_lost(store: Store, share: Share, listing: Listing) -> None:
    """Write again any of our published batches the share has lost (a restored or new share).

    Encoding is deterministic, so the file is byte for byte the one published before.
    """
    own = store.workstation_id
    for recorded in journal.published(store):
        if not listing.has(recorded.sequence):
            events = journal.events_of(store, recorded.sequence)
            _batch, data = encode(own, recorded.sequence, recorded.previous, events)
            share.publish(own, recorded.sequence, data)


def _rewrite_erased(store: Store, share: Share) -> None:
    """After an erasure, our batches that held the person's data are written again, blanked.

    The only time a batch file is replaced: the chain from the first such batch
    on gets new hashes, which readers accept because the event ids are unchanged.
    """
    start = journal.rewrite_from(store)
    if start is None:
        return
    own = store.workstation_id
    batches = journal.published(store)
    previous = next((b.previous for b in batches if b.sequence == start), None)
    hashes = {}
    for recorded in batches:
        if recorded.sequence < start:
            continue
        events = journal.events_of(store, recorded.sequence)
        batch, data = encode(own, recorded.sequence, previous, events)
        share.replace_own(share.folder(own) / batch_name(recorded.sequence), data)
        hashes[recorded.sequence] = previous = batch.sha256
    journal.rewritten(store, hashes)


def _adopt_or_clash(store: Store, share: Share, sequence: int) -> None:
    """Our batch number is taken. Ours from another window of this workstation, or a clone?"""
    own = store.workstation_id
    try:
        batch = decode(share.read(own, batch_name(sequence)), own, sequence)
    except BatchProblem as error:
        raise _clash(own) from error
    if not journal.all_unpublished(store, [event.id for event in batch.events]):
        raise _clash(own)
    journal.mark_published(store, sequence, batch.sha256, sorted(batch.events, key=lambda e: e.hlc))


def _clash(workstation_id: str) -> WorkstationClash:
    return WorkstationClash(
        _(
            "The share holds a batch of this workstation ({id}) that was not written here. "
            "Another computer uses the same id (a copied disk image?). Sync is stopped. "
            "IT: give this computer its own data folder so it gets a new id."
        ).format(id=workstation_id)
    )
