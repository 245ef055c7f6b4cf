"""A progress bar as text: cheap to draw in a table's cell or a one-line label."""

from __future__ import annotations


def bar_text(percent: int, width: int) -> str:
    """Block characters and the percentage: `████░░░░░░  40 %`."""
    filled = round(width * percent / 100)
    return "█" * filled + "░" * (width - filled) + f" {percent:>3} %"
