""" "Who was allowed to do X on date D", and its reverse, "what was this person allowed on D".

The first question an inspector (IVO) or a Lex Sarah investigation asks. The answer is
read from the history, not from today's state: a delegation's window of days (see
`delegation_views`), and each sign-off from the day it was signed to its expiry or
its revocation, whichever came first, as the event log records them. Every answer
says who signed or delegated, when, and on which workstation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import col, select

from handledare.domain.actor import Actor
from handledare.domain.enums import Mark, Role
from handledare.domain.events import EventType
from handledare.domain.validity import Window
from handledare.i18n import N_, _, current_language, format_date
from handledare.security import require_role
from handledare.services.delegation_views import list_delegations, local_day, task_titles
from handledare.services.exports import marks_signed
from handledare.store.eventlog import Store
from handledare.store.tables import EventRow, OnboardingRow, PersonRow, UnitRow, UserRow
from handledare.store.templates import template_of

ASKING_ROLES = (Role.MANAGER, Role.NURSE, Role.ADMIN)
DELEGATION, SIGN_OFF = "delegation", "sign_off"
GROUNDS = {DELEGATION: N_("delegation"), SIGN_OFF: N_("sign-off")}


@dataclass(frozen=True)
class Allowance:
    """One ground on which a person was allowed a task for a window of days."""

    person_id: str
    person_name: str
    unit_id: str
    unit_name: str
    task_key: str
    task_title: str
    kind: str  # DELEGATION or SIGN_OFF
    by: str
    at: datetime
    workstation: str
    window: Window
    reference: str  # the delegation, or the onboarding

    @property
    def ground(self) -> str:
        """The kind of ground, in words."""
        return _(GROUNDS[self.kind])

    def days_text(self) -> str:
        """The days it held: "1 mars 2027 – 31 aug. 2027", open-ended without a last day."""
        last = format_date(self.window.last) if self.window.last else ""
        return f"{format_date(self.window.first)} – {last}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "person": self.person_name,
            "person_id": self.person_id,
            "unit": self.unit_name,
            "task": self.task_key,
            "title": self.task_title,
            "kind": self.kind,
            "by": self.by,
            "at": self.at.astimezone().isoformat(timespec="seconds"),
            "workstation": self.workstation,
            "from": self.window.first.isoformat(),
            "until": self.window.last.isoformat() if self.window.last else None,
            "reference": self.reference,
        }


def allowed_on(
    store: Store, actor: Actor, task_key: str, day: date, unit_id: str | None = None
) -> list[Allowance]:
    """Everyone who held a valid delegation or sign-off for the task on `day`."""
    require_role(actor, *ASKING_ROLES)
    found = [
        a
        for a in allowances(store, actor, unit_id=unit_id)
        if a.task_key == task_key and a.window.holds_on(day)
    ]
    return sorted(found, key=lambda a: (a.person_name, a.kind, a.at))


def allowed_for_person(store: Store, actor: Actor, person_id: str, day: date) -> list[Allowance]:
    """Every task the person was allowed on `day`, and on what grounds."""
    require_role(actor, *ASKING_ROLES)
    found = [a for a in allowances(store, actor, person_id=person_id) if a.window.holds_on(day)]
    return sorted(found, key=lambda a: (a.task_title, a.kind, a.at))


@dataclass(frozen=True)
class TaskChoice:
    """A task one can ask about: a delegation task, or an item of a checklist."""

    key: str
    title: str
    kind: str  # DELEGATION or SIGN_OFF


def tasks_in_scope(
    store: Store, actor: Actor, unit_id: str | None = None, *, tracked_only: bool = False
) -> list[TaskChoice]:
    """The items of the checklists started in the actor's units (or one unit), in checklist
    order, then the municipality's delegation tasks by title; with `tracked_only`, only
    the items that run out (`valid_for_days`) or need a delegated task."""
    language = current_language()
    query = select(OnboardingRow.template_id, OnboardingRow.template_version).distinct()
    if unit_id is not None:
        query = query.where(OnboardingRow.unit_id == unit_id)
    if not actor.is_admin:
        query = query.where(col(OnboardingRow.unit_id).in_(actor.unit_ids))
    found: dict[str, TaskChoice] = {}
    with store.read() as session:
        for template_id, version in sorted(session.exec(query).all()):
            for item in template_of(session, template_id, version).items():
                tracked = item.valid_for_days or item.delegation
                if (tracked or not tracked_only) and item.key not in found:
                    found[item.key] = TaskChoice(item.key, item.title.get(language), SIGN_OFF)
        tasks = task_titles(session)
    for key, title in sorted(tasks.items(), key=lambda pair: pair[1].get(language)):
        found.setdefault(key, TaskChoice(key, title.get(language), DELEGATION))
    return list(found.values())


def allowances(
    store: Store, actor: Actor, *, person_id: str | None = None, unit_id: str | None = None
) -> list[Allowance]:
    """Every window of days on which someone held a task, whatever the day: what "allowed
    on D" picks from and what the training matrix folds into states."""
    return [
        *_delegated(store, actor, person_id=person_id, unit_id=unit_id),
        *signed_windows(store, actor, person_id=person_id, unit_id=unit_id),
    ]


def _delegated(
    store: Store, actor: Actor, *, person_id: str | None = None, unit_id: str | None = None
) -> list[Allowance]:
    language = current_language()
    found = []
    for d in list_delegations(store, actor, person_id=person_id, unit_id=unit_id):
        window = d.window()
        if window is None:
            continue
        for key, title in zip(d.task_keys, d.task_titles, strict=True):
            found.append(
                Allowance(
                    d.person_id, d.person_name, d.unit_id, d.unit_name, key,
                    title.get(language), DELEGATION, d.nurse_name, d.signed_at,
                    d.signed_workstation, window, d.id,
                )
            )  # fmt: skip
    return found


def signed_windows(
    store: Store, actor: Actor, *, person_id: str | None = None, unit_id: str | None = None
) -> list[Allowance]:
    """Each sign-off as a window of days, from the log: signed, then expired or revoked.
    A signed "not applicable" allows nothing."""
    query = (
        select(EventRow, OnboardingRow, PersonRow.name, UnitRow.name)
        .join(OnboardingRow, col(OnboardingRow.id) == col(EventRow.entity_id))
        .join(PersonRow, col(PersonRow.id) == col(OnboardingRow.person_id))
        .join(UnitRow, col(UnitRow.id) == col(OnboardingRow.unit_id))
        .where(col(EventRow.type).in_([EventType.ITEMS_SIGNED_OFF, EventType.SIGN_OFF_REVOKED]))
        .order_by(EventRow.hlc, EventRow.workstation_id, EventRow.id)
    )
    if person_id is not None:
        query = query.where(OnboardingRow.person_id == person_id)
    if unit_id is not None:
        query = query.where(OnboardingRow.unit_id == unit_id)
    if not actor.is_admin:
        query = query.where(col(OnboardingRow.unit_id).in_(actor.unit_ids))
    language = current_language()
    with store.read() as session:
        names = dict(session.exec(select(UserRow.id, UserRow.name)).all())
        rows = session.exec(query).all()
        marks = marks_signed(session, [event for event, *_rest in rows])
        open_: dict[tuple[str, str], Allowance] = {}
        found: list[Allowance] = []
        for event, onboarding, person_name, unit_name in rows:
            template = template_of(session, onboarding.template_id, onboarding.template_version)
            data = json.loads(event.payload)
            day = local_day(event.wall_time)
            if event.type == EventType.SIGN_OFF_REVOKED:
                held = open_.pop((onboarding.id, data["item_key"]), None)
                if held is not None:
                    found.remove(held)
                    found.append(_cut(held, day))
                continue
            for key in data["item_keys"]:
                mark = marks.get((event.id, key), {}).get("mark")
                item = template.item(key)
                if mark == Mark.NOT_APPLICABLE.value or item is None:
                    continue
                days = item.valid_for_days
                allowance = Allowance(
                    onboarding.person_id, person_name, onboarding.unit_id, unit_name, key,
                    item.title.get(language), SIGN_OFF, names.get(event.actor_id or "", "?"),
                    datetime.fromisoformat(event.wall_time), event.workstation_id,
                    Window(day, day + timedelta(days=days) if days else None), onboarding.id,
                )  # fmt: skip
                open_[(onboarding.id, key)] = allowance
                found.append(allowance)
    return found


def _cut(allowance: Allowance, last: date) -> Allowance:
    return replace(allowance, window=allowance.window.cut(last))
