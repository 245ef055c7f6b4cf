"""Whose batches this workstation applies, and up to where.

The share's root (named in format.json) is trusted from the first round; any
other workstation's key once an approval applied here vouches for it; a
rejected key never; a revoked key for its batches up to the cut the
revocation names (the last batch the revoking workstation had applied), never
after. Everything else waits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from handledare.i18n import N_, _
from handledare.store.share_view import KeyDecision


class TrustState(StrEnum):
    OWN = "own"
    ROOT = "root"
    APPROVED = "approved"
    WAITING = "waiting"
    REJECTED = "rejected"
    REVOKED = "revoked"

    @property
    def label(self) -> str:
        return _(_LABELS[self])


_LABELS = {
    TrustState.OWN: N_("here"),
    TrustState.ROOT: N_("approved (set up the share)"),
    TrustState.APPROVED: N_("approved"),
    TrustState.WAITING: N_("waiting for approval"),
    TrustState.REJECTED: N_("rejected"),
    TrustState.REVOKED: N_("key revoked"),
}


@dataclass(frozen=True)
class TrustedKey:
    """A key whose signature counts: always, or (revoked) up to a batch and its hash."""

    public: str
    revoked_after: int | None = None
    revoked_sha256: str | None = None

    def covers(self, sequence: int) -> bool:
        return self.revoked_after is None or sequence <= self.revoked_after


class Trust:
    def __init__(self, decisions: list[KeyDecision], root: dict[str, Any] | None, own: str):
        self.own = own
        self.root = root
        self.decisions_list = decisions
        self.decisions: dict[str, dict[str, KeyDecision]] = {}
        self._keys: dict[str, dict[str, TrustedKey]] = {}  # asked for several times a round
        for decision in decisions:
            self.decisions.setdefault(decision.workstation_id, {})[decision.key_id] = decision

    def keys(self, workstation_id: str) -> Mapping[str, TrustedKey]:
        """The keys whose signatures count for this workstation's batches."""
        if workstation_id not in self._keys:
            self._keys[workstation_id] = self._trusted_keys(workstation_id)
        return self._keys[workstation_id]

    def _trusted_keys(self, workstation_id: str) -> dict[str, TrustedKey]:
        found = {}
        root = self.root
        if root is not None and root["workstation"] == workstation_id:
            found[root["keyid"]] = TrustedKey(root["public"])
        for keyid, decision in self.decisions.get(workstation_id, {}).items():
            if decision.state == "approved":
                found[keyid] = TrustedKey(decision.public_key)
            elif decision.state == "revoked":
                found[keyid] = TrustedKey(
                    decision.public_key, decision.revoked_after, decision.revoked_sha256
                )
            elif decision.state == "rejected" and keyid in found:
                del found[keyid]
        return found

    def readable(self, workstation_id: str) -> bool:
        return workstation_id != self.own and bool(self.keys(workstation_id))

    def state(self, workstation_id: str, keyid: str | None) -> TrustState:
        """How this workstation stands towards a folder whose card names `keyid`."""
        if workstation_id == self.own:
            return TrustState.OWN
        decision = self.decisions.get(workstation_id, {}).get(keyid or "")
        if decision is not None and decision.state != "approved":
            return TrustState(decision.state)
        if self.root is not None and self.root["workstation"] == workstation_id:
            return TrustState.ROOT
        if decision is not None or (keyid is None and self.keys(workstation_id)):
            return TrustState.APPROVED
        return TrustState.WAITING

    def decision(self, workstation_id: str, keyid: str | None) -> KeyDecision | None:
        return self.decisions.get(workstation_id, {}).get(keyid or "")
