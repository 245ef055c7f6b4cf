"""The inspection timeline: what was decided about one person, or one unit, in a range of days.

What an inspector (IVO) or a Lex Sarah investigation reads first: every
sign-off, revoked sign-off, approval to work alone and step of a delegation
(given, accepted, declined, revoked, renewed) and every person leaving the
job, each with who did it, when and on which workstation. It is read from the
event log, as the sign-off export and "who was allowed on D" are, so it
answers for any past range. `inspection_pack` writes it as PDF and CSV.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import astuple, dataclass, fields
from datetime import date, datetime

from sqlmodel import col, select

from handledare.domain.actor import Actor
from handledare.domain.events import EventType
from handledare.errors import InputError
from handledare.i18n import N_, _
from handledare.services import people, workstations
from handledare.services.delegation_views import Delegation, list_delegations
from handledare.services.exports import (
    local_time,
    onboarding_events_in,
    signoff_rows,
    within,
)
from handledare.store.eventlog import Store
from handledare.store.tables import EventRow, OnboardingRow, PersonRow, UnitRow

# What each kind of row is called in the `event` column; stable for scripts.
EVENT_LABELS = {
    "signed_off": N_("signed off"),
    "revoked": N_("sign-off revoked"),
    "approved": N_("approved to work alone"),
    "delegation_granted": N_("delegation given"),
    "delegation_accepted": N_("delegation accepted"),
    "delegation_declined": N_("delegation declined"),
    "delegation_revoked": N_("delegation revoked"),
    "delegation_renewed": N_("delegation renewed"),
    "left": N_("left the job"),
}
_DELEGATION_CODES = {
    EventType.DELEGATION_GRANTED: "delegation_granted",
    EventType.DELEGATION_ACCEPTED: "delegation_accepted",
    EventType.DELEGATION_DECLINED: "delegation_declined",
    EventType.DELEGATION_REVOKED: "delegation_revoked",
    EventType.DELEGATION_RENEWED: "delegation_renewed",
}


@dataclass(frozen=True)
class TimelineRow:
    """One decision; its fields, in order, are the columns of the pack's CSV."""

    at: datetime  # local time, to the second (as the sign-off export writes it)
    event: str  # a key of EVENT_LABELS
    person: str
    unit: str
    task: str  # an item key, or a delegation's task keys
    title: str
    detail: str
    by: str
    workstation: str
    workstation_name: str
    reference: str  # the onboarding, the delegation or the person

    @property
    def label(self) -> str:
        return _(EVENT_LABELS[self.event])


TIMELINE_COLUMNS = tuple(field.name for field in fields(TimelineRow))


def timeline(
    store: Store,
    actor: Actor,
    first: date,
    last: date,
    *,
    person_id: str | None = None,
    unit_id: str | None = None,
) -> list[TimelineRow]:
    """Every decision about the person or in the unit from `first` to `last`, oldest first."""
    if first > last:
        raise InputError(_("The start date comes after the end date."))
    known = workstations.names(store)
    users: dict[str | None, str] = {user.id: user.name for user in people.list_users(store)}

    def row(
        at: datetime, event: str, workstation: str, person: str, unit: str, by: str, reference: str,
        task: str = "", title: str = "", detail: str = "",
    ) -> TimelineRow:  # fmt: skip
        name = known.get(workstation, "")
        return TimelineRow(
            at, event, person, unit, task, title, detail, by, workstation, name, reference
        )

    rows = [
        row(
            at,
            signed[7],
            signed[11],
            person=signed[0],
            unit=signed[2],
            task=signed[5],
            title=signed[6],
            detail=_sign_off_detail(signed),
            by=signed[9],
            reference=signed[3],
        )
        for at, signed in _sign_off_rows(store, actor, first, last, person_id, unit_id)
        if signed[7] in EVENT_LABELS
    ]
    for event, person, unit, template_id in _approvals(
        store, actor, first, last, person_id, unit_id
    ):
        reason = json.loads(event.payload).get("override_reason")
        rows.append(
            row(
                local_time(event.wall_time),
                "approved",
                event.workstation_id,
                person=person,
                unit=unit,
                by=users.get(event.actor_id, "?"),
                reference=template_id,
                detail=_("with required items open: {reason}").format(reason=reason)
                if reason
                else "",
            )
        )
    delegations = {
        d.id: d for d in list_delegations(store, actor, person_id=person_id, unit_id=unit_id)
    }
    for event in _events(store, list(_DELEGATION_CODES), list(delegations), first, last):
        d = delegations[event.entity_id]
        rows.append(
            row(
                local_time(event.wall_time),
                _DELEGATION_CODES[EventType(event.type)],
                event.workstation_id,
                person=d.person_name,
                unit=d.unit_name,
                task=", ".join(d.task_keys),
                title=d.tasks_text(),
                detail=_delegation_detail(EventType(event.type), d, json.loads(event.payload)),
                by=users.get(event.actor_id, "?"),
                reference=d.id,
            )
        )
    scope = {
        p.id: p for p in people.list_people(store, actor, unit_id) if person_id in (None, p.id)
    }
    for event in _events(store, [EventType.PERSON_LEFT], list(scope), first, last):
        person_row = scope[event.entity_id]
        last_day = json.loads(event.payload)["last_day"]
        rows.append(
            row(
                local_time(event.wall_time),
                "left",
                event.workstation_id,
                person=person_row.name,
                unit=person_row.unit_name,
                detail=_("last day {date}").format(date=last_day),
                by=users.get(event.actor_id, "?"),
                reference=person_row.id,
            )
        )
    order = list(EVENT_LABELS)  # at the same moment: in the order a day's work goes
    return sorted(rows, key=lambda r: (r.at, r.person, order.index(r.event), r.task))


def timeline_csv_rows(rows: Sequence[TimelineRow]) -> list[tuple[str, ...]]:
    return [astuple(r) for r in rows]


def _sign_off_rows(
    store: Store, actor: Actor, first: date, last: date, person_id: str | None, unit_id: str | None
) -> list[tuple[datetime, tuple[str, ...]]]:
    """The sign-off export's rows (columns: `exports.SIGNOFF_COLUMNS`): the time, and every
    cell as text."""
    found = []
    for signed in signoff_rows(store, actor, unit_id, first, last, person_id=person_id):
        at = signed[10]
        assert isinstance(at, datetime)  # the export's `at` is a date and time
        found.append((at, tuple(str(cell) for cell in signed)))
    return found


def _sign_off_detail(signed: tuple[str, ...]) -> str:
    """What the event column does not say already: "not applicable", a reason, the proof,
    as the sign-off export has them (its `state`, `note` and `evidence_detail`)."""
    state = signed[8] if signed[7] == "signed_off" and signed[8] != _("signed off") else ""
    return " — ".join(part for part in (state, signed[13], signed[16]) if part)


def _delegation_detail(kind: EventType, d: Delegation, payload: dict[str, object]) -> str:
    if kind is EventType.DELEGATION_GRANTED:
        text = d.period_text()
        return f"{text} — {d.conditions}" if d.conditions else text
    if kind is EventType.DELEGATION_ACCEPTED:
        return _("accepted as {name}").format(name=payload.get("typed_name", ""))
    if kind is EventType.DELEGATION_RENEWED:
        return _("renewed as {id}").format(id=str(payload.get("delegation_id", ""))[:8])
    return str(payload.get("reason") or "")


def _approvals(
    store: Store,
    actor: Actor,
    first: date,
    last: date,
    person_id: str | None,
    unit_id: str | None,
) -> list[tuple[EventRow, str, str, str]]:
    query = (
        select(EventRow, PersonRow.name, UnitRow.name, OnboardingRow.template_id)
        .join(OnboardingRow, col(OnboardingRow.id) == EventRow.entity_id)
        .join(PersonRow, col(PersonRow.id) == OnboardingRow.person_id)
        .join(UnitRow, col(UnitRow.id) == OnboardingRow.unit_id)
        .where(EventRow.type == EventType.APPROVED)
    )
    query = within(onboarding_events_in(query, actor, unit_id, person_id), first, last)
    with store.read() as session:
        return [
            (event, person, unit, template)
            for event, person, unit, template in session.exec(query).all()
        ]


def _events(
    store: Store, types: list[EventType], entity_ids: list[str], first: date, last: date
) -> list[EventRow]:
    if not entity_ids:
        return []
    query = select(EventRow).where(
        col(EventRow.type).in_(types), col(EventRow.entity_id).in_(entity_ids)
    )
    with store.read() as session:
        return list(session.exec(within(query, first, last)).all())
