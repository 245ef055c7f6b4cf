"""The garbage collector's full passes, made while nobody types.

A full pass walks every object Python tracks. What the start made is set aside
(`gc.freeze`, warm_up.py), but the screens after the sign-in hold some fifty thousand
more: at a municipality's scale one pass took 37-45 ms, and Python makes it whenever
enough objects have outlived its two younger passes, which is in the middle of a key, a
mark or the first paint after the PIN.

The app leaves the young passes to Python and makes the full ones itself, once the
keyboard and mouse have rested a second. Python still makes one when so much has piled up
without a rest that memory should not wait longer. Python 3.14 collects the oldest objects
a little at a time, with far shorter pauses, and no longer reads the third threshold: there
this module leaves Python as it is.
"""

from __future__ import annotations

import gc
import sys

# Seconds without a key, a click, a scroll or a paste before a full pass.
REST = 1.0
# Middle passes since the last full one. At rest: as many as Python's own third threshold
# (Python also waits until what is new in the oldest generation is a quarter of what was
# there; at rest the app need not). Without a rest, Python's, five times later than its own:
# some 350,000 objects (a flood of cycles without a rest then peaked at 81 MB, not 30).
PASSES_DUE_AT_REST = 10
PASSES_DUE_ANYWAY = 50

IN_USE = sys.version_info < (3, 14)

_python_thresholds: tuple[int, int, int] | None = None


def begin() -> None:
    """Python's full passes only after a long time without a rest; `collect_if_due` makes
    them at rest."""
    global _python_thresholds
    if IN_USE and _python_thresholds is None:
        _python_thresholds = gc.get_threshold()
        young, middle, _full = _python_thresholds
        gc.set_threshold(young, middle, PASSES_DUE_ANYWAY)


def end() -> None:
    """Python's own thresholds back, as an app ends (the tests run app after app)."""
    global _python_thresholds
    if _python_thresholds is not None:
        gc.set_threshold(*_python_thresholds)
        _python_thresholds = None


def collect_if_due(seconds_at_rest: float) -> bool:
    """A full pass if one is due: True when it was made."""
    if _python_thresholds is None:  # not begun: Python makes its own
        return False
    passes = gc.get_count()[2]  # middle passes since the last full one
    if seconds_at_rest >= REST and passes >= PASSES_DUE_AT_REST:
        gc.collect()
        return True
    return False
