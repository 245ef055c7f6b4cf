"""Sync with the central share: the service the CLI and the app call."""

from __future__ import annotations

from pathlib import Path

from handledare.config import Settings
from handledare.i18n import _
from handledare.store.eventlog import Store
from handledare.sync.engine import SyncReport, run_round
from handledare.sync.share import Share, ShareUnavailable, machine_fingerprint


def sync_now(
    store: Store,
    settings: Settings,
    share_path: Path | None = None,
    *,
    dry_run: bool = False,
    machine: str | None = None,
) -> SyncReport:
    """One round against the configured share (or the one given)."""
    root = share_path or settings.share_path
    if root is None:
        raise ShareUnavailable(
            _("No share is configured. Set share_path in the config file, or give --share.")
        )
    return run_round(
        store,
        Share(root),
        name=settings.workstation_name,
        machine=machine or machine_fingerprint(),
        dry_run=dry_run,
    )


def waiting_changes(store: Store) -> int:
    """Local changes not yet on the share."""
    from handledare.store import replication

    with store.read() as session:
        return replication.waiting_count(session, store.workstation_id)
