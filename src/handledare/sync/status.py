"""The share's health as this workstation knows it, without touching the share.

Per workstation: its name, how far it is trusted, its last batch and when it
was seen, its clock against the share's and against this one, and the files
of its folder that could not be used. A workstation whose clock is more than
ten minutes off the others (the median of every workstation's offset and the
share's own clock) is called skewed, so that every workstation names it.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from handledare.store import share_view
from handledare.store.eventlog import Store
from handledare.store.share_view import Problem
from handledare.sync.signing import fingerprint
from handledare.sync.trust import Trust, TrustState

SKEW_LIMIT_SECONDS = 600.0


@dataclass(frozen=True)
class WorkstationStatus:
    workstation_id: str
    name: str
    machine: str
    state: TrustState
    key: str | None  # the fingerprint of the key its card names
    batches: int
    last_batch: int
    last_batch_seen: str | None
    first_seen: str
    clock_offset: float | None  # seconds ahead of the share's clock
    offset_here: float | None  # seconds ahead of this workstation's clock
    skewed: bool
    problems: tuple[Problem, ...]

    @property
    def waiting(self) -> bool:
        return self.state is TrustState.WAITING and self.key is not None


@dataclass(frozen=True)
class ShareStatus:
    workstations: list[WorkstationStatus]
    problems: list[Problem]  # every file that could not be used, by path
    root: str | None  # the name of the workstation that set up the share, once known

    @property
    def waiting(self) -> list[WorkstationStatus]:
        return [w for w in self.workstations if w.waiting]

    @property
    def skewed_clocks(self) -> list[tuple[WorkstationStatus, float]]:
        """The workstations whose clocks are off, each with its offset from the share's."""
        return [
            (w, w.clock_offset)
            for w in self.workstations
            if w.skewed and w.clock_offset is not None
        ]

    def named(self, workstation_id: str) -> str:
        for workstation in self.workstations:
            if workstation.workstation_id == workstation_id:
                return workstation.name
        return workstation_id[:8]


def share_status(store: Store, known: share_view.Snapshot | None = None) -> ShareStatus:
    """From `known`, what a caller has just read, when nothing has been written since."""
    if known is None:
        known = share_view.snapshot(store)
    folders, root = known.folders, known.root
    trust = Trust(known.decisions, root, store.workstation_id)
    problems = sorted(known.problems.values(), key=lambda p: p.path)
    offsets = [f.clock_offset for f in folders.values() if f.clock_offset is not None]
    reference = statistics.median([*offsets, 0.0])
    own = folders.get(store.workstation_id)
    here = own.clock_offset if own is not None else None
    rows = []
    for folder in folders.values():
        offset = folder.clock_offset
        rows.append(
            WorkstationStatus(
                workstation_id=folder.workstation_id,
                name=folder.name or folder.workstation_id[:8],
                machine=(folder.machine or "").split("|")[0],
                state=trust.state(folder.workstation_id, folder.key_id),
                key=fingerprint(folder.key_id) if folder.key_id else None,
                batches=folder.batch_count,
                last_batch=folder.last_batch,
                last_batch_seen=folder.last_batch_seen,
                first_seen=folder.first_seen,
                clock_offset=offset,
                offset_here=None if offset is None or here is None else round(offset - here, 1),
                skewed=offset is not None and abs(offset - reference) > SKEW_LIMIT_SECONDS,
                problems=tuple(p for p in problems if p.workstation_id == folder.workstation_id),
            )
        )
    rows.sort(key=lambda w: (w.state is not TrustState.OWN, w.name.casefold(), w.workstation_id))
    root_name = None
    if root is not None and root["workstation"] in folders:
        root_name = folders[root["workstation"]].name
    return ShareStatus(rows, problems, root_name)
