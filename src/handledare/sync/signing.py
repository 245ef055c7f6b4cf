"""Ed25519 signatures on what a workstation puts on the share, keys named by their id.

As in The Update Framework's metadata, what is signed and its signatures are
kept apart: a document is `{"signed": {...}, "signatures": [{"keyid", "sig"}]}`
and the signature covers the exact bytes of the canonical JSON of `signed`;
a batch file's signature covers every byte of its header and event lines.
A key's id is the SHA-256 of its 32 raw public bytes, in hex.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from handledare.store import identity

SCHEME = "ed25519"


def key_id(public_raw: bytes) -> str:
    return hashlib.sha256(public_raw).hexdigest()


def fingerprint(keyid: str) -> str:
    """The first 16 hex digits of a key id in groups of four, for people to compare."""
    return " ".join(keyid[index : index + 4] for index in range(0, 16, 4)).upper()


@dataclass(frozen=True)
class Signer:
    """This workstation's private key, with the public half as it goes on the share."""

    private: Ed25519PrivateKey
    keyid: str
    public: str

    @classmethod
    def load(cls, data_dir: Path) -> Signer:
        """The data folder's key; parsed again only when its file changed."""
        path = identity.key_path(data_dir)
        try:
            found = path.stat()
        except OSError:
            return cls.of(identity.load_key(data_dir))
        return _loaded(data_dir, found.st_mtime_ns, found.st_size, found.st_mode)

    @classmethod
    def of(cls, private: Ed25519PrivateKey) -> Signer:
        raw = private.public_key().public_bytes_raw()
        return cls(private, key_id(raw), base64.b64encode(raw).decode("ascii"))

    def sign(self, data: bytes) -> dict[str, Any]:
        signature = self.private.sign(data)
        return {"keyid": self.keyid, "sig": base64.b64encode(signature).decode("ascii")}

    def envelope(self, signed: dict[str, Any]) -> dict[str, Any]:
        return {"signed": signed, "signatures": [self.sign(canonical(signed))]}


@lru_cache(maxsize=8)
def _loaded(data_dir: Path, _mtime: int, _size: int, _mode: int) -> Signer:
    return Signer.of(identity.load_key(data_dir))


def canonical(value: dict[str, Any]) -> bytes:
    """One byte string for one JSON value: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode(
        "utf-8"
    )


@lru_cache(maxsize=1024)
def _public_key(public: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(public, validate=True))


def public_key_id(public: str) -> str | None:
    """The id of a public key given in base64, or None when it is not one."""
    try:
        raw = base64.b64decode(public, validate=True)
    except (binascii.Error, ValueError, TypeError):
        return None
    return key_id(raw) if len(raw) == 32 else None


def verifies(public: str, data: bytes, signature: str) -> bool:
    """Whether `signature` (base64) is the key's signature over exactly `data`."""
    try:
        _public_key(public).verify(base64.b64decode(signature, validate=True), data)
    except (InvalidSignature, binascii.Error, ValueError, TypeError):
        return False
    return True


def signed_by(signatures: object, keyid: str, public: str, data: bytes) -> bool:
    """Whether one of `signatures` is by the key `keyid` and verifies over `data`."""
    if not isinstance(signatures, list):
        return False
    return any(
        isinstance(entry, dict)
        and entry.get("keyid") == keyid
        and isinstance(entry.get("sig"), str)
        and verifies(public, data, entry["sig"])
        for entry in signatures
    )


def signing_keyids(signatures: object) -> list[str]:
    if not isinstance(signatures, list):
        return []
    return [entry["keyid"] for entry in signatures if isinstance(entry, dict) and "keyid" in entry]
