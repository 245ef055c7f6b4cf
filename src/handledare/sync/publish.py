"""This workstation's side of the share: its folder tidied, its batches encrypted, signed and
written, restored or rewritten, its card kept current.

Nothing is published without a verified share key (a workstation waiting for approval
keeps its events until it is given one); its card goes out all the same, so that it can be
approved. Batches it published in plain text before the share was encrypted are written
again, encrypted, as after an erasure.

Its own temporary files from an interrupted write are the only files it
removes. A file that sits where its next batch belongs and is not a batch
signed by its own key is moved aside (renamed, never removed); a batch
signed by its own key that it did not write means a copy of its data folder
runs elsewhere, and sync stops.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from handledare.i18n import _
from handledare.store import journal, share_view
from handledare.store.eventlog import Store
from handledare.store.tables import StoredEvent
from handledare.sync.batch import LEGACY_FORMAT, Batch, BatchProblem, decode, encode
from handledare.sync.card import Card, CardProblem, card_bytes, read_card
from handledare.sync.keyring import Keyring
from handledare.sync.layout import CARD, Listing, batch_name
from handledare.sync.pull import Found
from handledare.sync.sealing import KeyMissing, Receiver, ShareKey
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
    written: dict[str, Any] | None  # the signed part of the card it last wrote
    clock: tuple[float | None, str | None]  # its clock offset as last measured, and when
    keyring: Keyring
    encrypted: bool  # all its batches on the share are encrypted (none from before)
    found: list[Found] = field(default_factory=list)
    changes: share_view.Changes = field(default_factory=share_view.Changes)
    set_aside: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.store.workstation_id

    def path(self, name: str) -> str:
        return f"workstations/{self.id}/{name}"

    def encode(
        self, sequence: int, previous: str | None, events: list[StoredEvent], key: ShareKey
    ) -> tuple[Batch, bytes]:
        return encode(self.signer, self.id, sequence, previous, events, key)

    def decode(self, data: bytes, sequence: int) -> Batch:
        keys = {self.signer.keyid: self.signer.public}
        return decode(data, self.id, sequence, keys, self.keyring.open)


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
    key = own.keyring.best()
    sent = Sent()
    if key is None:
        _keep_card(own, listing, sent)
        return sent
    _restore_lost(own, listing, key)
    before = journal.published(own.store)
    while events := journal.unpublished(own.store, MAX_BATCH_EVENTS):
        batches = journal.published(own.store)
        sequence = batches[-1].sequence + 1 if batches else 1
        previous = batches[-1].sha256 if batches else None
        batch, data = own.encode(sequence, previous, events, key)
        if own.share.publish(own.id, sequence, data):
            journal.mark_published(own.store, sequence, batch.sha256, events, own.signer.keyid)
            sent = Sent(sent.events + len(events), sent.batches + 1, sequence)
        else:
            _number_taken(own, sequence)
    if sent.batches and before:
        _audit(own, before[-1].sequence, key)
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


def _restore_lost(own: Own, listing: Listing, key: ShareKey) -> None:
    """Our batches the share has lost (a restored or new share), those an erasure blanked,
    and those published in plain text before the share was encrypted are written again,
    from the first of them on: encrypted with a fresh nonce, a batch cannot be made again
    byte for byte, so the chain after it is written anew."""
    batches = journal.published(own.store)
    lost = [b.sequence for b in batches if not listing.has(b.sequence)]
    plain = [1] if batches and not own.encrypted else []
    start = min([journal.rewrite_from(own.store) or len(batches) + 1, *lost, *plain])
    if start <= len(batches):
        _rewrite_from(own, batches, start, key)
    own.encrypted = True


def _rewrite_from(
    own: Own, batches: list[journal.PublishedBatch], start: int, key: ShareKey
) -> None:
    """Our batches from `start` on, written again, encrypted and signed; readers accept them
    because they hold the same events (only blanked where an erasure blanked them)."""
    previous = batches[start - 1].previous
    hashes = {}
    for recorded in batches[start - 1 :]:
        events = journal.events_of(own.store, recorded.sequence)
        batch, data = own.encode(recorded.sequence, previous, events, key)
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
        batch = own.decode(own.share.read(own.id, name), sequence)
    except (NotAFile, BatchProblem, KeyMissing):
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


def _audit(own: Own, sequence: int, key: ShareKey) -> None:
    """Check that the share still holds our batch `sequence` as published; if it was
    changed, write it again from our records (and the batches after it, which name it) and
    say so."""
    if own.history and sequence <= own.history[0]:
        return
    batches = journal.published(own.store)
    name = batch_name(sequence)
    try:
        if (
            own.decode(own.share.read(own.id, name), sequence).sha256
            == batches[sequence - 1].sha256
        ):
            return
    except (NotAFile, BatchProblem, KeyMissing):
        pass
    _rewrite_from(own, batches, sequence, key)
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
        Receiver.load(own.store.path.parent).public,
    )
    if listing.has_card and own.written == card.signed() and sent.last_sequence is None:
        return
    own.share.write_card(own.id, card_bytes(own.signer, card))
    own.changes.own_card = card.signed()
