"""What the bench's measures share: a measured row, a fresh copy of the data, p95."""

from __future__ import annotations

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


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]
