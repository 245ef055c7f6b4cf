"""Delegation of health-care tasks by a nurse (SOSFS 1997:14): give, answer, end, renew.

A nurse (or physiotherapist, occupational therapist) who works in the person's unit
delegates named tasks of the municipality's list for a window of days of at most
`max_months`, and signs with their PIN. The person accepts by typing their name, or
declines with a reason: nothing is valid until accepted, and nobody is given a
delegation against their will. It ends by itself on its last day, when the person
leaves the job or the nurse's account ends, and the nurse or a manager can revoke
it at any time with a reason. A renewal is a new delegation; the old one stays in
the history. The reading side (`Delegation`, `list_delegations`) is in
`delegation_views`.
"""

from __future__ import annotations

import calendar
import uuid
from datetime import date
from pathlib import Path

from sqlmodel import select

from handledare.checklists.task_list import Task, bundled_task_file, load_task_file
from handledare.domain.actor import Actor
from handledare.domain.enums import DelegationStatus, Role
from handledare.domain.events import EventType
from handledare.errors import InputError, PermissionRefused
from handledare.i18n import _, format_date
from handledare.security import require_admin, require_role, require_unit
from handledare.services.common import checked_text, get_row
from handledare.services.delegation_views import Delegation, read_delegation, task_titles
from handledare.services.signoff import check_pin
from handledare.store.eventlog import Store, Transaction
from handledare.store.tables import DelegationRow, PersonRow, UserRow
from handledare.text import fold

DEFAULT_MAX_MONTHS = 12
TASK_LIST_ENTITY = "delegation-tasks"
# Who may end a delegation before its time.
REVOKING_ROLES = (Role.NURSE, Role.MANAGER)


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day where it is shorter)."""
    years, index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def last_allowed_day(valid_from: date, max_months: int = DEFAULT_MAX_MONTHS) -> date:
    """A delegation from 1 March can last through the last day of February a year on."""
    return date.fromordinal(add_months(valid_from, max_months).toordinal() - 1)


# ----- the task list -------------------------------------------------------------


def import_tasks(store: Store, actor: Actor, path: Path | None = None) -> int:
    """Import the municipality's task list (the bundled one without a path); return how many
    tasks are new or retitled. Keys never go away: a delegation names them for years."""
    require_admin(actor)
    tasks = load_task_file(path or bundled_task_file())
    with store.write(actor.user_id) as tx:
        known = task_titles(tx.session)
        changed = [task for task in tasks if known.get(task.key) != task.title]
        if changed:
            tx.emit(
                EventType.TASKS_IMPORTED,
                TASK_LIST_ENTITY,
                {"tasks": [{"key": t.key, "title": t.title.as_dict()} for t in changed]},
            )
    return len(changed)


def list_tasks(store: Store) -> list[Task]:
    with store.read() as session:
        return [Task(key, title) for key, title in sorted(task_titles(session).items())]


# ----- giving and answering ----------------------------------------------------


def _check_window(valid_from: date, valid_until: date, today: date, max_months: int) -> None:
    if valid_from < today:
        raise InputError(_("A delegation starts today at the earliest; it cannot be dated back."))
    if valid_until < valid_from:
        raise InputError(_("The last day comes before the first day."))
    last = last_allowed_day(valid_from, max_months)
    if valid_until > last:
        raise InputError(
            _(
                "A delegation lasts at most {months} months: from {first} the last day "
                "can be {last}."
            ).format(months=max_months, first=format_date(valid_from), last=format_date(last))
        )


def _checked_tasks(tx: Transaction, task_keys: list[str]) -> list[str]:
    keys = sorted(set(task_keys))
    if not keys:
        raise InputError(_("Name at least one task to delegate."))
    known = task_titles(tx.session)
    unknown = [key for key in keys if key not in known]
    if unknown:
        raise InputError(
            _("No task called {keys} is on the list; the list has: {known}.").format(
                keys=", ".join(unknown), known=", ".join(sorted(known)) or "—"
            )
        )
    return keys


def _delegating_nurse(actor: Actor, person: PersonRow, valid_from: date) -> None:
    require_role(actor, Role.NURSE)
    require_unit(actor, person.unit_id)
    if person.left_on is not None and date.fromisoformat(person.left_on) < valid_from:
        raise InputError(
            _("{name} has left the job; nothing can be delegated to them.").format(name=person.name)
        )


def give(
    store: Store,
    actor: Actor,
    person_id: str,
    task_keys: list[str],
    valid_from: date,
    valid_until: date,
    pin: str,
    conditions: str | None = None,
    max_months: int = DEFAULT_MAX_MONTHS,
) -> str:
    """The nurse's written decision, signed with their PIN; valid once the person accepts."""
    require_role(actor, Role.NURSE)
    check_pin(store, actor, pin, _("Nothing was delegated."))
    with store.write(actor.user_id) as tx:
        return _grant(tx, actor, person_id, task_keys, valid_from, valid_until, conditions,
                      max_months)  # fmt: skip


def _grant(
    tx: Transaction,
    actor: Actor,
    person_id: str,
    task_keys: list[str],
    valid_from: date,
    valid_until: date,
    conditions: str | None,
    max_months: int,
    renews: str | None = None,
) -> str:
    person = get_row(tx.session, PersonRow, person_id)
    _delegating_nurse(actor, person, valid_from)
    _check_window(valid_from, valid_until, tx.wall.astimezone().date(), max_months)
    payload = {
        "person_id": person.id,
        "person_name": person.name,
        "unit_id": person.unit_id,
        "tasks": _checked_tasks(tx, task_keys),
        "valid_from": valid_from.isoformat(),
        "valid_until": valid_until.isoformat(),
        "profession": get_row(tx.session, UserRow, actor.user_id).profession,
    }
    if conditions and conditions.strip():
        payload["conditions"] = checked_text(conditions, _("The conditions"))
    if renews:
        payload["renews"] = renews
    delegation_id = str(uuid.uuid4())
    tx.emit(EventType.DELEGATION_GRANTED, delegation_id, payload)
    return delegation_id


def _open(tx: Transaction, actor: Actor, delegation_id: str) -> DelegationRow:
    row = tx.session.get(DelegationRow, delegation_id)
    if row is None:
        raise InputError(_("There is no delegation with id {id}.").format(id=delegation_id))
    require_unit(actor, row.unit_id)
    return row


def _awaiting(tx: Transaction, row: DelegationRow) -> Delegation:
    delegation = read_delegation(tx.session, row)
    if delegation.status is not DelegationStatus.AWAITING:
        raise InputError(
            _("This delegation is {status}; it can no longer be answered.").format(
                status=delegation.status.label
            )
        )
    end = delegation.end_without_revocation()
    if end is not None and end < tx.wall.astimezone().date():
        raise InputError(_("This delegation has already ended; it can no longer be accepted."))
    return delegation


def accept(store: Store, actor: Actor, delegation_id: str, typed_name: str) -> None:
    """The person accepts, typing their full name on the screen of whoever is signed in."""
    with store.write(actor.user_id) as tx:
        row = _open(tx, actor, delegation_id)
        _awaiting(tx, row)
        person = get_row(tx.session, PersonRow, row.person_id)
        if fold(typed_name or "") != fold(person.name):
            raise InputError(
                _(
                    "The typed name does not match the registered name. The person types "
                    "their full name as registered."
                )
            )
        tx.emit(
            EventType.DELEGATION_ACCEPTED,
            delegation_id,
            {"typed_name": typed_name, "basis": row.last_event_id},
        )


def decline(store: Store, actor: Actor, delegation_id: str, reason: str) -> None:
    """The person says no, with a reason: a delegation is never given against someone's will."""
    reason = checked_text(reason, _("The reason for declining"))
    with store.write(actor.user_id) as tx:
        row = _open(tx, actor, delegation_id)
        _awaiting(tx, row)
        tx.emit(
            EventType.DELEGATION_DECLINED,
            delegation_id,
            {"reason": reason, "basis": row.last_event_id},
        )


# ----- ending and renewing -----------------------------------------------------


def revoke(store: Store, actor: Actor, delegation_id: str, reason: str, pin: str) -> None:
    """The nurse or a manager ends a delegation now, with a reason and their PIN."""
    require_role(actor, *REVOKING_ROLES)
    reason = checked_text(reason, _("The reason for revoking"))
    check_pin(store, actor, pin, _("Nothing was revoked."))
    with store.write(actor.user_id) as tx:
        row = _open(tx, actor, delegation_id)
        if row.status in (DelegationStatus.DECLINED.value, DelegationStatus.REVOKED.value):
            raise PermissionRefused(
                _("This delegation is {status}, so there is nothing to revoke.").format(
                    status=DelegationStatus(row.status).label
                )
            )
        tx.emit(
            EventType.DELEGATION_REVOKED,
            delegation_id,
            {"reason": reason, "basis": row.last_event_id},
        )


def renew(
    store: Store,
    actor: Actor,
    delegation_id: str,
    valid_from: date,
    valid_until: date,
    pin: str,
    conditions: str | None = None,
    max_months: int = DEFAULT_MAX_MONTHS,
) -> str:
    """A new delegation of the same tasks to the same person; the old one stays as it was.

    The new one needs the person's acceptance like any other.
    """
    require_role(actor, Role.NURSE)
    check_pin(store, actor, pin, _("Nothing was renewed."))
    with store.write(actor.user_id) as tx:
        row = _open(tx, actor, delegation_id)
        if row.status != DelegationStatus.ACCEPTED.value:
            raise InputError(
                _("Only an accepted delegation can be renewed; this one is {status}.").format(
                    status=DelegationStatus(row.status).label
                )
            )
        if row.renewed_by is not None:
            raise InputError(_("This delegation has already been renewed."))
        tasks = read_delegation(tx.session, row).task_keys
        new_id = _grant(tx, actor, row.person_id, list(tasks), valid_from, valid_until,
                        conditions, max_months, renews=row.id)  # fmt: skip
        tx.emit(
            EventType.DELEGATION_RENEWED,
            row.id,
            {"delegation_id": new_id, "basis": row.last_event_id},
        )
    return new_id


def resolve_conflict(
    store: Store, actor: Actor, delegation_id: str, conflict_key: str, note: str
) -> None:
    """Record that a nurse or manager has looked at a conflict and how it was settled."""
    require_role(actor, *REVOKING_ROLES)
    note = checked_text(note, _("What was decided"))
    with store.write(actor.user_id) as tx:
        row = _open(tx, actor, delegation_id)
        if conflict_key not in read_delegation(tx.session, row).conflicts:
            raise InputError(_("This conflict has already been resolved."))
        tx.emit(
            EventType.DELEGATION_CONFLICT_RESOLVED,
            delegation_id,
            {"conflict": conflict_key, "note": note},
        )


def find_delegation_id(store: Store, actor: Actor, text: str) -> str:
    """A delegation by its id, or by the first characters of it (as lists show them)."""
    text = text.strip().lower()
    with store.read() as session:
        ids = [
            row.id
            for row in session.exec(select(DelegationRow).where(DelegationRow.id.startswith(text)))
            if actor.covers_unit(row.unit_id)
        ]
    if len(ids) != 1 or len(text) < 4:
        raise InputError(
            _("No single delegation has an id starting with {text}.").format(text=text)
        )
    return ids[0]
