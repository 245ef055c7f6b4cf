"""What the bench's measures share: a measured row, a fresh copy of the data flushed to the
disk, p95, the process's memory."""

from __future__ import annotations

import os
import shutil
import statistics
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Row:
    measure: str
    value: float | None
    baseline: float | None
    unit: str
    target: str
    met: bool | None

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline


def copy_data(source: Path, target: Path) -> Path:
    """A fresh copy for each measure, so that none of them changes the generated data."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target)
    return target


def written_out(folder: Path) -> Path:
    """The copy's files flushed to the disk before a measure begins: a workstation's file has
    no fresh write of GBs behind it, which the first durable commit or checkpoint would wait
    for (a pull's first checkpoint took 3.9 s on a fresh copy, 1.1 s on one flushed)."""
    for path in folder.iterdir():
        if path.is_file():
            with path.open("r+b") as handle:  # writable: Windows refuses to flush a read-only one
                os.fsync(handle.fileno())
    return folder


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def status_mb(key: str) -> float | None:
    """A line of Linux's /proc/self/status in MB (VmRSS: resident now; VmHWM: its peak);
    None where there is none."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith(f"{key}:"):
                return int(line.split()[1]) / 1024
    return None


class PeakMemory:
    """The process's resident memory as a measure begins, and its peak during it: Linux starts
    the peak afresh when told so through /proc/self/clear_refs. Elsewhere `peak` stays None."""

    before: float | None = None
    peak: float | None = None

    def __enter__(self) -> PeakMemory:
        self.before = status_mb("VmRSS")
        try:
            Path("/proc/self/clear_refs").write_text("5")
        except OSError:
            self.before = None
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.before is not None:
            self.peak = status_mb("VmHWM")
