"""What runs out soon, or has run out: signed items with `valid_for_days` and delegations,
in one list, each with its state (`Validity`), so that the supervisor's home, the
manager's overview and the nurse's list tell the same story."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from handledare.domain.actor import Actor
from handledare.domain.enums import DelegationStatus
from handledare.domain.validity import DEFAULT_WARNING_DAYS, Validity
from handledare.i18n import current_language
from handledare.services import overview
from handledare.services.delegation_views import list_delegations
from handledare.store.eventlog import Store

SIGN_OFF, DELEGATION = "sign_off", "delegation"


@dataclass(frozen=True)
class Expiring:
    kind: str  # SIGN_OFF or DELEGATION
    person_id: str | None
    person_name: str
    unit_name: str
    what: str
    last_day: date
    state: Validity
    onboarding_id: str | None = None
    delegation_id: str | None = None


@dataclass(frozen=True)
class Counts:
    """What a home screen says of `expiring`: how many expire soon, how many have expired."""

    soon: int
    gone: int


def expiring(
    store: Store, actor: Actor, today: date, warning_days: int = DEFAULT_WARNING_DAYS
) -> list[Expiring]:
    """Across the actor's units: sign-offs that expire within the warning period or have
    expired, and accepted delegations, not renewed, that do or that ended by date within
    the same number of days back; soonest first."""
    found = [
        Expiring(
            SIGN_OFF,
            None,
            item.person_name,
            item.unit_name,
            f"{item.item_number} {item.item_title.get(current_language())}",
            item.expires_on,
            Validity.EXPIRED if item.expired(today) else Validity.EXPIRING,
            onboarding_id=item.onboarding_id,
        )
        for item in overview.expiring_items(store, actor, today, warning_days)
    ]
    found += _delegations(store, actor, today, warning_days)
    return sorted(found, key=lambda e: (e.last_day, e.person_name, e.kind))


def counts(
    store: Store, actor: Actor, today: date, warning_days: int = DEFAULT_WARNING_DAYS
) -> Counts:
    """The states of `expiring` counted, the sign-offs in SQL: the home screens show only
    the counts, and the list takes seconds across a municipality's sign-offs."""
    soon, gone = overview.expiring_item_counts(store, actor, today, warning_days)
    for found in _delegations(store, actor, today, warning_days):
        soon += found.state is Validity.EXPIRING
        gone += found.state is Validity.EXPIRED
    return Counts(soon, gone)


def _delegations(store: Store, actor: Actor, today: date, warning_days: int) -> list[Expiring]:
    since = today - timedelta(days=warning_days)
    found = []
    for d in list_delegations(store, actor):
        window = d.window()
        if (
            window is None
            or window.last is None
            or d.renewed_by is not None
            or d.status is not DelegationStatus.ACCEPTED
            or d.ended_early() is not None
            or not since <= window.last <= today + timedelta(days=warning_days)
        ):
            continue
        found.append(
            Expiring(DELEGATION, d.person_id, d.person_name, d.unit_name, d.tasks_text(),
                     window.last, window.state(today, warning_days), delegation_id=d.id)
        )  # fmt: skip
    return found
