"""Reading another workstation's folder: its new batches, verified and in chain order.

A batch is used only when its signature is by a key trusted for its folder
and it follows the batch before it; only then are its events decrypted. A
batch encrypted with a share key this workstation does not hold (it is not
approved yet, or was revoked) stops its folder quietly: nothing of it is read.
Unsigned batches (format 1) are used only as the history the workstation's
signed card vouches for, and only once the chain from them reaches the batch
the card names; batches of a revoked key only up to the cut, and only once the
chain reaches the batch the revocation names. When a new batch names another
predecessor than the one applied here, the batches before it are read again
to find the one that changed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from handledare.i18n import _
from handledare.store import ingest
from handledare.store.eventlog import Store
from handledare.sync.batch import LEGACY_FORMAT, Batch, BatchProblem, Opener, decode
from handledare.sync.card import Card
from handledare.sync.layout import Listing, batch_name
from handledare.sync.rewrite import differences
from handledare.sync.sealing import KeyMissing
from handledare.sync.share import NotAFile, Share
from handledare.sync.trust import TrustedKey


@dataclass(frozen=True)
class Found:
    """A file on the share that could not be used, and why."""

    path: str
    reason: str
    kind: str = "batch"  # batch, stray, card or tamper
    workstation_id: str | None = None


@dataclass
class Folder:
    """What is needed to read one workstation's folder."""

    workstation_id: str
    listing: Listing
    keys: Mapping[str, TrustedKey]
    card: Card | None
    applied: tuple[int, str | None]
    opener: Opener | None = None  # decrypts events with the share keys held here
    found: list[Found] = field(default_factory=list)

    def path(self, sequence: int) -> str:
        return f"workstations/{self.workstation_id}/{batch_name(sequence)}"

    def problem(self, sequence: int, reason: str, kind: str = "batch") -> None:
        self.found.append(Found(self.path(sequence), reason, kind, self.workstation_id))


def new_batches(store: Store, share: Share, folder: Folder) -> Iterator[Batch]:
    """The folder's batches after the last one applied here, checked, in chain order; stops at
    the first missing or unusable one (reported: the later ones wait for it)."""
    sequence, previous = folder.applied
    while True:
        anchor = _next_anchor(folder, sequence)
        if anchor is None:
            yield from _stream(store, share, folder, sequence, previous)
            return
        if not _reaches(store, share, folder, sequence, previous, anchor):
            return
        for batch in _read_from(store, share, folder, sequence, previous, anchor[0]):
            yield batch
            sequence, previous = batch.sequence, batch.sha256
        if sequence < anchor[0]:
            return


def _next_anchor(folder: Folder, sequence: int) -> tuple[int, str] | None:
    """The nearest batch after `sequence` whose hash is known in advance (the end of the
    unsigned history, or a revoked key's cut): the batches up to it are used only once the
    chain is seen to reach it."""
    anchors = [
        (key.revoked_after, key.revoked_sha256 or "")
        for key in folder.keys.values()
        if key.revoked_after is not None and key.revoked_after > sequence
    ]
    card = folder.card
    if (
        card is not None
        and card.history
        and card.history[0] > sequence
        and card.keyid in folder.keys
    ):
        anchors.append(card.history)
    return min(anchors) if anchors else None


def _stream(
    store: Store, share: Share, folder: Folder, sequence: int, previous: str | None
) -> Iterator[Batch]:
    yield from _read_from(store, share, folder, sequence, previous, None)


def _read_from(
    store: Store,
    share: Share,
    folder: Folder,
    sequence: int,
    previous: str | None,
    last: int | None,
) -> Iterator[Batch]:
    """The batches after `sequence`, up to `last` (or as far as they go), each verified."""
    while last is None or sequence < last:
        sequence += 1
        batch = _batch(store, share, folder, sequence, previous)
        if batch is None:
            return
        yield batch
        previous = batch.sha256


def _reaches(
    store: Store,
    share: Share,
    folder: Folder,
    sequence: int,
    previous: str | None,
    anchor: tuple[int, str],
) -> bool:
    """Whether the batches after `sequence` verify and chain up to the anchor's hash (read
    once to check, so that nothing of them is applied unless all of them hold)."""
    last = None
    for batch in _read_from(store, share, folder, sequence, previous, anchor[0]):
        last = batch
    if last is None or last.sequence < anchor[0]:
        return False
    if last.sha256 != anchor[1]:
        folder.problem(anchor[0], _("it is not the batch its workstation's signed record names"))
        return False
    return True


def _batch(
    store: Store, share: Share, folder: Folder, sequence: int, previous: str | None
) -> Batch | None:
    """One batch, checked; None (with the problem noted) when it cannot be used yet."""
    if not folder.listing.has(sequence):
        if folder.listing.last() > sequence:
            folder.problem(sequence, _("missing: later batches wait until it arrives"))
        return None
    try:
        batch = _checked(share, folder, sequence)
        if batch.previous != previous and not _rewritten_before(store, share, folder, batch):
            return None
    except BatchProblem as problem:
        folder.problem(sequence, str(problem))
        return None
    except KeyMissing:
        return None
    return batch


def _checked(share: Share, folder: Folder, sequence: int) -> Batch:
    """The batch at `sequence`, verified on its own: signature, format, header, events."""
    try:
        data = share.read(folder.workstation_id, batch_name(sequence))
    except NotAFile as error:
        raise BatchProblem(_("a folder or other non-file is where a batch file belongs")) from error
    keys = {keyid: key.public for keyid, key in folder.keys.items()}

    def admit(found: int, keyid: str | None) -> None:
        if found == LEGACY_FORMAT or keyid is None:  # format 1, from before signing
            card = folder.card
            if (
                card is None
                or card.history is None
                or sequence > card.history[0]
                or card.keyid not in folder.keys
            ):
                raise BatchProblem(
                    _("it is not signed, and no signed record of its workstation vouches for it")
                )
        elif not folder.keys[keyid].covers(sequence):
            raise BatchProblem(_("it is signed with a key that was revoked before this batch"))

    return decode(data, folder.workstation_id, sequence, keys, folder.opener, admit)


def _rewritten_before(store: Store, share: Share, folder: Folder, batch: Batch) -> bool:
    """`batch` names another predecessor than the one applied here. Read the batches before
    it backwards until one matches what was applied: each changed one must be its
    workstation's own rewrite after an erasure (the same events, only names and free text
    blanked), or it is named as changed. True when the chain is whole again."""
    applied = ingest.applied_batches(store, folder.workstation_id)
    link, hashes = batch.previous, {}
    for sequence in range(batch.sequence - 1, 0, -1):
        try:
            earlier = _checked(share, folder, sequence)
        except KeyMissing:
            return False
        except BatchProblem as problem:
            folder.problem(
                sequence,
                _("it differs from the batch applied here: {reason}").format(reason=problem),
                "tamper",
            )
            return False
        recorded = applied.get(sequence)
        reason = None
        if earlier.sha256 != link:
            reason = _("the next batch names another one")
        elif recorded is None:
            reason = _("no batch of this number was applied here")
        elif earlier.sha256 != recorded.sha256:
            reason = differences(store, earlier, recorded.event_count)
        if reason:
            folder.problem(
                sequence,
                _("it differs from the batch applied here: {reason}").format(reason=reason),
                "tamper",
            )
            return False
        assert recorded is not None  # else a reason was given above
        if earlier.sha256 != recorded.sha256:
            hashes[sequence] = (earlier.sha256, earlier.keyid)
        before = applied.get(sequence - 1)
        if earlier.previous == (before.sha256 if before else None):
            ingest.replace_hashes(store, folder.workstation_id, hashes)
            return True
        link = earlier.previous
    folder.problem(
        batch.sequence, _("it does not follow the batch before it (the chain is broken)")
    )
    return False
