"""A mark returns what it stored, and a progress read just before it, with the mark added,
is exactly what reading the onboarding again gives; otherwise the screen must read again."""

from __future__ import annotations

from datetime import timedelta

from delegation_helpers import INSULIN
from handledare.checklists.parser import parse_template
from handledare.domain.enums import Mark, OnboardingStatus
from handledare.services import onboarding, templates
from handledare.services.onboarding import Progress
from test_delegation_needs import NEEDS_DELEGATION

from conftest import World, sign_items

HOME_CARE = "hemtjanst-omsorg"


def _fresh(world: World, oid: str) -> Progress:
    return onboarding.progress(world.store, world.supervisor, oid)


def _mark_and_compare(world: World, oid: str, key: str, mark: Mark, reason: str | None = None):
    shown = _fresh(world, oid)
    marked = onboarding.mark_item(world.store, world.supervisor, oid, key, mark, reason)
    after = shown.with_mark(marked)
    assert after is not None
    assert after == _fresh(world, oid)
    assert marked.entry == onboarding.history(world.store, world.supervisor, oid)[-1]
    return after


def test_a_mark_added_to_the_progress_read_before_it_is_what_a_new_read_gives(world: World):
    oid = onboarding.start_onboarding(world.store, world.supervisor, world.person.id, HOME_CARE)
    items = list(_fresh(world, oid).template.items())
    first, second, third = (item.key for item in items[:3])

    after = _mark_and_compare(world, oid, first, Mark.WALKED_THROUGH)
    # The first mark starts the onboarding: the status comes from what was stored.
    assert after.status is OnboardingStatus.IN_PROGRESS
    assert after.states[first].mark is Mark.WALKED_THROUGH
    assert after.states[first].signed_at is None

    _mark_and_compare(world, oid, second, Mark.NOT_APPLICABLE, "Lön via bemanningen")
    after = _mark_and_compare(world, oid, first, Mark.PRACTISED)  # marked again
    assert after.states[first].mark is Mark.PRACTISED
    assert after.states[second].reason == "Lön via bemanningen"

    # With signed items, what waits for them and the counts stay as they were read.
    sign_items(world.store, world.supervisor, oid, [first, second])
    after = _mark_and_compare(world, oid, third, Mark.WALKED_THROUGH)
    assert after.signed_count == 2
    entry = onboarding.history(world.store, world.supervisor, oid, third)[-1]
    assert entry.item_keys == [third] and entry.data["mark"] == "walked_through"


def test_an_item_held_back_stays_held_back_beside_a_new_mark(world: World):
    template = parse_template(NEEDS_DELEGATION.format(task=INSULIN), "mall.toml")
    templates.import_template(world.store, world.admin, template)
    oid = onboarding.start_onboarding(world.store, world.supervisor, world.person.id, template.id)
    sign_items(world.store, world.supervisor, oid, ["insulin"])
    assert "insulin" in _fresh(world, oid).held_back

    after = _mark_and_compare(world, oid, "hygien", Mark.WALKED_THROUGH)
    assert "insulin" in after.held_back and after.signed_count == 0


def test_after_anything_else_is_stored_the_progress_must_be_read_again(world: World):
    oid = onboarding.start_onboarding(world.store, world.supervisor, world.person.id, HOME_CARE)
    first, second = (item.key for item in list(_fresh(world, oid).template.items())[:2])
    shown = _fresh(world, oid)
    # Someone else's write since the screen read it: a note on another item.
    onboarding.add_note(world.store, world.supervisor, oid, "Frågade om nyckeln", second)
    marked = onboarding.mark_item(world.store, world.supervisor, oid, first, Mark.WALKED_THROUGH)
    assert shown.with_mark(marked) is None
    # Read for another day, what is held back may differ: read again too.
    yesterday = shown.day - timedelta(days=1)
    before = onboarding.progress(world.store, world.supervisor, oid, yesterday)
    marked = onboarding.mark_item(world.store, world.supervisor, oid, second, Mark.PRACTISED)
    assert before.with_mark(marked) is None
    # Read just before the mark, the same day: no read needed.
    shown = _fresh(world, oid)
    marked = onboarding.mark_item(world.store, world.supervisor, oid, first, Mark.PRACTISED)
    assert shown.with_mark(marked) == _fresh(world, oid)
