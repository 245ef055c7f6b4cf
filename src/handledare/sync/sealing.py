"""Share keys: the AES-256-GCM keys that encrypt the events of every batch, and how one
reaches a workstation: sealed to its receiving key with HPKE (RFC 9180), in a file signed
by the workstation that sealed it.

Standard constructions only, as pyca/cryptography provides them: AES-256-GCM with a
random 96-bit nonce per batch (the batch's header as associated data), and HPKE base mode
with DHKEM(X25519, HKDF-SHA256), HKDF-SHA256 and AES-256-GCM, its `info` binding the
sealed keys to the sealing workstation, the recipient and its receiving key.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hpke import AEAD, KDF, KEM, Suite

from handledare.i18n import _
from handledare.store import identity
from handledare.sync.signing import Signer, canonical, signed_by, signing_keyids

KIND = "handledare-share-keys"
SUITE = Suite(KEM.X25519, KDF.HKDF_SHA256, AEAD.AES_256_GCM)
INFO = b"handledare share keys v1\n"
NONCE_BYTES = 12


class SealedProblem(Exception):
    """Why a sealed share key file cannot be used: kept short for the sync report."""


class KeyMissing(Exception):
    """A batch is encrypted with a share key this workstation does not hold."""


@dataclass(frozen=True)
class ShareKey:
    """One generation of the share key, as this workstation holds it."""

    id: str  # random, named in the header of every batch it encrypts
    generation: int  # a newer generation is made when a workstation is revoked
    secret: bytes  # 32 bytes, AES-256-GCM
    sealer: str  # the workstation that made it here, or sealed it to this one
    signed_by: str | None  # the key id that signed the sealed file (None: made here)
    verified: bool  # its sealer is trusted, or it opened a batch a trusted key signed

    def order(self) -> tuple[int, str]:
        return self.generation, self.id

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "generation": self.generation,
            "key": base64.b64encode(self.secret).decode("ascii"),
            "sealer": self.sealer,
            "signed_by": self.signed_by,
            "verified": self.verified,
        }

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> ShareKey:
        return cls(
            value["id"],
            value["generation"],
            base64.b64decode(value["key"]),
            value["sealer"],
            value["signed_by"],
            value["verified"],
        )

    def verify(self) -> ShareKey:
        return self if self.verified else replace(self, verified=True)


def new_share_key(generation: int, maker: str) -> ShareKey:
    return ShareKey(secrets.token_hex(16), generation, AESGCM.generate_key(256), maker, None, True)


def new_nonce() -> bytes:
    """A random 96-bit nonce: one per batch written, never a counter that a copy could repeat."""
    return os.urandom(NONCE_BYTES)


def encrypt(key: ShareKey, nonce: bytes, plaintext: bytes, associated: bytes) -> bytes:
    """The ciphertext with its tag."""
    return AESGCM(key.secret).encrypt(nonce, plaintext, associated)


def decrypt(secret: bytes, nonce: bytes, ciphertext: bytes, associated: bytes) -> bytes | None:
    """The plaintext, or None when the ciphertext does not open with this key."""
    try:
        return AESGCM(secret).decrypt(nonce, ciphertext, associated)
    except (InvalidTag, ValueError):
        return None


@dataclass(frozen=True)
class Receiver:
    """This workstation's receiving key, with the public half as its card names it."""

    private: X25519PrivateKey
    public: str

    @classmethod
    def load(cls, data_dir: Path) -> Receiver:
        """The data folder's receiving key (made now if it has none)."""
        path = identity.seal_key_path(data_dir)
        try:
            found = path.stat()
        except OSError:
            return cls.of(identity.load_seal_key(data_dir))
        return _loaded(data_dir, found.st_mtime_ns, found.st_size)

    @classmethod
    def of(cls, private: X25519PrivateKey) -> Receiver:
        raw = private.public_key().public_bytes_raw()
        return cls(private, base64.b64encode(raw).decode("ascii"))


@lru_cache(maxsize=8)
def _loaded(data_dir: Path, _mtime: int, _size: int) -> Receiver:
    return Receiver.of(identity.load_seal_key(data_dir))


def sealed_bytes(
    signer: Signer, sender: str, recipient: str, seal_public: str, keys: list[ShareKey]
) -> bytes:
    """The file that carries `keys` to `recipient`, sealed to its receiving key and signed."""
    signed = {
        "type": KIND,
        "format": 3,
        "workstation": sender,
        "recipient": recipient,
        "seal": seal_public,
        "keys": sorted(key.id for key in keys),
    }
    plaintext = canonical(
        {
            "keys": [
                {
                    "id": key.id,
                    "generation": key.generation,
                    "key": base64.b64encode(key.secret).decode("ascii"),
                }
                for key in sorted(keys, key=ShareKey.order)
            ]
        }
    )
    public = X25519PublicKey.from_public_bytes(base64.b64decode(seal_public, validate=True))
    sealed = SUITE.encrypt(plaintext, public, info=INFO + canonical(signed))
    signed["sealed"] = base64.b64encode(sealed).decode("ascii")
    document = signer.envelope(signed)
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"


def unseal(
    data: bytes,
    sender: str,
    receiver: Receiver,
    recipient: str,
    sender_keys: Mapping[str, str],
) -> tuple[str, list[ShareKey]]:
    """The share keys a file in `sender`'s folder seals to this workstation, and the key id
    (one of `sender_keys`) whose signature it carries; or why it cannot be used."""
    try:
        document = json.loads(data)
        signed = document["signed"]
        body = {key: value for key, value in signed.items() if key != "sealed"}
        sealed = base64.b64decode(signed["sealed"], validate=True)
    except (ValueError, UnicodeDecodeError, KeyError, TypeError, binascii.Error) as error:
        raise SealedProblem(
            _("the sealed share key is damaged ({error})").format(error=error)
        ) from error
    if (
        signed.get("type") != KIND
        or signed.get("workstation") != sender
        or signed.get("recipient") != recipient
    ):
        raise SealedProblem(_("the sealed share key belongs to another folder or workstation"))
    signatures = document.get("signatures")
    keyid = next(
        (
            keyid
            for keyid in signing_keyids(signatures)
            if keyid in sender_keys
            and signed_by(signatures, keyid, sender_keys[keyid], canonical(signed))
        ),
        None,
    )
    if keyid is None:
        raise SealedProblem(_("the sealed share key is not signed by its workstation's key"))
    if signed.get("seal") != receiver.public:
        raise SealedProblem(_("the share key is sealed to another receiving key than this one"))
    try:
        opened = json.loads(SUITE.decrypt(sealed, receiver.private, info=INFO + canonical(body)))
        keys = [
            ShareKey(
                str(entry["id"]),
                int(entry["generation"]),
                base64.b64decode(entry["key"], validate=True),
                sender,
                keyid,
                False,
            )
            for entry in opened["keys"]
        ]
    except (InvalidTag, ValueError, KeyError, TypeError, binascii.Error) as error:
        raise SealedProblem(_("the sealed share key does not open: it was changed")) from error
    if sorted(key.id for key in keys) != signed.get("keys") or any(
        len(key.secret) != 32 for key in keys
    ):
        raise SealedProblem(_("the sealed share key does not open: it was changed"))
    return keyid, keys
