"""Ending a walkthrough: the substitute acknowledges, the supervisor signs with a PIN.

A signed item is locked; the only way back is a revocation with a reason,
which is a new event, so the history always shows what happened.
"""

from __future__ import annotations

import json

from sqlmodel import select

from handledare.domain.actor import Actor
from handledare.domain.enums import Mark, Role
from handledare.domain.events import EventType
from handledare.domain.evidence import Proof, proof_problem
from handledare.errors import InputError, PermissionRefused
from handledare.i18n import _, current_language
from handledare.security import require_role
from handledare.services import pins
from handledare.services.common import (
    checked_text,
    get_row,
    item_or_refuse,
    item_state,
    open_onboarding,
    waiting_problem,
)
from handledare.store.eventlog import Store, Transaction
from handledare.store.tables import ItemStateRow, PersonRow
from handledare.text import fold

SIGNING_ROLES = (Role.SUPERVISOR, Role.MANAGER)


def check_pin(store: Store, actor: Actor, pin: str, refused: str) -> None:
    """The acting user proves again who they are; a wrong PIN counts as at sign-in."""
    pins.sign_in(store, actor.user_id, pin, refused)


def _emit_acknowledgement(
    tx: Transaction,
    onboarding_id: str,
    person_name: str,
    typed_name: str,
    item_keys: list[str],
    comment: str | None,
) -> None:
    if fold(typed_name) != fold(person_name):
        raise InputError(
            _(
                "The typed name does not match the substitute's registered name. "
                "The substitute types their full name as registered."
            )
        )
    payload = {"typed_name": typed_name, "item_keys": sorted(item_keys)}
    if comment and comment.strip():
        payload["comment"] = checked_text(comment, _("The substitute's comment"))
    tx.emit(EventType.ACKNOWLEDGED, onboarding_id, payload)


def acknowledge(
    store: Store,
    actor: Actor,
    onboarding_id: str,
    typed_name: str,
    item_keys: list[str],
    comment: str | None = None,
) -> None:
    """The substitute confirms, by typing their full name, what was gone through."""
    with store.write(actor.user_id) as tx:
        onboarding, _template = open_onboarding(tx.session, actor, onboarding_id)
        person = get_row(tx.session, PersonRow, onboarding.person_id)
        _emit_acknowledgement(tx, onboarding_id, person.name, typed_name, item_keys, comment)


def sign_off(
    store: Store,
    actor: Actor,
    onboarding_id: str,
    item_keys: list[str],
    pin: str,
    acknowledged_name: str | None = None,
    comment: str | None = None,
) -> None:
    """Sign the marked items, with the acknowledgement if given, all in one transaction."""
    require_role(actor, *SIGNING_ROLES)
    check_pin(store, actor, pin, _("Nothing was signed."))
    record_sign_off(store, actor, onboarding_id, item_keys, acknowledged_name, comment)


def record_sign_off(
    store: Store,
    actor: Actor,
    onboarding_id: str,
    item_keys: list[str],
    acknowledged_name: str | None = None,
    comment: str | None = None,
) -> None:
    """`sign_off` once the PIN is checked (the demo checks each user's once)."""
    require_role(actor, *SIGNING_ROLES)
    if not item_keys:
        raise InputError(_("There is nothing to sign off: no items were chosen."))
    with store.write(actor.user_id) as tx:
        onboarding, template = open_onboarding(tx.session, actor, onboarding_id)
        states = {
            row.item_key: row
            for row in tx.session.exec(
                select(ItemStateRow).where(ItemStateRow.onboarding_id == onboarding_id)
            )
        }
        language = current_language()
        signed = {key for key, row in states.items() if row.signed_at}
        today = tx.wall.astimezone().date()
        for key in item_keys:
            item = item_or_refuse(template, key)
            state = states.get(key)
            title = item.title.get(language)
            if state is None or state.mark is None:
                raise InputError(
                    _("{item} has not been walked through yet, so it cannot be signed.").format(
                        item=title
                    )
                )
            if state.signed_at:
                raise InputError(_("{item} is already signed off.").format(item=title))
            if item.needs_practical and state.mark == Mark.WALKED_THROUGH.value:
                raise InputError(
                    _("{item} must be practised, not only explained, before it is signed.").format(
                        item=title
                    )
                )
            mark = Mark(state.mark)
            if mark is not Mark.NOT_APPLICABLE:
                waiting = waiting_problem(template, item, signed)
                if waiting:
                    raise InputError(waiting)
            proof = Proof.from_dict(json.loads(state.evidence)) if state.evidence else None
            problem = proof_problem(item, mark, proof, today)
            if problem:
                raise InputError(problem)
        if acknowledged_name is not None:
            person = get_row(tx.session, PersonRow, onboarding.person_id)
            _emit_acknowledgement(
                tx, onboarding_id, person.name, acknowledged_name, item_keys, comment
            )
        keys = sorted(set(item_keys))
        tx.emit(
            EventType.ITEMS_SIGNED_OFF,
            onboarding_id,
            {"item_keys": keys, "basis": {key: states[key].last_event_id for key in keys}},
        )


def revoke(
    store: Store, actor: Actor, onboarding_id: str, item_key: str, reason: str, pin: str
) -> None:
    """Take back a sign-off, with the PIN as when signing; the reason is kept in the history."""
    require_role(actor, *SIGNING_ROLES)
    reason = checked_text(reason, _("The reason for revoking"))
    check_pin(store, actor, pin, _("Nothing was revoked."))
    record_revocation(store, actor, onboarding_id, item_key, reason)


def record_revocation(
    store: Store, actor: Actor, onboarding_id: str, item_key: str, reason: str
) -> None:
    """`revoke` once the PIN is checked."""
    require_role(actor, *SIGNING_ROLES)
    reason = checked_text(reason, _("The reason for revoking"))
    with store.write(actor.user_id) as tx:
        _onboarding, template = open_onboarding(tx.session, actor, onboarding_id)
        item = item_or_refuse(template, item_key)
        state = item_state(tx.session, onboarding_id, item_key)
        if state is None or not state.signed_at:
            raise PermissionRefused(
                _("{item} is not signed off, so there is nothing to revoke.").format(
                    item=item.title.get(current_language())
                )
            )
        tx.emit(
            EventType.SIGN_OFF_REVOKED,
            onboarding_id,
            {"item_key": item_key, "reason": reason, "basis": state.last_event_id},
        )
