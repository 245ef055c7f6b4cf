"""The rules of onboarding, sign-off, revocation and approval, enforced by the services."""

from __future__ import annotations

from datetime import timedelta

import pytest

from handledare.domain.enums import Mark, OnboardingStatus
from handledare.errors import InputError, PermissionRefused, WrongPinError
from handledare.services import onboarding, review, signoff, templates
from handledare.store.tables import ItemStateRow, OnboardingRow

from conftest import MANAGER_PIN, SUPERVISOR_PIN, World, sign_items

HOME_CARE = "hemtjanst-omsorg"


def _start(world: World) -> str:
    return onboarding.start_onboarding(world.store, world.supervisor, world.person.id, HOME_CARE)


def _first_items(world: World, *, practical: bool, count: int = 2):
    template = templates.get_template(world.store, HOME_CARE)
    return [i for i in template.items() if i.needs_practical is practical][:count]


def _sign_all_required(world: World, onboarding_id: str) -> None:
    template = templates.get_template(world.store, HOME_CARE)
    keys = [item.key for item in template.items() if item.required_before_alone]
    sign_items(world.store, world.supervisor, onboarding_id, keys, SUPERVISOR_PIN, None)


def test_walkthrough_sign_off_records_who_when_and_where(world: World):
    oid = _start(world)
    items = _first_items(world, practical=False)
    for item in items:
        onboarding.mark_item(world.store, world.supervisor, oid, item.key, Mark.WALKED_THROUGH)
    marked = onboarding.progress(world.store, world.supervisor, oid)
    assert marked.status is OnboardingStatus.IN_PROGRESS
    # Marked is walked through, not signed off: the walk-through's bar moves, the list's not.
    two_of_all = round(200 / marked.total)
    assert (marked.marked_count, marked.walked_percent, marked.percent) == (2, two_of_all, 0)

    keys = [item.key for item in items]
    signoff.sign_off(
        world.store, world.supervisor, oid, keys, SUPERVISOR_PIN, acknowledged_name="amina HASSAN"
    )

    report = onboarding.progress(world.store, world.supervisor, oid)
    assert report.signed_count == 2 and report.marked_count == 0
    assert report.percent == report.walked_percent == two_of_all
    for key in keys:
        state = report.states[key]
        assert state.signed_by == world.supervisor.user_id
        assert state.signed_workstation == world.store.workstation_id
        assert state.signed_at is not None
    types = [entry.type.value for entry in onboarding.history(world.store, world.supervisor, oid)]
    assert types[-2:] == ["onboarding.acknowledged", "items.signed_off"]


def test_signed_item_is_locked_until_revoked_with_reason(world: World):
    oid = _start(world)
    key = _first_items(world, practical=False, count=1)[0].key
    onboarding.mark_item(world.store, world.supervisor, oid, key, Mark.WALKED_THROUGH)
    signoff.sign_off(world.store, world.supervisor, oid, [key], SUPERVISOR_PIN)

    with pytest.raises(PermissionRefused, match="låst"):
        onboarding.mark_item(world.store, world.supervisor, oid, key, Mark.PRACTISED)
    with pytest.raises(InputError, match="saknas"):
        signoff.revoke(world.store, world.supervisor, oid, key, "  ", SUPERVISOR_PIN)

    signoff.revoke(world.store, world.supervisor, oid, key, "Fel person kvitterade", SUPERVISOR_PIN)
    assert not onboarding.progress(world.store, world.supervisor, oid).states[key].signed
    history = onboarding.history(world.store, world.supervisor, oid, item_key=key)
    assert history[-1].data["reason"] == "Fel person kvitterade"
    onboarding.mark_item(world.store, world.supervisor, oid, key, Mark.PRACTISED)


def test_wrong_pin_signs_nothing(world: World):
    oid = _start(world)
    key = _first_items(world, practical=False, count=1)[0].key
    onboarding.mark_item(world.store, world.supervisor, oid, key, Mark.WALKED_THROUGH)
    with pytest.raises(WrongPinError):
        signoff.sign_off(world.store, world.supervisor, oid, [key], "0000", acknowledged_name="x")
    with world.store.read() as session:
        assert session.get(ItemStateRow, (oid, key)).signed_at is None


def test_practical_item_cannot_be_signed_when_only_explained(world: World):
    oid = _start(world)
    key = _first_items(world, practical=True, count=1)[0].key
    onboarding.mark_item(world.store, world.supervisor, oid, key, Mark.WALKED_THROUGH)
    with pytest.raises(InputError, match="övas"):
        signoff.sign_off(world.store, world.supervisor, oid, [key], SUPERVISOR_PIN)


def test_unmarked_item_cannot_be_signed(world: World):
    oid = _start(world)
    key = _first_items(world, practical=False, count=1)[0].key
    with pytest.raises(InputError, match="inte gåtts igenom"):
        signoff.sign_off(world.store, world.supervisor, oid, [key], SUPERVISOR_PIN)


def test_not_applicable_needs_a_reason(world: World):
    oid = _start(world)
    key = _first_items(world, practical=False, count=1)[0].key
    with pytest.raises(InputError, match="Skälet"):
        onboarding.mark_item(world.store, world.supervisor, oid, key, Mark.NOT_APPLICABLE)
    onboarding.mark_item(
        world.store, world.supervisor, oid, key, Mark.NOT_APPLICABLE, reason="Ingen bil på enheten"
    )
    state = onboarding.progress(world.store, world.supervisor, oid).states[key]
    assert (state.mark, state.reason) == (Mark.NOT_APPLICABLE, "Ingen bil på enheten")


def test_acknowledgement_must_match_registered_name(world: World):
    oid = _start(world)
    with pytest.raises(InputError, match="stämmer inte"):
        signoff.acknowledge(world.store, world.supervisor, oid, "Amina", ["anst-avtal"])
    signoff.acknowledge(world.store, world.supervisor, oid, "  ámina   hassan ", ["anst-avtal"])


def test_supervisor_acts_only_in_own_units(world: World):
    oid = _start(world)
    with pytest.raises(PermissionRefused):
        onboarding.mark_item(world.store, world.other_supervisor, oid, "anst-avtal", Mark.PRACTISED)
    with pytest.raises(PermissionRefused):
        onboarding.start_onboarding(
            world.store, world.other_supervisor, world.person.id, "sabo-omsorg"
        )
    with pytest.raises(PermissionRefused):
        onboarding.progress(world.store, world.other_supervisor, oid)


def test_an_administrator_cannot_sign_off(world: World):
    oid = _start(world)
    onboarding.mark_item(world.store, world.supervisor, oid, "anst-avtal", Mark.WALKED_THROUGH)
    with pytest.raises(PermissionRefused):
        signoff.sign_off(world.store, world.admin, oid, ["anst-avtal"], "482916")


def test_only_admins_manage_units_users_and_templates(world: World):
    from handledare.domain.enums import Role
    from handledare.services import people

    with pytest.raises(PermissionRefused):
        people.add_unit(world.store, world.supervisor, "Ny enhet")
    with pytest.raises(PermissionRefused):
        people.add_user(world.store, world.manager, "Ny Person", Role.SUPERVISOR, "5931", [])
    template = templates.get_template(world.store, HOME_CARE)
    with pytest.raises(PermissionRefused):
        templates.import_template(world.store, world.manager, template)


def test_approval_refused_while_required_items_open_unless_overridden(world: World):
    oid = _start(world)
    with pytest.raises(PermissionRefused):
        review.approve(world.store, world.supervisor, oid, SUPERVISOR_PIN)
    with pytest.raises(InputError, match="obligatoriska moment"):
        review.approve(world.store, world.manager, oid, MANAGER_PIN)

    review.approve(world.store, world.manager, oid, MANAGER_PIN, override_reason="Akut bemanning")
    report = onboarding.progress(world.store, world.manager, oid)
    assert report.status is OnboardingStatus.APPROVED
    assert report.approval_override == "Akut bemanning"


def test_approval_after_required_items_and_revocation_withdraws_it(world: World):
    oid = _start(world)
    _sign_all_required(world, oid)
    assert onboarding.progress(world.store, world.manager, oid).status is (
        OnboardingStatus.WAITING_FOR_APPROVAL
    )
    with pytest.raises(WrongPinError):
        review.approve(world.store, world.manager, oid, "0000")
    review.approve(world.store, world.manager, oid, MANAGER_PIN)
    with world.store.read() as session:
        row = session.get(OnboardingRow, oid)
        assert (row.status, row.approved_by) == ("approved", world.manager.user_id)

    signoff.revoke(
        world.store, world.manager, oid, "hyg-sosfs", "Utbildningen var inte gjord", MANAGER_PIN
    )
    report = onboarding.progress(world.store, world.manager, oid)
    assert report.status is OnboardingStatus.IN_PROGRESS
    assert [item.key for item in report.required_open] == ["hyg-sosfs"]


def test_expiring_item_gets_an_expiry_date(world: World):
    oid = _start(world)
    onboarding.mark_item(world.store, world.supervisor, oid, "hyg-sosfs", Mark.WALKED_THROUGH)
    signoff.sign_off(world.store, world.supervisor, oid, ["hyg-sosfs"], SUPERVISOR_PIN)
    state = onboarding.progress(world.store, world.supervisor, oid).states["hyg-sosfs"]
    assert state.expires_on == (state.signed_at.date() + timedelta(days=365)).isoformat()


def test_second_unfinished_onboarding_on_same_template_is_refused(world: World):
    _start(world)
    with pytest.raises(InputError, match="redan en introduktion"):
        _start(world)
