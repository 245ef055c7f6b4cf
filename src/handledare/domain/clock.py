"""Hybrid logical clock stamps.

Wall clocks on office PCs drift and get corrected; a hybrid logical clock
keeps stamps increasing on one workstation whatever the wall clock does,
and stays close to real time so people can read it. Stamps are strings
that sort in time order: 15 digits of milliseconds, a dot, 6 digits of
counter.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

Now = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def time_ordered_id(millis: int) -> str:
    """A UUID version 7 (RFC 9562): milliseconds first, then random bits.

    Event ids made so sort in the order they were made, so each new event lands at
    the end of the events' id index instead of on a random page of a file of
    gigabytes: a commit touches fewer pages. They are as unique as version 4 ids
    (74 random bits per millisecond) and still 36 characters.
    """
    random_bits = int.from_bytes(os.urandom(10), "big")
    value = (millis & (2**48 - 1)) << 80 | 0x7 << 76 | (random_bits >> 68) << 64
    value |= 0b10 << 62 | random_bits & (2**62 - 1)
    return str(uuid.UUID(int=value))


def format_stamp(millis: int, counter: int) -> str:
    return f"{millis:015d}.{counter:06d}"


def parse_stamp(stamp: str) -> tuple[int, int]:
    millis, counter = stamp.split(".")
    return int(millis), int(counter)


@dataclass
class HybridClock:
    millis: int = 0
    counter: int = 0

    @classmethod
    def from_stamp(cls, stamp: str | None) -> HybridClock:
        return cls(*parse_stamp(stamp)) if stamp else cls()

    def tick(self, wall_millis: int) -> str:
        """Stamp a local event."""
        if wall_millis > self.millis:
            self.millis, self.counter = wall_millis, 0
        else:
            self.counter += 1
        return format_stamp(self.millis, self.counter)

    def observe(self, stamp: str, wall_millis: int) -> None:
        """Move past a stamp seen from another workstation."""
        millis, counter = parse_stamp(stamp)
        top = max(self.millis, millis, wall_millis)
        if top == self.millis == millis:
            self.counter = max(self.counter, counter) + 1
        elif top == self.millis:
            self.counter += 1
        elif top == millis:
            self.counter = counter + 1
        else:
            self.counter = 0
        self.millis = top
