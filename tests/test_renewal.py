"""Validity over time: an expired sign-off renewed without revoking it, an approval that
lapses or is withdrawn with why, what expires soon in one list, the certificate's dates."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlmodel import select

from delegation_helpers import NURSE_PIN, accepted, with_nurse
from handledare.domain.events import EventType
from handledare.domain.validity import Validity
from handledare.errors import InputError, WrongPinError
from handledare.i18n import format_date
from handledare.services import (
    allowed,
    expiring,
    onboarding,
    people,
    pins,
    review,
    signoff,
    templates,
)
from handledare.services.certificate import write_certificate
from handledare.services.erasure import erase_person
from handledare.store.tables import EventRow
from handledare.tui.widgets.item_view import what

from conftest import MANAGER_PIN, SUPERVISOR_PIN, World, sign_items

TEMPLATE = "hemtjanst-omsorg"
SIGNED = date(2027, 3, 1)
# sak-brand is required before working alone and holds for 365 days.
EXPIRES = SIGNED + timedelta(days=365)


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


def _approved(world: World) -> str:
    """A nurse; every required item signed on SIGNED, and the approval to work alone given."""
    with_nurse(world, SIGNED)
    started = onboarding.start_onboarding(world.store, world.supervisor, world.person.id, TEMPLATE)
    template = templates.get_template(world.store, TEMPLATE)
    keys = [i.key for i in template.items() if i.required_before_alone]
    sign_items(world.store, world.supervisor, started, keys)
    review.approve(world.store, world.manager, started, MANAGER_PIN)
    return started


def _states(world: World, started: str, day: date) -> onboarding.Progress:
    return onboarding.progress(world.store, world.manager, started, day)


def test_an_expired_sign_off_is_renewed_without_revoking_it(world: World):
    started = _approved(world)
    assert _states(world, started, SIGNED).states["sak-brand"].expires_on == EXPIRES.isoformat()
    with pytest.raises(InputError, match="kan förnyas från 30 dagar före"):
        signoff.renew(world.store, world.supervisor, started, "sak-brand", "Visat igen",
                      SUPERVISOR_PIN)  # fmt: skip
    with pytest.raises(InputError, match="inget signerat moment som går ut"):
        signoff.renew(world.store, world.supervisor, started, "anst-avtal", "Visat igen",
                      SUPERVISOR_PIN)  # fmt: skip

    later = EXPIRES + timedelta(days=3)
    world.store.now = lambda: _noon(later)
    lapsed = _states(world, started, later)
    lapsed_keys = {item.key: day for item, day in lapsed.lapsed_approval(later)}
    assert lapsed_keys["sak-brand"] == EXPIRES and "sak-hlr" not in lapsed_keys
    with pytest.raises(WrongPinError):
        signoff.renew(world.store, world.supervisor, started, "sak-brand", "Visat igen", "0000")
    signoff.renew(world.store, world.supervisor, started, "sak-brand",
                  "Gick igenom brandlarm och utrymning igen", SUPERVISOR_PIN)  # fmt: skip

    renewed = _states(world, started, later).states["sak-brand"]
    assert renewed.expires_on == (later + timedelta(days=365)).isoformat()
    assert renewed.mark is not None and renewed.evidence == lapsed.states["sak-brand"].evidence
    assert "sak-brand" not in {i.key for i, _d in _states(world, started, later).lapsed_approval(
        later)}  # fmt: skip
    history = onboarding.history(world.store, world.manager, started, "sak-brand")
    assert history[-1].type is EventType.ITEMS_SIGNED_OFF and history[-1].data["renewal"]
    assert history[-1].data["checked"] == "Gick igenom brandlarm och utrymning igen"

    # The same tables after a replay of the log.
    before = _states(world, started, later).states
    world.store.rebuild()
    assert _states(world, started, later).states == before


def test_a_revoked_required_item_withdraws_the_approval_and_says_so(world: World):
    started = _approved(world)
    signoff.revoke(world.store, world.manager, started, "sak-brand", "Missade övningen",
                   MANAGER_PIN)  # fmt: skip
    assert _states(world, started, SIGNED).approved_at is None
    [revoked] = [e for e in onboarding.history(world.store, world.manager, started)
                 if e.type is EventType.SIGN_OFF_REVOKED]  # fmt: skip
    assert revoked.data["withdraws_approval"] is True
    assert "godkännandet för eget arbete är återtaget" in what(revoked, whole=True)


def test_what_was_checked_again_is_erased_with_the_person(world: World):
    started = _approved(world)
    world.store.now = lambda: _noon(EXPIRES + timedelta(days=1))
    signoff.renew(world.store, world.supervisor, started, "sak-brand", "Amina visade utrymning",
                  SUPERVISOR_PIN)  # fmt: skip
    erase_person(world.store, world.admin, world.person.id)
    with world.store.read() as session:
        payloads = [json.loads(e.payload) for e in session.exec(select(EventRow).where(
            EventRow.type == EventType.ITEMS_SIGNED_OFF))]  # fmt: skip
    renewal = next(p for p in payloads if p.get("renewal"))
    assert "Amina" not in renewal["checked"]


def test_sign_offs_and_delegations_that_run_out_are_one_list(world: World):
    started = _approved(world)
    user = people.find_user(world.store, "Sara Nilsson")
    nurse = pins.sign_in(world.store, user.id, NURSE_PIN).actor
    accepted(world, nurse, SIGNED, SIGNED + timedelta(days=40))
    day = SIGNED + timedelta(days=20)
    soon = expiring.expiring(world.store, world.manager, day)
    assert [(e.kind, e.state) for e in soon] == [(expiring.DELEGATION, Validity.EXPIRING)]
    assert soon[0].last_day == SIGNED + timedelta(days=40)
    late = expiring.expiring(world.store, world.manager, EXPIRES + timedelta(days=2))
    kinds = {(e.kind, e.state) for e in late}
    assert (expiring.SIGN_OFF, Validity.EXPIRED) in kinds
    assert all(e.kind == expiring.SIGN_OFF for e in late)  # the delegation ended long before
    assert any(e.onboarding_id == started for e in late)
    # Another unit's manager sees none of it.
    assert expiring.expiring(world.store, world.other_supervisor, day) == []


def test_the_home_screens_counts_are_the_states_of_the_list(world: World):
    """The home and the overview count in SQL what the list of what runs out shows."""
    _approved(world)
    user = people.find_user(world.store, "Sara Nilsson")
    nurse = pins.sign_in(world.store, user.id, NURSE_PIN).actor
    accepted(world, nurse, SIGNED, SIGNED + timedelta(days=40))
    seen = expiring.Counts(0, 0)
    for after in (0, 20, 45, 340, 365, 366, 400):
        day = SIGNED + timedelta(days=after)
        for actor in (world.manager, world.admin, world.other_supervisor):
            found = expiring.expiring(world.store, actor, day, warning_days=30)
            counted = expiring.counts(world.store, actor, day, warning_days=30)
            assert counted == expiring.Counts(
                soon=sum(e.state is Validity.EXPIRING for e in found),
                gone=sum(e.state is Validity.EXPIRED for e in found),
            ), (after, actor.name)
            seen = expiring.Counts(seen.soon + counted.soon, seen.gone + counted.gone)
    assert seen.soon > 0 and seen.gone > 0
    # A shorter warning period counts fewer as running out soon.
    day = EXPIRES - timedelta(days=20)
    assert expiring.counts(world.store, world.manager, day, warning_days=30).soon > 0
    assert expiring.counts(world.store, world.manager, day, warning_days=10).soon == 0


def test_the_certificate_gives_each_expiry_and_flags_what_has_expired(world: World, tmp_path: Path):
    started = _approved(world)
    assert started
    out = tmp_path / "intyg.pdf"
    write_certificate(world.store, world.manager, world.person.id, out, EXPIRES + timedelta(days=1))
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    assert f"GICK UT {format_date(EXPIRES)}" in text  # sak-brand and the other yearly items
    hlr = format_date(SIGNED + timedelta(days=730))
    assert f"gäller t.o.m. {hlr}" in text  # sak-hlr holds two years
    assert "Godkännandet gäller inte längre" in text


def test_who_was_allowed_follows_a_renewal_from_its_day(world: World):
    started = _approved(world)
    renewed_on = EXPIRES + timedelta(days=10)
    world.store.now = lambda: _noon(renewed_on)
    signoff.renew(world.store, world.supervisor, started, "sak-brand", "Visat igen",
                  SUPERVISOR_PIN)  # fmt: skip

    def allowed_on(day: date) -> bool:
        found = allowed.allowed_for_person(world.store, world.manager, world.person.id, day)
        return any(a.task_key == "sak-brand" for a in found)

    assert allowed_on(EXPIRES)  # the last day of the first sign-off
    assert not allowed_on(EXPIRES + timedelta(days=1))  # expired, not renewed yet
    assert allowed_on(renewed_on) and allowed_on(renewed_on + timedelta(days=365))
    assert not allowed_on(renewed_on + timedelta(days=366))
