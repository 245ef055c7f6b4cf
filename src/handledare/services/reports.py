"""The monthly follow-up per unit, from the event log (definitions in docs/exports.md)."""

from __future__ import annotations

import json
from dataclasses import astuple, dataclass, fields
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import col, select

from handledare.domain.actor import Actor
from handledare.domain.enums import Mark, Place
from handledare.domain.events import EventType
from handledare.domain.template import Item
from handledare.errors import InputError
from handledare.i18n import _
from handledare.services.exports import local_bounds, marks_signed
from handledare.store.eventlog import Store
from handledare.store.tables import EventRow, OnboardingRow, UnitRow
from handledare.store.templates import template_of


@dataclass
class UnitMonth:
    unit: str
    started: int = 0
    active: int = 0
    approved: int = 0
    items_signed: int = 0
    supervision_minutes: int = 0
    revocations: int = 0
    not_applicable: int = 0
    course_minutes: int = 0


REPORT_COLUMNS = tuple(field.name for field in fields(UnitMonth))


def parse_month(text: str) -> tuple[date, date]:
    """`YYYY-MM` as its first and last day."""
    try:
        first = datetime.strptime(text.strip(), "%Y-%m").date()
    except ValueError:
        raise InputError(
            _("Write the month as YYYY-MM, e.g. 2026-11 (not {text}).").format(text=text)
        ) from None
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first, following - timedelta(days=1)


def monthly_report(
    store: Store, actor: Actor, month: str, unit_id: str | None = None
) -> list[UnitMonth]:
    """Per unit the actor covers: what happened in the month, in local time."""
    first, last = parse_month(month)
    start, end = local_bounds(first, last)
    with store.read() as session:
        units = [
            unit
            for unit in session.exec(select(UnitRow).order_by(UnitRow.name))
            if actor.covers_unit(unit.id) and unit_id in (None, unit.id)
        ]
        report = {unit.id: UnitMonth(unit.name) for unit in units}
        onboardings = {
            row.id: row
            for row in session.exec(
                select(OnboardingRow).where(col(OnboardingRow.unit_id).in_(list(report)))
            )
        }
        events = session.exec(
            select(EventRow)
            .where(
                col(EventRow.entity_id).in_(list(onboardings)),
                col(EventRow.wall_time) >= start,
                col(EventRow.wall_time) <= end,
            )
            .order_by(EventRow.hlc)
        ).all()
        active: dict[str, set[str]] = {unit: set() for unit in report}
        marks = marks_signed(session, events)
        for event in events:
            onboarding = onboardings[event.entity_id]
            line = report[onboarding.unit_id]
            active[onboarding.unit_id].add(onboarding.id)
            data = json.loads(event.payload)
            if event.type == EventType.ONBOARDING_STARTED:
                line.started += 1
            elif event.type == EventType.APPROVED:
                line.approved += 1
            elif event.type == EventType.SIGN_OFF_REVOKED:
                line.revocations += 1
            elif event.type == EventType.ITEMS_SIGNED_OFF:
                template = template_of(session, onboarding.template_id, onboarding.template_version)
                for key in data["item_keys"]:
                    mark = marks.get((event.id, key), {}).get("mark")
                    _count_signed(line, template.recorded_item(key), mark)
    for unit, line in report.items():
        line.active = len(active[unit])
    return list(report.values())


_COURSES = (Place.WEB_COURSE, Place.CLASSROOM)


def _count_signed(line: UnitMonth, item: Item, mark: str | None) -> None:
    """An item that does not apply took no time; a course's time is not supervision."""
    if mark == Mark.NOT_APPLICABLE.value:
        line.not_applicable += 1
        return
    line.items_signed += 1
    if item.where in _COURSES:
        line.course_minutes += item.minutes
    else:
        line.supervision_minutes += item.minutes


def report_rows(report: list[UnitMonth]) -> list[tuple[Any, ...]]:
    return [astuple(line) for line in report]


def report_headings() -> tuple[str, ...]:
    """Column headings for people, in the active language."""
    return (
        _("Unit"),
        _("Started"),
        _("Active"),
        _("Approved"),
        _("Items signed"),
        _("Supervision (min)"),
        _("Revocations"),
        _("Not applicable"),
        _("Courses (min)"),
    )
