"""`format.json`: the share's format, and its root of trust.

A share is set up by one workstation, whose key the marker names and which
signs it: every workstation trusts that workstation's folder from its first
round on (it is shown with its key's fingerprint in the sync status, so IT can
compare), and every other folder once an approval vouches for it. The format
is also given outside the signed part, where earlier versions look for it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from handledare.i18n import _
from handledare.sync.signing import Signer, canonical, public_key_id, signed_by

KIND = "handledare-share"


class MarkerProblem(Exception):
    """format.json cannot be trusted or read."""


@dataclass(frozen=True)
class Root:
    """The workstation that set up the share, and its key."""

    workstation_id: str
    keyid: str
    public: str


def marker_bytes(signer: Signer, workstation_id: str, version: int) -> bytes:
    signed = {
        "type": KIND,
        "format": version,
        "root": {"workstation": workstation_id, "keyid": signer.keyid, "public": signer.public},
    }
    document = {"format": version, **signer.envelope(signed)}
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"


def read_format(data: bytes) -> object:
    """The format number the marker claims, whatever else it holds (None if unreadable)."""
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return None
    return document.get("format") if isinstance(document, dict) else None


@lru_cache(maxsize=8)
def read_root(data: bytes) -> Root:
    """The root the marker names, its signature checked (once per process for the same bytes:
    a round with nothing new reads format.json and nothing else)."""
    try:
        document = json.loads(data)
        signed = document["signed"]
        root = signed["root"]
        found = Root(str(root["workstation"]), str(root["keyid"]), str(root["public"]))
    except (ValueError, UnicodeDecodeError, KeyError, TypeError) as error:
        raise MarkerProblem(_("format.json is damaged ({error})").format(error=error)) from error
    if (
        signed.get("type") != KIND
        or signed.get("format") != document.get("format")
        or public_key_id(found.public) != found.keyid
        or not signed_by(document.get("signatures"), found.keyid, found.public, canonical(signed))
    ):
        raise MarkerProblem(_("format.json is not signed by the key it names"))
    return found
