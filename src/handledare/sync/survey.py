"""The share's folders as listed this round, compared with what was seen before.

A folder's card is read only when the folder is new here, its listing shows
new batches, a problem was found in it, or its card names no receiving key
yet, so a round with nothing new reads no card and writes nothing; what
changed is saved at the end of the round.
"""

from __future__ import annotations

from dataclasses import replace

from handledare.i18n import N_, _
from handledare.store.eventlog import Store
from handledare.store.share_view import Folder, Snapshot
from handledare.sync.card import Card, CardProblem, read_card
from handledare.sync.layout import CARD, Listing
from handledare.sync.pull import Found
from handledare.sync.share import NotAFile, Share
from handledare.sync.signing import fingerprint
from handledare.sync.trust import Trust

_STRAY = N_("not a batch file (a copy, or a file another program put there); left alone")


class Survey:
    def __init__(self, store: Store, share: Share, listings: dict[str, Listing], known: Snapshot):
        self.store = store
        self.share = share
        self.listings = listings
        self.before = known.folders
        self.troubled = {p.workstation_id for p in known.problems.values() if p.kind != "stray"}
        self.now = store.now().isoformat(timespec="seconds")
        self.folders: dict[str, Folder] = {}
        self.cards: dict[str, Card] = {}
        self.found: list[Found] = []

    def look(self) -> None:
        """Each folder's batch count and card; stray files in every folder."""
        own = self.store.workstation_id
        for workstation_id, listing in self.listings.items():
            folder = self.before.get(workstation_id) or Folder(workstation_id, self.now)
            last = listing.last()
            if last != folder.last_batch or listing.count != folder.batch_count:
                seen = self.now if last > folder.last_batch else folder.last_batch_seen
                folder = replace(
                    folder, batch_count=listing.count, last_batch=last, last_batch_seen=seen
                )
                changed = True
            else:
                changed = workstation_id not in self.before
            # A card without a receiving key is from an earlier version: read again until
            # its workstation has made one and signed its card anew (a workstation without
            # a share key publishes no batch that would show it).
            unsealed = folder.seal_key is None
            again = changed or unsealed or folder.name is None or workstation_id in self.troubled
            if workstation_id != own and listing.has_card and again:
                folder = self._read_card(folder)
            self.folders[workstation_id] = folder
            self.found += [
                Found(f"workstations/{workstation_id}/{name}", _(_STRAY), "stray", workstation_id)
                for name in listing.strays
            ]

    def _read_card(self, folder: Folder) -> Folder:
        workstation_id = folder.workstation_id
        path = f"workstations/{workstation_id}/{CARD}"
        try:
            card = read_card(self.share.read(workstation_id, CARD), workstation_id)
        except NotAFile:
            self.found.append(
                Found(
                    path,
                    _("a folder or other non-file is where the card belongs"),
                    "card",
                    workstation_id,
                )
            )
            return folder
        except CardProblem as problem:
            self.found.append(Found(path, str(problem), "card", workstation_id))
            return folder
        self.cards[workstation_id] = card
        return replace(
            folder,
            name=card.name,
            machine=card.machine,
            key_id=card.keyid,
            public_key=card.public,
            history_sequence=card.history[0] if card.history else None,
            history_sha256=card.history[1] if card.history else None,
            clock_offset=card.clock_offset,
            clock_measured=card.clock_measured,
            seal_key=card.seal,
        )

    def card(self, workstation_id: str) -> Card | None:
        """The folder's card as read this round, or as it was last seen."""
        if workstation_id in self.cards:
            return self.cards[workstation_id]
        folder = self.folders.get(workstation_id)
        if folder is None or folder.key_id is None:
            return None
        history = (
            (folder.history_sequence, folder.history_sha256)
            if folder.history_sequence is not None and folder.history_sha256 is not None
            else None
        )
        return Card(
            workstation_id,
            folder.name or "",
            folder.machine or "",
            folder.key_id,
            folder.public_key,
            history,
            seal=folder.seal_key,
        )

    def check_keys(self, trust: Trust) -> None:
        """A trusted folder whose card names a key no approval vouches for: the card was
        replaced, or the workstation has a new key that still needs approval."""
        for workstation_id, folder in self.folders.items():
            keys = trust.keys(workstation_id)
            if keys and folder.key_id is not None and folder.key_id not in keys:
                self.found.append(
                    Found(
                        f"workstations/{workstation_id}/{CARD}",
                        _(
                            "the card names a key no approval vouches for ({key}); its batches "
                            "signed with that key are not applied. Approve the key only if that "
                            "workstation really has a new one (compare the fingerprint there)."
                        ).format(key=fingerprint(folder.key_id)),
                        "card",
                        workstation_id,
                    )
                )

    def own(self, folder: Folder) -> None:
        self.folders[folder.workstation_id] = folder

    def changed(self) -> list[Folder]:
        """The folders seen otherwise than before, to be saved."""
        return [f for key, f in self.folders.items() if self.before.get(key) != f]
