"""The garbage collector's full passes wait for the keyboard to rest (collect_at_rest.py)."""

from __future__ import annotations

import gc

import pytest

from handledare.tui import collect_at_rest

pytestmark = pytest.mark.skipif(
    not collect_at_rest.IN_USE, reason="Python 3.14 collects its oldest objects a little at a time"
)


def _middle_passes(count: int) -> None:
    """As many passes of the middle generation as Python makes for some 7,000 objects each."""
    for _ in range(count):
        gc.collect(1)


def test_python_waits_five_times_longer_between_begin_and_end(full_gc_passes):
    young, middle, full = gc.get_threshold()
    collect_at_rest.begin()
    collect_at_rest.begin()  # a second app in the same process changes nothing more
    assert gc.get_threshold() == (young, middle, collect_at_rest.PASSES_DUE_ANYWAY)
    collect_at_rest.end()
    assert gc.get_threshold() == (young, middle, full)


def test_a_due_pass_waits_for_a_second_at_rest(full_gc_passes):
    collect_at_rest.begin()
    _middle_passes(collect_at_rest.PASSES_DUE_AT_REST - 1)
    assert not collect_at_rest.collect_if_due(seconds_at_rest=5.0), "not due yet"
    _middle_passes(1)
    assert not collect_at_rest.collect_if_due(seconds_at_rest=0.3), "typing"
    assert full_gc_passes == []
    assert collect_at_rest.collect_if_due(seconds_at_rest=collect_at_rest.REST)
    assert len(full_gc_passes) == 1
    assert gc.get_count()[2] < collect_at_rest.PASSES_DUE_AT_REST


def test_typing_without_a_pause_still_gets_a_pass_once_much_has_piled_up(full_gc_passes):
    collect_at_rest.begin()
    # More than a quarter of what the oldest generation holds, new in it (Python's rule).
    kept = [[] for _ in range(len(gc.get_objects(2)))]
    _middle_passes(collect_at_rest.PASSES_DUE_AT_REST)
    assert not collect_at_rest.collect_if_due(seconds_at_rest=0.0)
    assert full_gc_passes == []
    _middle_passes(collect_at_rest.PASSES_DUE_ANYWAY - collect_at_rest.PASSES_DUE_AT_REST + 1)
    made = [[] for _ in range(2000)]  # young objects: Python's own passes come
    assert len(full_gc_passes) == 1
    assert kept and made


def test_cyclic_garbage_made_while_typing_is_freed_at_rest(full_gc_passes):
    collect_at_rest.begin()

    class Node:
        def __init__(self) -> None:
            self.me = self

    made = [Node() for _ in range(100)]
    _middle_passes(collect_at_rest.PASSES_DUE_AT_REST)  # they reach the oldest generation
    del made  # and are garbage there, in cycles that only a full pass frees
    _middle_passes(1)
    assert any(type(thing).__name__ == "Node" for thing in gc.get_objects(2))
    assert collect_at_rest.collect_if_due(seconds_at_rest=2.0)
    assert not any(type(thing).__name__ == "Node" for thing in gc.get_objects())
