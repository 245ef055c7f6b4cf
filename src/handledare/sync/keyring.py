"""The share keys this workstation holds during a round: which one opens a batch, which one
it writes with, where new ones come from, and to whom it seals them.

A share key reaches a workstation sealed to its receiving key, in a file in the sealing
workstation's own folder, signed by that workstation's key. It is used to write only once
it is verified: its sealer is trusted here (the share's root, or approved and not revoked),
or it opened a batch that a trusted key signed. So a share key planted by someone without a
trusted key is never written with: at most it opens nothing. The sealed files are read only
when this workstation lacks a key it needs, so a round with nothing new reads none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from handledare.i18n import _
from handledare.store.share_view import Folder, KeyDecision
from handledare.sync.batch import BatchProblem
from handledare.sync.card import Card
from handledare.sync.layout import Listing, sealed_name
from handledare.sync.pull import Found
from handledare.sync.sealing import (
    KeyMissing,
    Receiver,
    SealedProblem,
    ShareKey,
    decrypt,
    new_share_key,
    sealed_bytes,
    unseal,
)
from handledare.sync.share import NotAFile, Share
from handledare.sync.signing import Signer
from handledare.sync.trust import Trust

KIND = "keys"  # the kind of problem a sealed share key file is reported as


@dataclass
class Keyring:
    own: str
    data_dir: Path
    keys: list[ShareKey]
    share: Share
    listings: dict[str, Listing]
    card: Callable[[str], Card | None]
    trust: Trust | None = None
    changed: bool = False  # the keys held changed: saved at the end of the round
    refreshed: bool = False  # the sealed files were read this round
    missing: set[str] = field(default_factory=set)  # share keys a trusted batch named
    found: list[Found] = field(default_factory=list)

    @classmethod
    def of(
        cls,
        own: str,
        data_dir: Path,
        held: list[dict[str, Any]],
        share: Share,
        listings: dict[str, Listing],
        card: Callable[[str], Card | None],
    ) -> Keyring:
        return cls(
            own, data_dir, [ShareKey.from_json(value) for value in held], share, listings, card
        )

    def held(self) -> list[dict[str, Any]]:
        return [key.to_json() for key in self.keys]

    def best(self) -> ShareKey | None:
        """The newest verified share key: the one this workstation writes with."""
        verified = [key for key in self.keys if key.verified]
        return max(verified, key=ShareKey.order) if verified else None

    def open(self, key_id: str, nonce: bytes, ciphertext: bytes, associated: bytes) -> bytes:
        """The events of a batch whose signature a trusted key made, decrypted; a key that
        opens such a batch is verified by it."""
        candidates = [key for key in self.keys if key.id == key_id]
        if not candidates and not self.refreshed:
            self.refresh()
            candidates = [key for key in self.keys if key.id == key_id]
        if not candidates:
            self.missing.add(key_id)
            raise KeyMissing(key_id)
        for key in candidates:
            plain = decrypt(key.secret, nonce, ciphertext, associated)
            if plain is not None:
                self._add(key.verify())
                return plain
        raise BatchProblem(
            _("its encrypted events do not open with the share key it names: it was changed")
        )

    def refresh(self) -> None:
        """Read the share keys sealed to this workstation in every folder that has some."""
        self.refreshed = True
        receiver = Receiver.load(self.data_dir)
        name = sealed_name(self.own)
        for sender, listing in self.listings.items():
            if sender == self.own or self.own not in listing.sealed:
                continue
            trusted = self._trusted(sender)
            acceptable = dict(trusted)
            card = self.card(sender)
            if card is not None and card.keyid and card.public:
                acceptable.setdefault(card.keyid, card.public)
            try:
                keyid, keys = unseal(
                    self.share.read(sender, name), sender, receiver, self.own, acceptable
                )
            except (SealedProblem, NotAFile) as problem:
                reason = (
                    str(problem)
                    if isinstance(problem, SealedProblem)
                    else _("a folder or other non-file is where a sealed share key belongs")
                )
                self.found.append(Found(f"workstations/{sender}/{name}", reason, KIND, sender))
                continue
            for key in keys:
                self._add(key.verify() if keyid in trusted else key)

    def recheck(self) -> None:
        """Keys sealed by a workstation that became trusted in this round are verified."""
        for key in list(self.keys):
            if not key.verified and key.signed_by in self._trusted(key.sealer):
                self._add(key.verify())

    def settle(self, signer_keyid: str, rotate: bool) -> bool:
        """Make a share key when this workstation is trusted, holds none and none is in use
        that it could be given (a new share, or the first round after the upgrade); a newer
        generation when a revocation decided here asks for one. True if it rotated."""
        best = self.best()
        if best is not None:
            if rotate:
                self._add(new_share_key(best.generation + 1, self.own))
            return rotate
        if not self.refreshed:
            self.refresh()
            best = self.best()
        if best is None and not self.missing and self._trusts_itself(signer_keyid):
            self._add(new_share_key(1, self.own))
        return False

    def seal_around(
        self,
        signer: Signer,
        folders: dict[str, Folder],
        decisions: list[KeyDecision],
        sealed_to: dict[str, dict[str, Any]],
        own_listing: Listing | None,
    ) -> dict[str, dict[str, Any]] | None:
        """Seal every verified share key to each trusted workstation this one answers for:
        those it approved, and all of them once it has made a share key itself. The new
        record of what was sealed to whom, or None when nothing was written."""
        verified = sorted((key for key in self.keys if key.verified), key=ShareKey.order)
        if not verified:
            return None
        maker = any(key.sealer == self.own for key in verified)
        approved_here = {
            (d.workstation_id, d.key_id)
            for d in decisions
            if d.state == "approved" and d.decided_on == self.own
        }
        ids = [key.id for key in verified]
        present = own_listing.sealed if own_listing is not None else set()
        record = dict(sealed_to)
        for workstation_id, folder in folders.items():
            if workstation_id == self.own or not folder.seal_key or folder.key_id is None:
                continue
            if folder.key_id not in self._trusted(workstation_id):
                continue
            if not (maker or (workstation_id, folder.key_id) in approved_here):
                continue
            want = {"seal": folder.seal_key, "keys": ids}
            if record.get(workstation_id) == want and workstation_id in present:
                continue
            data = sealed_bytes(signer, self.own, workstation_id, folder.seal_key, verified)
            self.share.replace_own(self.share.folder(self.own) / sealed_name(workstation_id), data)
            record[workstation_id] = want
        return record if record != sealed_to else None

    def _trusted(self, workstation_id: str) -> dict[str, str]:
        """The keys that speak for a workstation now (not revoked ones)."""
        if self.trust is None:
            return {}
        return {
            keyid: key.public
            for keyid, key in self.trust.keys(workstation_id).items()
            if key.revoked_after is None
        }

    def _trusts_itself(self, signer_keyid: str) -> bool:
        trust = self.trust
        if trust is None:
            return False
        root = trust.root
        if root is not None and root["workstation"] == self.own:
            return True
        decision = trust.decision(self.own, signer_keyid)
        return decision is not None and decision.state == "approved"

    def _add(self, key: ShareKey) -> None:
        for index, held in enumerate(self.keys):
            if held.id == key.id and held.secret == key.secret:
                if key.verified and not held.verified:
                    self.keys[index] = held.verify()
                    self.changed = True
                return
        self.keys.append(key)
        self.changed = True
