"""Onboardings: start one, mark items during a walkthrough, add notes, see progress."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from handledare.domain.actor import Actor
from handledare.domain.enums import Mark, OnboardingStatus, Role, Step
from handledare.domain.events import EventType
from handledare.domain.evidence import Proof, proof_problem
from handledare.domain.template import Item, Template
from handledare.errors import InputError, NotFoundError, PermissionRefused
from handledare.i18n import _, current_language
from handledare.security import require_unit
from handledare.services.common import (
    checked_text,
    get_row,
    item_or_refuse,
    item_state,
    open_onboarding,
    signed_keys,
    waiting_problem,
)
from handledare.services.delegation_needs import held_back
from handledare.services.onboarding_records import HistoryEntry as HistoryEntry  # for the screens
from handledare.services.onboarding_records import ItemState as ItemState
from handledare.services.onboarding_records import Marked as Marked
from handledare.store.eventlog import Store, version_in
from handledare.store.sql import connection_of
from handledare.store.tables import (
    OnboardingRow,
    PersonRow,
    TemplateRow,
)


@dataclass(frozen=True)
class StepProgress:
    step: Step
    total: int
    signed: int


@dataclass(frozen=True)
class Progress:
    onboarding_id: str
    person_id: str
    person_name: str
    template: Template
    status: OnboardingStatus
    states: dict[str, ItemState]
    steps: tuple[StepProgress, ...]
    required_open: tuple[Item, ...]
    approved_at: datetime | None
    approved_by: str | None
    approval_override: str | None
    # Items that wait for others, with the keys of those not signed off yet.
    waiting: dict[str, tuple[str, ...]]
    # What it was read at: the store's version (`Store.version`) and the day it counts for.
    version: int
    day: date

    @property
    def numbers(self) -> dict[str, str]:
        return self.template.numbers()

    def with_mark(self, marked: Marked) -> Progress | None:
        """This progress with the mark, if it was read just before it (nothing else stored
        since, the same day); None if it has to be read again. A mark changes its item and
        the status only: signed items, and so what waits and what is held back, stay."""
        if self.version != marked.version_before or self.day != marked.day:
            return None
        return replace(
            self,
            states={**self.states, marked.state.key: marked.state},
            status=marked.status,
            version=marked.version,
        )

    def ready_to_sign(self) -> list[tuple[str, Item, ItemState]]:
        """Items marked and not signed yet, with their numbers, in checklist order."""
        numbers = self.numbers
        return [
            (numbers[item.key], item, self.states[item.key])
            for item in self.template.items()
            if item.key in self.states
            and self.states[item.key].mark
            and not self.states[item.key].signed
        ]

    @property
    def signed_count(self) -> int:
        return sum(1 for state in self.states.values() if state.counts)

    def lapsed_approval(self, today: date) -> list[tuple[Item, date]]:
        """The required items whose sign-off has expired since the approval to work alone
        (with their last valid day): the approval no longer holds until they are renewed."""
        if self.approved_at is None:
            return []
        found = []
        for item in self.template.items():
            state = self.states.get(item.key)
            if item.required_before_alone and state is not None and state.expires_on:
                last = date.fromisoformat(state.expires_on)
                if last < today:
                    found.append((item, last))
        return found

    @property
    def held_back(self) -> dict[str, str]:
        """Signed items that do not count today, with why."""
        return {key: state.held_back for key, state in self.states.items() if state.held_back}

    @property
    def total(self) -> int:
        return len(self.template.items())

    @property
    def percent(self) -> int:
        return round(100 * self.signed_count / self.total) if self.total else 0

    @property
    def marked_count(self) -> int:
        """Items marked and not signed off yet."""
        return sum(1 for state in self.states.values() if state.mark and not state.signed)

    @property
    def walked_percent(self) -> int:
        """Signed or marked, of all items: how far the walk-through has come, where
        `percent` says how much is signed off."""
        walked = self.signed_count + self.marked_count
        return round(100 * walked / self.total) if self.total else 0


def start_onboarding(
    store: Store,
    actor: Actor,
    person_id: str,
    template_id: str,
    version: int | None = None,
) -> str:
    """Start one substitute on one template version (the newest by default)."""
    with store.write(actor.user_id) as tx:
        person = get_row(tx.session, PersonRow, person_id)
        require_unit(actor, person.unit_id)
        query = select(TemplateRow.version).where(TemplateRow.id == template_id)
        if version is not None:
            query = query.where(TemplateRow.version == version)
        found = tx.session.exec(query.order_by(col(TemplateRow.version).desc())).first()
        if found is None:
            raise NotFoundError(_("There is no template {id}.").format(id=template_id))
        running = tx.session.exec(
            select(OnboardingRow).where(
                OnboardingRow.person_id == person_id,
                OnboardingRow.template_id == template_id,
                OnboardingRow.status != OnboardingStatus.APPROVED.value,
            )
        ).first()
        if running is not None:
            raise InputError(
                _(
                    "{name} already has an onboarding on this checklist that is not finished."
                ).format(name=person.name)
            )
        onboarding_id = str(uuid.uuid4())
        supervisor = actor.user_id if actor.role is Role.SUPERVISOR else None
        tx.emit(
            EventType.ONBOARDING_STARTED,
            onboarding_id,
            {
                "person_id": person_id,
                "template_id": template_id,
                "template_version": found,
                "unit_id": person.unit_id,
                "supervisor_id": supervisor,
            },
        )
    return onboarding_id


def mark_item(
    store: Store,
    actor: Actor,
    onboarding_id: str,
    item_key: str,
    mark: Mark,
    reason: str | None = None,
    evidence: Proof | None = None,
) -> Marked:
    """Record that an item was walked through, practised, or does not apply (with a reason),
    with the proof its kind of evidence needs (certificate, test, document, observer); return
    what was stored."""
    if mark is Mark.NOT_APPLICABLE:
        reason = checked_text(reason, _("The reason why the item does not apply"))
    with store.write(actor.user_id) as tx:
        _onboarding, template = open_onboarding(tx.session, actor, onboarding_id)
        item = item_or_refuse(template, item_key)
        state = item_state(tx.session, onboarding_id, item_key)
        if state is not None and state.signed_at:
            raise PermissionRefused(
                _("{item} is signed off and locked; it can only be revoked with a reason.").format(
                    item=item.title.get(current_language())
                )
            )
        if mark is not Mark.NOT_APPLICABLE:
            waiting = waiting_problem(template, item, signed_keys(tx.session, onboarding_id))
            if waiting:
                raise InputError(waiting)
        problem = proof_problem(item, mark, evidence, tx.wall.astimezone().date())
        if problem:
            raise InputError(problem)
        payload: dict[str, Any] = {
            "item_key": item_key,
            "mark": mark.value,
            "basis": state.last_event_id if state else None,
        }
        if reason:
            payload["reason"] = reason
        if evidence is not None:
            payload["evidence"] = evidence.to_dict()
        before = version_in(tx.session)
        row = tx.emit(EventType.ITEM_MARKED, onboarding_id, payload)
        (status,) = (
            connection_of(tx.session)
            .execute("SELECT status FROM onboardings WHERE id = ?", (onboarding_id,))
            .fetchone()
        )
        return Marked(
            state=_states(tx.session, onboarding_id, item_key)[item_key],
            status=OnboardingStatus(status),
            entry=HistoryEntry.of(
                row.id, row.type, row.wall_time, row.actor_id, row.workstation_id, row.payload
            ),
            version_before=before,
            version=version_in(tx.session),
            day=_local_day(),
        )


def add_note(
    store: Store,
    actor: Actor,
    onboarding_id: str,
    text: str,
    item_key: str | None = None,
    by_substitute: bool = False,
) -> None:
    """A note by the supervisor, or a comment the substitute dictates ("substitute's comment")."""
    text = checked_text(text, _("The note"))
    with store.write(actor.user_id) as tx:
        _onboarding, template = open_onboarding(tx.session, actor, onboarding_id)
        if item_key is not None:
            item_or_refuse(template, item_key)
        tx.emit(
            EventType.NOTE_ADDED,
            onboarding_id,
            {"item_key": item_key, "text": text, "by_substitute": by_substitute},
        )


def _local_day() -> date:
    return datetime.now().astimezone().date()


def _states(
    session: Session, onboarding_id: str, item_key: str | None = None
) -> dict[str, ItemState]:
    """An onboarding's item states (or one item's), as columns, not ORM objects."""
    query = (
        "SELECT item_key, mark, reason, signed_by, signed_at, signed_workstation, expires_on, "
        "evidence FROM item_states WHERE onboarding_id = ?"
    )
    keys: tuple[str, ...] = (onboarding_id,)
    if item_key is not None:
        query, keys = f"{query} AND item_key = ?", (onboarding_id, item_key)
    rows = connection_of(session).execute(query, keys)
    return {
        key: ItemState(
            key=key,
            mark=Mark(mark) if mark else None,
            reason=reason,
            signed_by=signed_by,
            signed_at=datetime.fromisoformat(signed_at) if signed_at else None,
            signed_workstation=workstation,
            expires_on=expires_on,
            evidence=Proof.from_dict(json.loads(evidence)) if evidence else None,
        )
        for key, mark, reason, signed_by, signed_at, workstation, expires_on, evidence in rows
    }


def progress(store: Store, actor: Actor, onboarding_id: str, today: date | None = None) -> Progress:
    """Where an onboarding stands on `today` (the local date by default): an item that
    needs a delegation counts as signed off only while the person holds one."""
    day = today or _local_day()
    with store.read() as session:
        version = version_in(session)  # in the same snapshot as what follows
        onboarding, template = open_onboarding(session, actor, onboarding_id)
        (person_name,) = (
            connection_of(session)
            .execute("SELECT name FROM people WHERE id = ?", (onboarding.person_id,))
            .fetchone()
        )
        states = _states(session, onboarding_id)
        held = held_back(session, onboarding, template, day)
    # Read after every mark in the walkthrough: only the states held back are copied.
    for key, why in held.items():
        states[key] = replace(states[key], held_back=why)
    signed = {key for key, state in states.items() if state.counts}
    items = template.items()
    totals, signed_by_step = (
        Counter(item.step for item in items),
        Counter(item.step for item in items if item.key in signed),
    )
    steps = tuple(StepProgress(step, totals[step], signed_by_step[step]) for step in Step)
    return Progress(
        onboarding_id=onboarding_id,
        person_id=onboarding.person_id,
        person_name=person_name,
        template=template,
        status=OnboardingStatus(onboarding.status),
        states=states,
        steps=steps,
        required_open=tuple(
            item for item in items if item.required_before_alone and item.key not in signed
        ),
        approved_at=datetime.fromisoformat(onboarding.approved_at)
        if onboarding.approved_at
        else None,
        approved_by=onboarding.approved_by,
        approval_override=onboarding.approval_override,
        waiting=template.waiting({key for key, state in states.items() if state.signed}),
        version=version,
        day=day,
    )


def onboardings_of_person(store: Store, actor: Actor, person_id: str) -> list[str]:
    with store.read() as session:
        person = get_row(session, PersonRow, person_id)
        require_unit(actor, person.unit_id)
        rows = session.exec(
            select(OnboardingRow.id)
            .where(OnboardingRow.person_id == person_id)
            .order_by(OnboardingRow.started_at)
        )
        return list(rows)


def history(
    store: Store, actor: Actor, onboarding_id: str, item_key: str | None = None
) -> list[HistoryEntry]:
    """Every event of an onboarding (or of one of its items), oldest first."""
    with store.read() as session:
        open_onboarding(session, actor, onboarding_id)
        rows = (
            connection_of(session)
            .execute(
                "SELECT id, type, wall_time, actor_id, workstation_id, payload FROM events "
                "WHERE entity_id = ? ORDER BY hlc",
                (onboarding_id,),
            )
            .fetchall()
        )
    entries = [HistoryEntry.of(*row) for row in rows]
    return [entry for entry in entries if item_key is None or item_key in entry.item_keys]
