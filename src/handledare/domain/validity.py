"""Whether something that runs out holds on a day: a sign-off with `valid_for_days`, a delegation.

One rule for both, so that the home, the overview, the nurse's list, the matrix
and "who was allowed on D" never disagree. Both ends are whole days and both
count: a delegation from 1 March to 28 February holds on 28 February and not on
1 March the year after. Each state has a word and a marker, so that nothing
depends on colour alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from handledare.domain.enums import LABELS, Labelled
from handledare.i18n import N_

DEFAULT_WARNING_DAYS = 30


class Validity(Labelled, StrEnum):
    CURRENT = "current"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    NOT_YET = "not_yet"
    # Nothing to hold: never signed off, never delegated (a cell of the training matrix).
    NONE = "none"

    @property
    def marker(self) -> str:
        return _MARKERS[self]

    def shown(self) -> str:
        """The marker and the word, as every list shows a state."""
        return f"{self.marker} {self.label}"


LABELS[Validity] = {
    Validity.CURRENT: N_("current"),
    Validity.EXPIRING: N_("expiring"),
    Validity.EXPIRED: N_("expired"),
    Validity.NOT_YET: N_("not yet"),
    Validity.NONE: N_("not trained"),
}

_MARKERS = {
    Validity.CURRENT: "✓",
    Validity.EXPIRING: "!",
    Validity.EXPIRED: "✗",
    Validity.NOT_YET: "…",
    Validity.NONE: "·",
}


@dataclass(frozen=True)
class Window:
    """The days something holds: `first` to `last`, both included; `last` None: no end."""

    first: date
    last: date | None

    def holds_on(self, day: date) -> bool:
        return self.first <= day and (self.last is None or day <= self.last)

    def state(self, today: date, warning_days: int = DEFAULT_WARNING_DAYS) -> Validity:
        if today < self.first:
            return Validity.NOT_YET
        if self.last is None:
            return Validity.CURRENT
        if today > self.last:
            return Validity.EXPIRED
        if self.last <= today + timedelta(days=warning_days):
            return Validity.EXPIRING
        return Validity.CURRENT

    def cut(self, last: date | None) -> Window:
        """The window ended earlier, on `last` (revoked, left the job, account ended)."""
        if last is None or (self.last is not None and self.last <= last):
            return self
        return Window(self.first, last)


def sign_off_window(signed_on: date, expires_on: date | None) -> Window:
    """A sign-off holds from its day; one with `valid_for_days` up to its expiry date."""
    return Window(signed_on, expires_on)


def best(states: list[Validity]) -> Validity:
    """The state that counts among several (a renewal beside the one it renews)."""
    for state in (Validity.CURRENT, Validity.EXPIRING, Validity.NOT_YET, Validity.EXPIRED):
        if state in states:
            return state
    return Validity.NONE
