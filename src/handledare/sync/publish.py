"""This workstation's side of the share: its folder tidied, its batches signed and written,
restored or rewritten, its card kept current.

Its own temporary files from an interrupted write are the only files it
removes. A file that sits where its next batch belongs and is not a batch
signed by its own key is moved aside (renamed, never removed); a batch
signed by its own key that it did not write means a copy of its data folder
runs elsewhere, and sync stops.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from handledare.i18n import _
from handledare.store import journal, share_view
from handledare.store.eventlog import Store
from handledare.sync.batch import LEGACY_FORMAT, BatchProblem, decode, encode
from handledare.sync.card import Card, CardProblem, card_bytes, read_card
from handledare.sync.layout import CARD, Listing, batch_name
from handledare.sync.pull import Found
from handledare.sync.share import NotAFile, Share, WorkstationClash
from handledare.sync.signing import Signer

MAX_BATCH_EVENTS = 5000


@dataclass
class Own:
    """This workstation, as it publishes: its key, its names, and its folder as listed."""

    store: Store
    share: Share
    signer: Signer
    name: str
    machine: str
    listing: Listing | None
    history: tuple[int, str] | None
    written: dict | None  # the signed part of the card it last wrote
    clock: tuple[float | None, str | None]  # its clock offset as last measured, and when
    found: list[Found] = field(default_factory=list)
    changes: share_view.Changes = field(default_factory=share_view.Changes)
    set_aside: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.store.workstation_id

    def path(self, name: str) -> str:
        return f"workstations/{self.id}/{name}"


@dataclass(frozen=True)
class Sent:
    events: int = 0
    batches: int = 0
    last_sequence: int | None = None


def would_send(store: Store) -> Sent:
    """What a round would publish now, for a dry run."""
    waiting = journal.waiting_count(store)
    return Sent(waiting, -(-waiting // MAX_BATCH_EVENTS))


def publish(own: Own) -> Sent:
    """Everything unpublished goes out, in batches of at most MAX_BATCH_EVENTS; before that,
    the folder is tidied, and batches the share has lost, or that an erasure blanked, are
    written again. Then the card, with the clock offset measured on the last batch."""
    listing = own.listing or Listing()
    if own.listing is None:
        own.share.make_own_folder(own.id)
    own.share.remove_temporary(own.id, listing.temporary)
    _check_not_copied(own, listing)
    _restore_lost(own, listing)
    before = journal.published(own.store)
    sent = Sent()
    while events := journal.unpublished(own.store, MAX_BATCH_EVENTS):
        batches = journal.published(own.store)
        sequence = batches[-1].sequence + 1 if batches else 1
        previous = batches[-1].sha256 if batches else None
        batch, data = encode(own.signer, own.id, sequence, previous, events)
        if own.share.publish(own.id, sequence, data):
            journal.mark_published(own.store, sequence, batch.sha256, events, own.signer.keyid)
            sent = Sent(sent.events + len(events), sent.batches + 1, sequence)
        else:
            _number_taken(own, sequence)
    if sent.batches and before:
        _audit(own, before[-1].sequence)
    _keep_card(own, listing, sent)
    return sent


def _check_not_copied(own: Own, listing: Listing) -> None:
    """A card signed by our key but naming another computer: our data folder was copied
    there. Read only when this computer did not write the card last (a cheap test)."""
    written = own.written
    if not listing.has_card or (written is not None and written.get("machine") == own.machine):
        return
    try:
        card = read_card(own.share.read(own.id, CARD), own.id)
    except (CardProblem, NotAFile):
        return
    if card.machine != own.machine and card.keyid in (None, own.signer.keyid):
        raise WorkstationClash(
            _(
                "Another computer ({other}) uses this workstation's id {id} on the share. "
                "This happens when a disk image with handledare's data is copied. "
                "Sync is stopped here. IT: give this computer its own data folder "
                "(a fresh database gets a new id), or remove the copy."
            ).format(other=card.machine.split("|")[0], id=own.id)
        )


def _restore_lost(own: Own, listing: Listing) -> None:
    """Our batches the share has lost (a restored or new share) are written again. A signed
    one is byte for byte what was published (Ed25519 signatures are deterministic); an
    unsigned one cannot be made again, so from it on our batches are written anew, signed.
    An erasure does the same from the first batch that held the person's data."""
    batches = journal.published(own.store)
    lost = [b.sequence for b in batches if not listing.has(b.sequence)]
    history = own.history[0] if own.history else 0
    start = min(
        [journal.rewrite_from(own.store) or len(batches) + 1] + [s for s in lost if s <= history]
    )
    for recorded in batches:
        if recorded.sequence >= start:
            break
        if recorded.sequence in lost:
            events = journal.events_of(own.store, recorded.sequence)
            _batch, data = encode(own.signer, own.id, recorded.sequence, recorded.previous, events)
            own.share.publish(own.id, recorded.sequence, data)
    if start <= len(batches):
        _rewrite_from(own, batches, start)


def _rewrite_from(own: Own, batches: list[journal.PublishedBatch], start: int) -> None:
    """Our batches from `start` on, written again and signed; readers accept them because
    they hold the same events (only blanked where an erasure blanked them)."""
    previous = batches[start - 1].previous
    hashes = {}
    for recorded in batches[start - 1 :]:
        events = journal.events_of(own.store, recorded.sequence)
        batch, data = encode(own.signer, own.id, recorded.sequence, previous, events)
        own.share.replace_own(own.share.folder(own.id) / batch_name(recorded.sequence), data)
        hashes[recorded.sequence] = previous = batch.sha256
    journal.rewritten(own.store, hashes, own.signer.keyid)
    if own.history and own.history[0] >= start:
        own.history = (start - 1, batches[start - 2].sha256) if start > 1 else None
        share_view.set_unsigned_history(own.store, own.history)


def _number_taken(own: Own, sequence: int) -> None:
    """Our next number is taken. Ours from another window of this workstation (adopted),
    something else (moved aside), or a batch our key signed elsewhere (a copied folder)."""
    name = batch_name(sequence)
    try:
        batch = decode(
            own.share.read(own.id, name), own.id, sequence, {own.signer.keyid: own.signer.public}
        )
    except (NotAFile, BatchProblem):
        batch = None
    if batch is None or batch.format == LEGACY_FORMAT:
        new_name = own.share.set_aside(own.id, name)
        own.set_aside.append(own.path(new_name))
        return
    if not journal.all_unpublished(own.store, [event.id for event in batch.events]):
        raise WorkstationClash(
            _(
                "The share holds a batch of this workstation ({id}) that was not written here "
                "but is signed with its key: a copy of its data folder runs on another "
                "computer. Sync is stopped. IT: give that computer its own data folder."
            ).format(id=own.id)
        )
    events = sorted(batch.events, key=lambda event: event.hlc)
    journal.mark_published(own.store, sequence, batch.sha256, events, own.signer.keyid)


def _audit(own: Own, sequence: int) -> None:
    """Check that the share still holds our batch `sequence` as published; if it was
    changed, write it again and say so."""
    if own.history and sequence <= own.history[0]:
        return
    recorded = {b.sequence: b for b in journal.published(own.store)}[sequence]
    name = batch_name(sequence)
    try:
        data = own.share.read(own.id, name)
        keys = {own.signer.keyid: own.signer.public}
        if decode(data, own.id, sequence, keys).sha256 == recorded.sha256:
            return
    except (NotAFile, BatchProblem):
        pass
    events = journal.events_of(own.store, sequence)
    _batch, data = encode(own.signer, own.id, sequence, recorded.previous, events)
    own.share.replace_own(own.share.folder(own.id) / name, data)
    own.found.append(
        Found(
            own.path(name),
            _("it had been changed on the share; written again from this workstation's records"),
            "restored",
            own.id,
        )
    )


def _keep_card(own: Own, listing: Listing, sent: Sent) -> None:
    """Write our card when it is missing or says something new; the clock offset is
    measured on the batch just published (the share's time stamp against ours)."""
    offset, measured = own.clock
    if sent.last_sequence is not None:
        wall = own.store.now().timestamp()
        stamped = own.share.modified(own.id, batch_name(sent.last_sequence))
        offset = round(wall - stamped, 1)
        measured = own.store.now().isoformat(timespec="seconds")
        own.clock = (offset, measured)
        own.changes.own_clock = (offset, measured)
    card = Card(
        own.id,
        own.name,
        own.machine,
        own.signer.keyid,
        own.signer.public,
        own.history,
        offset,
        measured,
    )
    if listing.has_card and own.written == card.signed() and sent.last_sequence is None:
        return
    own.share.write_card(own.id, card_bytes(own.signer, card))
    own.changes.own_card = card.signed()
