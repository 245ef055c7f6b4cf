"""Names in a workstation's folder: batches, the card, the share keys it sealed to other
workstations, and everything else.

A folder may also hold what other programs leave: Windows' `desktop.ini` and
`Thumbs.db`, macOS' `.DS_Store` and `._*`, Office's `~$*` lock files. Those
are passed over in silence; a workstation's own temporary files (from a write
that was interrupted) are removed by it; anything else is reported.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from dataclasses import dataclass, field

CARD = "workstation.json"
# Files earlier versions kept in a workstation's folder, passed over in silence.
RETIRED = frozenset({"clock.probe"})
# One line per file name: a folder of tens of thousands of names is sorted out in one
# pass of the regex engine instead of a Python call per name.
_BATCH_LINE = re.compile(r"^batch-[0-9]{12}\.jsonl$", re.MULTILINE)
_SEALED = re.compile(r"share-keys-([0-9a-f-]{36})\.json")
TEMPORARY = re.compile(r"\.[A-Za-z0-9._-]{1,80}-[0-9a-f]{8}\.tmp")
_OTHER_PROGRAMS = re.compile(r"(?i:desktop\.ini|thumbs\.db|ehthumbs\.db)|\.DS_Store|\._.*|~\$.*")


def batch_name(sequence: int) -> str:
    return f"batch-{sequence:012d}.jsonl"


def sealed_name(recipient: str) -> str:
    """The file in which a workstation seals the share keys to `recipient`."""
    return f"share-keys-{recipient}.json"


def sequence_of(name: str) -> int:
    """The number in a proper batch file name."""
    return int(name[len("batch-") : -len(".jsonl")])


def set_aside_name(name: str, tag: str) -> str:
    """The name a file that is not ours goes to when it sits where our next batch belongs."""
    return f"{name}.set-aside-{tag}"


def ignored(name: str) -> bool:
    """A file another program puts in folders, or one earlier versions kept."""
    return name in RETIRED or _OTHER_PROGRAMS.fullmatch(name) is not None


@dataclass
class Listing:
    """A workstation folder: the numbers of its batch files, its card, and anything else in it.

    The numbers are kept sorted in an array, not as a set of names: a share of 112,000 batch
    files took 15 MB as names, and each round's listings are held while a pull runs."""

    numbers: array[int] = field(default_factory=lambda: array("q"))
    has_card: bool = False
    temporary: list[str] = field(default_factory=list)
    strays: list[str] = field(default_factory=list)
    sealed: set[str] = field(default_factory=set)  # the recipients of sealed share keys

    def has(self, sequence: int) -> bool:
        at = bisect_left(self.numbers, sequence)
        return at < len(self.numbers) and self.numbers[at] == sequence

    def last(self) -> int:
        """The highest batch number present, 0 for none."""
        return self.numbers[-1] if self.numbers else 0

    @property
    def count(self) -> int:
        """How many batch files there are."""
        return len(self.numbers)

    @classmethod
    def of(cls, names: list[str]) -> Listing:
        odd = [name for name in names if "\n" in name] if "\n" in "".join(names) else []
        text = "\n".join(name for name in names if "\n" not in name) if odd else "\n".join(names)
        batches = set(_BATCH_LINE.findall(text))
        numbers = array("q", sorted(sequence_of(name) for name in batches))
        listing = cls(numbers, CARD in names)
        if len(names) - len(batches) == listing.has_card:
            return listing
        for name in sorted(set(names) - batches - {CARD}):
            sealed = _SEALED.fullmatch(name)
            if sealed:
                listing.sealed.add(sealed.group(1))
            elif TEMPORARY.fullmatch(name):
                listing.temporary.append(name)
            elif not ignored(name):
                listing.strays.append(name)
        return listing
