"""Opening the share: its format, and the root of trust its format.json names.

A share without format.json is set up by the first workstation that syncs
with it, which becomes its root; a format 1 share is upgraded in place the
same way. Every other workstation pins the root it finds at its first round
and stops, with a message, if format.json ever names another one. A format 2
share (signed, not encrypted) is used as it is; its root marks it format 3 at
its next round, so that versions that write plain text stop; a format lower
than one this workstation has seen is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from handledare.i18n import _
from handledare.store import share_view
from handledare.store.eventlog import Store
from handledare.sync.batch import FORMAT_VERSION, LEGACY_FORMAT, PLAIN_FORMAT
from handledare.sync.marker import MarkerProblem, marker_bytes, read_format, read_root
from handledare.sync.share import MARKER, Share, ShareUnavailable
from handledare.sync.signing import Signer, fingerprint


@dataclass
class Opened:
    """The root this workstation trusts (workstation, keyid, public; None on a new share in
    a dry run), and its key's fingerprint when this round pinned another workstation's."""

    root: dict[str, Any] | None
    pinned_now: str | None = None


def open_share(
    store: Store,
    share: Share,
    signer: Signer,
    pinned: dict[str, Any] | None,
    dry_run: bool,
) -> Opened:
    own = store.workstation_id
    data = share.read_marker()
    found = None if data is None else read_format(data)
    if found in (FORMAT_VERSION, PLAIN_FORMAT):
        opened = _pin(store, share, data, pinned, dry_run, found)
        root = opened.root
        upgrade = found == PLAIN_FORMAT and root is not None and root["workstation"] == own
        if upgrade and root is not None and not dry_run:
            share.write_marker(marker_bytes(signer, own, FORMAT_VERSION), replace=True)
            share_view.pin_root(store, {**root, "format": FORMAT_VERSION})
        return opened
    if data is not None and found is None:
        raise _untrusted(share, _("format.json is damaged"))
    if found not in (None, LEGACY_FORMAT):
        raise _newer(share, found)
    if pinned is not None and pinned["workstation"] != own:
        if data is None:
            return Opened(pinned)  # the root writes format.json again at its next round
        raise _untrusted(share, _("format.json names an older format than this share had"))
    if dry_run:
        return Opened(pinned)
    mine = {"workstation": own, "keyid": signer.keyid, "public": signer.public}
    marker = marker_bytes(signer, own, FORMAT_VERSION)
    share.write_marker(marker, replace=data is not None)
    opened = _pin(store, share, share.read_marker(), pinned, dry_run, FORMAT_VERSION)
    return Opened(opened.root) if opened.root == mine else opened


def check_format(share: Share) -> None:
    """Refuse a share that a newer version has taken over (before writing anything to it)."""
    data = share.read_marker()
    found = None if data is None else read_format(data)
    if found not in (None, LEGACY_FORMAT, PLAIN_FORMAT, FORMAT_VERSION):
        raise _newer(share, found)


def _newer(share: Share, found: object) -> ShareUnavailable:
    return ShareUnavailable(
        _(
            "The share {path} uses sync format {found}; this version knows {known}. "
            "Install the newer handledare on this workstation."
        ).format(path=share.root, found=found, known=FORMAT_VERSION)
    )


def _pin(
    store: Store,
    share: Share,
    data: bytes | None,
    pinned: dict[str, Any] | None,
    dry_run: bool,
    version: int,
) -> Opened:
    """The root the marker names, pinned at the first round; the pinned root remembers the
    highest format seen, so a marker put back from before the share was encrypted stops
    everyone (versions that knew only that format would write plain text again)."""
    try:
        found = read_root(data or b"")
    except MarkerProblem as problem:
        raise _untrusted(share, str(problem)) from problem
    root = {"workstation": found.workstation_id, "keyid": found.keyid, "public": found.public}
    if pinned is None:
        if not dry_run:  # a dry run trusts it for this round only
            share_view.pin_root(store, {**root, "format": version})
        return Opened(root, fingerprint(found.keyid))
    seen = pinned.get("format", PLAIN_FORMAT)
    if version < seen:
        raise _untrusted(share, _("format.json names an older format than this share had"))
    if version > seen and not dry_run:
        share_view.pin_root(store, {**root, "format": version})
    pinned = {key: value for key, value in pinned.items() if key != "format"}
    if pinned != root:
        raise _untrusted(
            share,
            _(
                "format.json names another root ({found}) than this workstation trusts ({pinned})"
            ).format(found=fingerprint(found.keyid), pinned=fingerprint(pinned["keyid"])),
        )
    return Opened(root)


def _untrusted(share: Share, reason: str) -> ShareUnavailable:
    return ShareUnavailable(
        _(
            "The share {path} cannot be trusted: {reason}. Nothing was read or sent. "
            "IT: restore {marker} from a backup, or compare it with another workstation's "
            "sync status."
        ).format(path=share.root, reason=reason, marker=MARKER)
    )
