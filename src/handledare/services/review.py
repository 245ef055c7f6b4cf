"""The unit manager's decision that a substitute is ready to work alone."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from handledare.domain.actor import Actor
from handledare.domain.enums import OnboardingStatus, Role
from handledare.domain.events import EventType
from handledare.errors import InputError
from handledare.i18n import _, ngettext
from handledare.security import require_role
from handledare.services.common import checked_text, named_items, open_onboarding
from handledare.services.signoff import check_pin
from handledare.store.eventlog import Store
from handledare.store.tables import ConflictRow, ItemStateRow, OnboardingRow, PersonRow


def approve(
    store: Store,
    actor: Actor,
    onboarding_id: str,
    pin: str,
    override_reason: str | None = None,
) -> None:
    """Approve "ready to work alone"; with required items open only with an override reason."""
    require_role(actor, Role.MANAGER)
    check_pin(store, actor, pin, _("Nothing was approved."))
    record_approval(store, actor, onboarding_id, override_reason)


def record_approval(
    store: Store, actor: Actor, onboarding_id: str, override_reason: str | None = None
) -> None:
    """`approve` once the PIN is checked."""
    require_role(actor, Role.MANAGER)
    if override_reason is not None:
        override_reason = checked_text(override_reason, _("The reason for the exception"))
    with store.write(actor.user_id) as tx:
        onboarding, template = open_onboarding(tx.session, actor, onboarding_id)
        if onboarding.status == OnboardingStatus.APPROVED.value:
            raise InputError(_("This substitute is already approved to work alone."))
        signed = set(
            tx.session.exec(
                select(ItemStateRow.item_key).where(
                    ItemStateRow.onboarding_id == onboarding_id,
                    col(ItemStateRow.signed_at).is_not(None),
                )
            )
        )
        open_items = [
            i for i in template.items() if i.required_before_alone and i.key not in signed
        ]
        if open_items and override_reason is None:
            listed = named_items(template, [item.key for item in open_items[:5]])
            raise InputError(
                ngettext(
                    "{count} required item is not signed off yet ({items}). "
                    "Approve anyway only with a reason for the exception.",
                    "{count} required items are not signed off yet ({items}). "
                    "Approve anyway only with a reason for the exception.",
                    len(open_items),
                ).format(count=len(open_items), items=listed)
            )
        payload = {"override_reason": override_reason} if open_items else {}
        tx.emit(EventType.APPROVED, onboarding_id, payload)


@dataclass(frozen=True)
class Conflict:
    """An item edited on two workstations where neither had seen the other's edit."""

    key: str
    onboarding_id: str
    person_name: str
    item_key: str
    event_id: str
    other_event_id: str | None


def list_conflicts(store: Store, actor: Actor, onboarding_id: str | None = None) -> list[Conflict]:
    """Conflicts flagged by sync in the actor's units (or of one onboarding)."""
    query = (
        select(ConflictRow, OnboardingRow.unit_id, PersonRow.name)
        .join(OnboardingRow, col(OnboardingRow.id) == ConflictRow.onboarding_id)
        .join(PersonRow, col(PersonRow.id) == OnboardingRow.person_id)
        .order_by(ConflictRow.event_id)
    )
    if onboarding_id is not None:
        query = query.where(ConflictRow.onboarding_id == onboarding_id)
    with store.read() as session:
        rows = session.exec(query).all()
    return [
        Conflict(
            conflict.event_id,
            conflict.onboarding_id,
            person_name,
            conflict.item_key,
            conflict.event_id.split(":")[0],
            conflict.other_event_id,
        )
        for conflict, unit_id, person_name in rows
        if actor.covers_unit(unit_id)
    ]


def resolve_conflict(
    store: Store, actor: Actor, onboarding_id: str, conflict_key: str, note: str
) -> None:
    """Record that a manager has looked at a conflict and how it was settled."""
    require_role(actor, Role.MANAGER)
    note = checked_text(note, _("What was decided"))
    with store.write(actor.user_id) as tx:
        open_onboarding(tx.session, actor, onboarding_id)
        conflict = tx.session.get(ConflictRow, conflict_key)
        if conflict is None or conflict.onboarding_id != onboarding_id:
            raise InputError(_("This conflict has already been resolved."))
        tx.emit(
            EventType.CONFLICT_RESOLVED,
            onboarding_id,
            {"conflict": conflict_key, "item_key": conflict.item_key, "note": note},
        )
