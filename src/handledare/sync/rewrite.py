"""Whether a batch that changed on the share is its owner's rewrite after an erasure.

A workstation rewrites its own batches after an erasure, with names and free
text blanked (docs/sync-format.md). A changed batch is accepted as such a
rewrite only when it holds exactly the events applied here, in every field
alike, except fields that may hold personal data, which may only be blanked
(or are blanked here already, by an erasure its owner has not applied yet).
"""

from __future__ import annotations

import json
from typing import Any

from handledare.i18n import _
from handledare.store import ingest
from handledare.store.erasure import ERASED, PERSONAL_FIELDS, inner_fields
from handledare.store.eventlog import Store
from handledare.sync.batch import Batch

_SAME = ("workstation_id", "hlc", "actor_id", "type", "entity_id", "wall_time")


def differences(store: Store, batch: Batch, applied_count: int) -> str | None:
    """Why `batch` is not an erasure rewrite of the batch applied here; None when it is."""
    stored = ingest.stored_events(store, [event.id for event in batch.events])
    if len(batch.events) != applied_count or len(stored) != applied_count:
        return _("it holds other events")
    for event in batch.events:
        before = stored[event.id]
        if any(getattr(event, name) != getattr(before, name) for name in _SAME):
            return _("an event was changed")
        if not _only_blanked(event.type, json.loads(event.payload), json.loads(before.payload)):
            return _("an event was changed")
    return None


def _only_blanked(event_type: str, new: dict[str, Any], old: dict[str, Any]) -> bool:
    return _alike(new, old, PERSONAL_FIELDS.get(event_type, ()))


def _alike(new: dict[str, Any], old: dict[str, Any], personal: tuple[str, ...]) -> bool:
    """Alike but for personal fields blanked on one side, also inside objects (proof)."""
    if new.keys() != old.keys():
        return False
    for key in new:
        if new[key] == old[key]:
            continue
        inner = inner_fields(personal, key)
        if inner and isinstance(new[key], dict) and isinstance(old[key], dict):
            if not _alike(new[key], old[key], inner):
                return False
        elif key not in personal or ERASED not in (new[key], old[key]):
            return False
    return True
