"""Which workstations' work this municipality trusts: approving, rejecting and revoking keys.

Each decision is an administrator's, confirmed with their PIN, and an event:
it travels with sync, so every workstation applies an approved folder, skips
a rejected one, and refuses what a revoked key signed after the cut. The
workstation that approves also seals the share key to the approved one (at its
next round); the one that revokes makes a new share key for the others.
"""

from __future__ import annotations

from handledare.domain.actor import Actor
from handledare.domain.events import EventType
from handledare.errors import InputError, NotFoundError
from handledare.i18n import _
from handledare.security import require_admin
from handledare.services.signoff import check_pin
from handledare.store import ingest, share_view
from handledare.store.eventlog import Store
from handledare.sync.status import ShareStatus, WorkstationStatus, share_status
from handledare.sync.trust import TrustState
from handledare.text import fold


def find(store: Store, name_or_id: str) -> WorkstationStatus:
    """A workstation seen on the share, by its id (or the start of it) or its name."""
    workstations = share_status(store).workstations
    wanted = fold(name_or_id)
    matches = [w for w in workstations if w.workstation_id == name_or_id] or [
        w
        for w in workstations
        if fold(w.name) == wanted
        or (len(name_or_id) >= 8 and w.workstation_id.startswith(name_or_id))
    ]
    if not matches:
        raise NotFoundError(
            _("No workstation called {name} has been seen on the share.").format(name=name_or_id)
        )
    if len(matches) > 1:
        raise InputError(
            _("Several workstations are called {name}; use one of these ids: {ids}").format(
                name=name_or_id, ids=", ".join(w.workstation_id for w in matches)
            )
        )
    return matches[0]


def approve(store: Store, actor: Actor, workstation_id: str, pin: str) -> None:
    """Trust the key the workstation's card names: its folder is applied everywhere."""
    _confirmed(store, actor, pin)
    decide(store, actor, workstation_id, EventType.WORKSTATION_APPROVED)


def reject(store: Store, actor: Actor, workstation_id: str, pin: str) -> None:
    """Never apply this key's folder; it is no longer shown as waiting."""
    _confirmed(store, actor, pin)
    decide(store, actor, workstation_id, EventType.WORKSTATION_REJECTED)


def revoke(store: Store, actor: Actor, workstation_id: str, pin: str, reason: str) -> None:
    """A workstation stolen or retired: what its key signed up to the last batch applied
    here stays; whatever it signs later is refused everywhere."""
    _confirmed(store, actor, pin)
    decide(store, actor, workstation_id, EventType.WORKSTATION_REVOKED, reason)


def _confirmed(store: Store, actor: Actor, pin: str) -> None:
    require_admin(actor)
    check_pin(store, actor, pin, _("Nothing was changed."))


def decide(
    store: Store,
    actor: Actor,
    workstation_id: str,
    kind: EventType,
    reason: str | None = None,
) -> None:
    """Record an administrator's decision once their PIN is checked (by `approve`, `reject`
    or `revoke`, or by the command line's sign-in)."""
    require_admin(actor)
    why = reason.strip() if reason else ""
    if kind is EventType.WORKSTATION_REVOKED and not why:
        raise InputError(_("Say why the workstation's key is revoked."))
    workstation = _seen(share_status(store), workstation_id)
    _check(workstation, kind)
    folder = share_view.folders(store)[workstation_id]
    payload: dict[str, object] = {
        "key_id": folder.key_id,
        "public_key": folder.public_key,
        "name": workstation.name,
        "machine": workstation.machine,
    }
    if kind is EventType.WORKSTATION_REVOKED:
        last = ingest.applied_up_to(store, [workstation_id]).get(workstation_id, (0, None))
        payload.update(last_sequence=last[0], last_sha256=last[1], reason=why)
    with store.write(actor.user_id) as tx:
        tx.emit(kind, workstation_id, payload)
        if kind is EventType.WORKSTATION_REVOKED:
            # What is written after this is encrypted with a new share key that the
            # revoked workstation is never given.
            share_view.request_rotation(tx.session)


def _seen(status: ShareStatus, workstation_id: str) -> WorkstationStatus:
    for workstation in status.workstations:
        if workstation.workstation_id == workstation_id:
            return workstation
    raise NotFoundError(
        _("No workstation called {name} has been seen on the share.").format(name=workstation_id)
    )


def _check(workstation: WorkstationStatus, kind: EventType) -> None:
    state = workstation.state
    if state is TrustState.OWN:
        raise InputError(_("A workstation cannot decide on its own key; ask another one."))
    if workstation.key is None:
        raise InputError(
            _(
                "{name} has no signed card on the share yet (an older version?); "
                "it can be approved once it has synced with this version."
            ).format(name=workstation.name)
        )
    if kind is EventType.WORKSTATION_REVOKED:
        if state not in (TrustState.APPROVED, TrustState.ROOT):
            raise InputError(_("Only an approved workstation's key can be revoked."))
    elif state is TrustState.REVOKED:
        raise InputError(
            _("{name}'s key was revoked; it can join again only with a new data folder.").format(
                name=workstation.name
            )
        )
    elif kind is EventType.WORKSTATION_APPROVED and state in (TrustState.APPROVED, TrustState.ROOT):
        raise InputError(_("{name} is already approved.").format(name=workstation.name))
    elif kind is EventType.WORKSTATION_REJECTED and state is TrustState.REJECTED:
        raise InputError(_("{name} is already rejected.").format(name=workstation.name))
