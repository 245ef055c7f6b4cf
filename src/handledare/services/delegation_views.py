"""Delegations as people read them: who, what, the window of days and how it ended.

The days a delegation holds are a function of its row and of two facts beside it: the
person's last day of employment and the nurse's last day with an account. Every list,
"who was allowed on D" and the inspection pack read them through `Delegation.window`,
so none of them can disagree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from handledare.domain.actor import Actor
from handledare.domain.enums import DelegationStatus, Profession
from handledare.domain.template import Text
from handledare.domain.validity import DEFAULT_WARNING_DAYS, Validity, Window
from handledare.errors import NotFoundError
from handledare.i18n import N_, _, current_language, format_date
from handledare.store.eventlog import Store
from handledare.store.tables import (
    DelegationConflictRow,
    DelegationRow,
    DelegationTaskLinkRow,
    DelegationTaskRow,
    PersonRow,
    UnitRow,
    UserRow,
)

# Why a delegation stopped before its last day, in the words lists use.
ENDS = {
    "revoked": N_("revoked"),
    "left": N_("the person left the job"),
    "nurse_ended": N_("the delegating account ended"),
}


def local_day(wall_time: str) -> date:
    return datetime.fromisoformat(wall_time).astimezone().date()


def task_titles(session: Session) -> dict[str, Text]:
    return {
        row.key: Text.of(json.loads(row.title)) for row in session.exec(select(DelegationTaskRow))
    }


@dataclass(frozen=True)
class Delegation:
    id: str
    person_id: str
    person_name: str
    unit_id: str
    unit_name: str
    nurse_id: str
    nurse_name: str
    profession: Profession | None
    task_keys: tuple[str, ...]
    task_titles: tuple[Text, ...]
    valid_from: date
    valid_until: date
    conditions: str | None
    status: DelegationStatus
    signed_at: datetime
    signed_workstation: str
    answered_at: datetime | None
    answered_workstation: str | None
    answer_reason: str | None
    revoked_at: datetime | None
    revoked_by: str | None
    revoke_reason: str | None
    renews: str | None
    renewed_by: str | None
    person_left_on: date | None
    nurse_ended_on: date | None
    conflicts: tuple[str, ...] = ()

    @property
    def short_id(self) -> str:
        return self.id[:8]

    @property
    def was_accepted(self) -> bool:
        return self.answered_at is not None and self.status is not DelegationStatus.DECLINED

    def end_without_revocation(self) -> date | None:
        """The last day by date, by the person leaving or by the nurse's account ending."""
        return min(d for d in (self.valid_until, self.person_left_on, self.nurse_ended_on) if d)

    def window(self) -> Window | None:
        """The days it held or holds; None if it was never accepted (so never valid)."""
        if self.answered_at is None or self.status is DelegationStatus.DECLINED:
            return None
        first = max(self.valid_from, self.answered_at.astimezone().date())
        window = Window(first, self.valid_until)
        for end in (self.person_left_on, self.nurse_ended_on):
            window = window.cut(end)
        if self.revoked_at is not None:
            window = window.cut(self.revoked_at.astimezone().date())
        return window if window.last is None or window.first <= window.last else None

    def ended_early(self) -> str | None:
        """Why it stopped before its last day (a key of ENDS), if it did."""
        ends = {
            "revoked": self.revoked_at.astimezone().date() if self.revoked_at else None,
            "left": self.person_left_on,
            "nurse_ended": self.nurse_ended_on,
        }
        found = [(day, why) for why, day in ends.items() if day and day < self.valid_until]
        return min(found)[1] if found else None

    def state(self, today: date, warning_days: int = DEFAULT_WARNING_DAYS) -> Validity | None:
        window = self.window()
        return window.state(today, warning_days) if window else None

    def shown(self, today: date, warning_days: int = DEFAULT_WARNING_DAYS) -> str:
        """A marker and words: its validity once accepted, else where it stands."""
        if self.status in (DelegationStatus.AWAITING, DelegationStatus.DECLINED):
            marker = "?" if self.status is DelegationStatus.AWAITING else "✗"
            return f"{marker} {self.status.label}"
        state = self.state(today, warning_days) or Validity.EXPIRED
        why = self.ended_early()
        if state is Validity.EXPIRED and why:
            return f"{state.shown()} ({_(ENDS[why])})"
        return state.shown()

    def tasks_text(self) -> str:
        language = current_language()
        return "; ".join(title.get(language) for title in self.task_titles)

    def period_text(self) -> str:
        return f"{format_date(self.valid_from)} – {format_date(self.valid_until)}"


def read_delegation(session: Session, row: DelegationRow) -> Delegation:
    return _read(session, [row])[0]


def delegations_of_person(session: Session, person_id: str) -> list[Delegation]:
    """All of one person's delegations, in any state (inside a caller's read)."""
    rows = session.exec(select(DelegationRow).where(col(DelegationRow.person_id) == person_id))
    return _read(session, list(rows))


def _read(session: Session, rows: list[DelegationRow]) -> list[Delegation]:
    if not rows:
        return []
    ids = [row.id for row in rows]
    titles = task_titles(session)
    links: dict[str, list[str]] = {}
    for link in session.exec(
        select(DelegationTaskLinkRow)
        .where(col(DelegationTaskLinkRow.delegation_id).in_(ids))
        .order_by(DelegationTaskLinkRow.task_key)
    ):
        links.setdefault(link.delegation_id, []).append(link.task_key)
    conflicts: dict[str, list[str]] = {}
    for conflict in session.exec(
        select(DelegationConflictRow).where(col(DelegationConflictRow.delegation_id).in_(ids))
    ):
        conflicts.setdefault(conflict.delegation_id, []).append(conflict.event_id)
    users = {user.id: user for user in session.exec(select(UserRow))}
    units = dict(session.exec(select(UnitRow.id, UnitRow.name)).all())
    left = dict(
        session.exec(
            select(PersonRow.id, PersonRow.left_on).where(
                col(PersonRow.id).in_({row.person_id for row in rows})
            )
        ).all()
    )
    found = []
    for row in rows:
        nurse = users.get(row.nurse_id)
        keys = tuple(links.get(row.id, ()))
        found.append(
            Delegation(
                id=row.id,
                person_id=row.person_id,
                person_name=row.person_name,
                unit_id=row.unit_id,
                unit_name=units.get(row.unit_id, "?"),
                nurse_id=row.nurse_id,
                nurse_name=nurse.name if nurse else "?",
                profession=Profession(nurse.profession) if nurse and nurse.profession else None,
                task_keys=keys,
                task_titles=tuple(titles.get(key, Text.of({"sv": key})) for key in keys),
                valid_from=date.fromisoformat(row.valid_from),
                valid_until=date.fromisoformat(row.valid_until),
                conditions=row.conditions,
                status=DelegationStatus(row.status),
                signed_at=datetime.fromisoformat(row.signed_at),
                signed_workstation=row.signed_workstation,
                answered_at=_when(row.answered_at),
                answered_workstation=row.answered_workstation,
                answer_reason=row.answer_reason,
                revoked_at=_when(row.revoked_at),
                revoked_by=users[row.revoked_by].name if row.revoked_by in users else None,
                revoke_reason=row.revoke_reason,
                renews=row.renews,
                renewed_by=row.renewed_by,
                person_left_on=_day(left.get(row.person_id)),
                nurse_ended_on=_day(nurse.ended_on if nurse else None),
                conflicts=tuple(sorted(conflicts.get(row.id, ()))),
            )
        )
    return found


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def list_delegations(
    store: Store,
    actor: Actor,
    *,
    person_id: str | None = None,
    nurse_id: str | None = None,
    unit_id: str | None = None,
    task_key: str | None = None,
) -> list[Delegation]:
    """Delegations in the actor's units, newest first, narrowed as asked."""
    query = select(DelegationRow).order_by(col(DelegationRow.signed_at).desc())
    if person_id is not None:
        query = query.where(DelegationRow.person_id == person_id)
    if nurse_id is not None:
        query = query.where(DelegationRow.nurse_id == nurse_id)
    if unit_id is not None:
        query = query.where(DelegationRow.unit_id == unit_id)
    if task_key is not None:
        query = query.where(
            col(DelegationRow.id).in_(
                select(DelegationTaskLinkRow.delegation_id).where(
                    DelegationTaskLinkRow.task_key == task_key
                )
            )
        )
    if not actor.is_admin:
        query = query.where(col(DelegationRow.unit_id).in_(actor.unit_ids))
    with store.read() as session:
        return _read(session, list(session.exec(query)))


def get_delegation(store: Store, actor: Actor, delegation_id: str) -> Delegation:
    found = [d for d in list_delegations(store, actor) if d.id == delegation_id]
    if not found:
        raise NotFoundError(_("There is no delegation with id {id}.").format(id=delegation_id))
    return found[0]


def expiring(
    store: Store,
    actor: Actor,
    today: date,
    warning_days: int = DEFAULT_WARNING_DAYS,
    *,
    nurse_id: str | None = None,
    unit_id: str | None = None,
) -> list[Delegation]:
    """Accepted delegations, not renewed, that expire within the warning period, soonest
    first: what a nurse or manager must act on."""
    found: list[tuple[date, Delegation]] = []
    for delegation in list_delegations(store, actor, nurse_id=nurse_id, unit_id=unit_id):
        window = delegation.window()
        if (
            window is not None
            and window.last is not None
            and delegation.renewed_by is None
            and delegation.status is DelegationStatus.ACCEPTED
            and window.state(today, warning_days) is Validity.EXPIRING
        ):
            found.append((window.last, delegation))
    found.sort(key=lambda pair: (pair[0], pair[1].person_name))
    return [delegation for _last, delegation in found]


def by_urgency(
    delegations: list[Delegation], today: date, warning_days: int = DEFAULT_WARNING_DAYS
) -> list[Delegation]:
    """A list to act on: what expires within the warning period first (soonest first), then
    what waits for an answer, what holds, what starts later, and what has ended."""

    def rank(delegation: Delegation) -> tuple[int, str, str]:
        window = delegation.window()
        state = delegation.state(today, warning_days)
        if state is Validity.EXPIRING and delegation.renewed_by is None and window is not None:
            return (0, (window.last or today).isoformat(), delegation.person_name)
        order = {
            None: 1 if delegation.status is DelegationStatus.AWAITING else 5,
            Validity.EXPIRING: 2,
            Validity.CURRENT: 2,
            Validity.NOT_YET: 3,
            Validity.EXPIRED: 4,
        }
        return (order.get(state, 5), delegation.person_name, delegation.valid_from.isoformat())

    return sorted(delegations, key=rank)
