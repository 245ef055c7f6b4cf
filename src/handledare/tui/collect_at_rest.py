"""The garbage collector's full passes, made while nobody types.

A full pass walks every object Python tracks. What the start made is set aside
(`gc.freeze`, warm_up.py), but the screens after the sign-in hold some fifty thousand
more: at a municipality's scale one pass took 40-45 ms, and Python makes it whenever
enough objects have outlived its two younger passes, which is in the middle of a key, a
mark or the first paint after the PIN.

The app leaves the young passes to Python and makes the full ones itself: once the
keyboard and mouse have rested a second, or, typed without a pause, when so much has
piled up that memory should not wait longer.
"""

from __future__ import annotations

import gc

# Seconds without a key or a click before a full pass.
REST = 1.0
# Middle passes since the last full one: at rest, as many as Python's own threshold
# waits for; without a rest, enough for some million objects, and then no longer.
PASSES_DUE_AT_REST = 10
PASSES_DUE_ANYWAY = 200

_NEVER = 2**31 - 1
_python_thresholds: tuple[int, int, int] | None = None


def begin() -> None:
    """Python's full passes off; `collect_if_due` makes them."""
    global _python_thresholds
    if _python_thresholds is None:
        _python_thresholds = gc.get_threshold()
        young, middle, _full = _python_thresholds
        gc.set_threshold(young, middle, _NEVER)


def end() -> None:
    """Python's own thresholds back, as an app ends (the tests run app after app)."""
    global _python_thresholds
    if _python_thresholds is not None:
        gc.set_threshold(*_python_thresholds)
        _python_thresholds = None


def collect_if_due(seconds_at_rest: float) -> bool:
    """A full pass if one is due: True when it was made."""
    passes = gc.get_count()[2]  # middle passes since the last full one
    if passes >= PASSES_DUE_ANYWAY or (seconds_at_rest >= REST and passes >= PASSES_DUE_AT_REST):
        gc.collect()
        return True
    return False
