"""What an onboarding records: an item's state, the events its history shows, what a mark
stored."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from handledare.domain.enums import Mark, OnboardingStatus
from handledare.domain.events import EventType
from handledare.domain.evidence import Proof


@dataclass(frozen=True)
class ItemState:
    key: str
    mark: Mark | None
    reason: str | None
    signed_by: str | None
    signed_at: datetime | None
    signed_workstation: str | None
    expires_on: str | None
    evidence: Proof | None = None
    # Signed, but not counted: why, e.g. the delegation the item needs is not held today.
    held_back: str | None = None

    @property
    def signed(self) -> bool:
        return self.signed_at is not None

    @property
    def counts(self) -> bool:
        """Signed off and counted as such (see `delegation_needs`)."""
        return self.signed and self.held_back is None

    @property
    def not_applicable(self) -> bool:
        return self.mark is Mark.NOT_APPLICABLE


@dataclass(frozen=True)
class HistoryEntry:
    id: str
    type: EventType
    at: datetime
    actor_id: str | None
    workstation_id: str
    data: dict[str, Any]

    @classmethod
    def of(
        cls,
        event_id: str,
        event_type: str,
        wall_time: str,
        actor_id: str | None,
        workstation_id: str,
        payload: str,
    ) -> HistoryEntry:
        """From an event's stored columns."""
        return cls(
            event_id,
            EventType(event_type),
            datetime.fromisoformat(wall_time),
            actor_id,
            workstation_id,
            json.loads(payload),
        )

    @property
    def item_keys(self) -> list[str | None]:
        return self.data.get("item_keys") or [self.data.get("item_key")]


@dataclass(frozen=True)
class Marked:
    """What a mark stored: with `Progress.with_mark` a screen shows it without reading the
    onboarding again."""

    state: ItemState
    status: OnboardingStatus
    entry: HistoryEntry
    # The store's version just before the mark and just after it, and the local day.
    version_before: int
    version: int
    day: date
