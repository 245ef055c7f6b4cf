"""A workstation's card on the share: who it is, its public key, and its clock.

The card is signed by the key it names, so nobody without that key can change
what it says; whether the key itself is trusted is an administrator's decision
(an approval event), never the card's. An earlier version's card (format 1)
names no key: such a workstation is waiting until it publishes a signed card.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from handledare.i18n import _
from handledare.sync.signing import Signer, canonical, public_key_id, signed_by

KIND = "handledare-workstation"
SEAL_SCHEME = "x25519-hpke"


class CardProblem(Exception):
    """Why a card cannot be used: kept short for the sync report."""


@dataclass(frozen=True)
class Card:
    workstation_id: str
    name: str
    machine: str
    keyid: str | None = None
    public: str | None = None
    # This workstation's last batch from before it signed (format 1), as it recorded it.
    history: tuple[int, str] | None = None
    clock_offset: float | None = None  # seconds ahead of the share's clock when measured
    clock_measured: str | None = None
    seal: str | None = None  # its receiving key (X25519, base64): share keys are sealed to it

    def signed(self) -> dict[str, Any]:
        return {
            "type": KIND,
            "format": 2,
            "workstation": self.workstation_id,
            "name": self.name,
            "machine": self.machine,
            "key": {"keyid": self.keyid, "scheme": "ed25519", "public": self.public},
            "history": (
                {"sequence": self.history[0], "sha256": self.history[1]} if self.history else None
            ),
            "clock": (
                {"offset": self.clock_offset, "measured": self.clock_measured}
                if self.clock_offset is not None
                else None
            ),
            "seal": {"scheme": SEAL_SCHEME, "public": self.seal} if self.seal else None,
        }


def card_bytes(signer: Signer, card: Card) -> bytes:
    document = signer.envelope(card.signed())
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"


def read_card(data: bytes, workstation_id: str) -> Card:
    """The card, its signature checked against the key it names."""
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        raise CardProblem(_("the card is damaged ({error})").format(error=error)) from error
    if not isinstance(document, dict):
        raise CardProblem(_("the card is damaged ({error})").format(error=type(document).__name__))
    if "signed" not in document:
        return _legacy_card(document, workstation_id)
    signed = document["signed"]
    try:
        keyid: str = signed["key"]["keyid"]
        public: str = signed["key"]["public"]
        card = Card(
            workstation_id=signed["workstation"],
            name=str(signed["name"]),
            machine=str(signed["machine"]),
            keyid=keyid,
            public=public,
            history=_history(signed.get("history")),
            clock_offset=_clock(signed.get("clock"), "offset"),
            clock_measured=_clock(signed.get("clock"), "measured"),
            seal=_seal(signed.get("seal")),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise CardProblem(_("the card is damaged ({error})").format(error=error)) from error
    if signed.get("type") != KIND or card.workstation_id != workstation_id:
        raise CardProblem(_("the card belongs to another folder"))
    if public_key_id(public) != keyid:
        raise CardProblem(_("the card's key does not match its key id"))
    if not signed_by(document.get("signatures"), keyid, public, canonical(signed)):
        raise CardProblem(_("the card's signature does not verify: it was changed"))
    return card


def _legacy_card(document: dict[str, Any], workstation_id: str) -> Card:
    if document.get("id") != workstation_id:
        raise CardProblem(_("the card belongs to another folder"))
    return Card(workstation_id, str(document.get("name", "?")), str(document.get("machine", "?")))


def _history(value: object) -> tuple[int, str] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise TypeError("history")
    sequence, sha256 = value["sequence"], value["sha256"]
    if not isinstance(sequence, int) or not isinstance(sha256, str):
        raise ValueError("history")
    return sequence, sha256


def _seal(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, dict) or value.get("scheme") != SEAL_SCHEME:
        raise ValueError("seal")
    public = value["public"]
    if not isinstance(public, str) or public_key_id(public) is None:
        raise ValueError("seal")
    return public


def _clock(value: object, field: str) -> Any:
    return value.get(field) if isinstance(value, dict) else None
