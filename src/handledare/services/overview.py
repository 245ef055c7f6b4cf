"""Lists across many onboardings: the supervisor's home, the manager's overview, expiry.

Everything here reads the counts the projector keeps on each onboarding, so a
list of thousands is one query, not a pass over every item state.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Select, func
from sqlalchemy import select as select_columns
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from handledare.domain.actor import Actor
from handledare.domain.enums import OnboardingStatus, ReviewStatus, Step
from handledare.domain.template import Text
from handledare.store.eventlog import Store
from handledare.store.tables import ItemStateRow, OnboardingRow, PersonRow, UnitRow, UserRow
from handledare.store.templates import template_of

EXPIRY_WARNING_DAYS = 30


@dataclass(frozen=True)
class OnboardingSummary:
    """One row of "my substitutes" and of the manager's overview."""

    onboarding_id: str | None
    person_id: str
    person_name: str
    unit_name: str
    supervisor_name: str | None
    template_title: Text | None
    status: OnboardingStatus
    signed: int
    total: int
    current_step: Step | None
    started_at: datetime
    last_activity: datetime
    required_open: int
    first_expiry: date | None = None
    approval_override: str | None = None

    @property
    def percent(self) -> int:
        return round(100 * self.signed / self.total) if self.total else 0

    def review_status(self, today: date) -> ReviewStatus:
        if self.has_expired(today):
            return ReviewStatus.HAS_EXPIRED
        return ReviewStatus(self.status.value)

    def has_expired(self, today: date) -> bool:
        return self.first_expiry is not None and self.first_expiry < today

    def expires_soon(self, today: date) -> bool:
        """Something expires within the warning period, but nothing has expired yet."""
        return self.first_expiry is not None and today <= self.first_expiry <= today + timedelta(
            days=EXPIRY_WARNING_DAYS
        )


Query = TypeVar("Query", bound="Select[*tuple[Any, ...]]")


def _in_units(query: Query, actor: Actor, unit_column: str) -> Query:
    return query if actor.is_admin else query.where(col(unit_column).in_(actor.unit_ids))


def data_version(store: Store) -> int:
    """Changes whenever anything these lists show may have changed."""
    return store.version()


def list_onboardings(store: Store, actor: Actor) -> list[OnboardingSummary]:
    """Onboardings in the actor's units (all units for an admin), and people still without one.

    Columns, not ORM objects: a municipality's overview is tens of thousands of rows.
    """
    supervisor = aliased(UserRow)
    o = OnboardingRow
    columns = (
        o.id,
        o.person_id,
        PersonRow.name,
        UnitRow.name,
        supervisor.name,
        o.template_id,
        o.template_version,
        o.status,
        o.signed_count,
        o.item_count,
        o.current_step,
        o.started_at,
        o.last_activity,
        o.required_open,
        o.first_expiry,
        o.approval_override,
    )
    with store.read() as session:
        rows = session.execute(
            _in_units(
                select_columns(*map(col, columns))
                .join(PersonRow, col(PersonRow.id) == o.person_id)
                .join(UnitRow, col(UnitRow.id) == o.unit_id)
                .outerjoin(supervisor, col(supervisor.id) == o.supervisor_id)
                .order_by(col(o.last_activity).desc()),
                actor,
                o.unit_id,
            )
        ).all()  # fmt: skip
        waiting = session.execute(
            _in_units(
                select(PersonRow.id, PersonRow.name, UnitRow.name, PersonRow.created_at)
                .join(UnitRow, col(UnitRow.id) == PersonRow.unit_id)
                .where(col(PersonRow.id).not_in(select(o.person_id))),
                actor,
                PersonRow.unit_id,
            )
        ).all()
        titles = _titles(session, {(row.template_id, row.template_version) for row in rows})
    summaries = [
        OnboardingSummary(
            onboarding_id=onboarding_id,
            person_id=person_id,
            person_name=person_name,
            unit_name=unit_name,
            supervisor_name=supervisor_name,
            template_title=titles[(template_id, template_version)],
            status=OnboardingStatus(status),
            signed=signed or 0,
            total=total or 0,
            current_step=Step(step) if step else None,
            started_at=datetime.fromisoformat(started_at),
            last_activity=datetime.fromisoformat(last_activity),
            required_open=required_open or 0,
            first_expiry=date.fromisoformat(first_expiry) if first_expiry else None,
            approval_override=approval_override,
        )
        for (
            onboarding_id, person_id, person_name, unit_name, supervisor_name, template_id,
            template_version, status, signed, total, step, started_at, last_activity,
            required_open, first_expiry, approval_override,
        ) in rows
    ]  # fmt: skip
    for person_id, person_name, unit_name, created_at in waiting:
        created = datetime.fromisoformat(created_at)
        summaries.append(
            OnboardingSummary(
                onboarding_id=None,
                person_id=person_id,
                person_name=person_name,
                unit_name=unit_name,
                supervisor_name=None,
                template_title=None,
                status=OnboardingStatus.NOT_STARTED,
                signed=0,
                total=0,
                current_step=None,
                started_at=created,
                last_activity=created,
                required_open=0,
            )
        )
    return summaries


def _titles(session: Session, keys: set[tuple[str, int]]) -> dict[tuple[str, int], Text]:
    return {key: template_of(session, *key).title for key in keys}


def status_counts(summaries: list[OnboardingSummary], today: date) -> dict[ReviewStatus, int]:
    """How many onboardings are in each status, every status present (zero or not)."""
    counted = Counter(s.review_status(today) for s in summaries if s.onboarding_id)
    return {status: counted.get(status, 0) for status in ReviewStatus}


@dataclass(frozen=True)
class MonthCount:
    month: str  # YYYY-MM
    started: int
    approved: int


def months_back(today: date, count: int) -> list[str]:
    """The last `count` months up to and including this one, oldest first, as YYYY-MM."""
    year, month = today.year, today.month
    months = []
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def started_and_approved(
    store: Store, actor: Actor, today: date, months: int = 12
) -> list[MonthCount]:
    """Onboardings started and approved per month, for the overview's chart."""
    wanted = months_back(today, months)
    with store.read() as session:

        def per_month(column: str | None) -> dict[str, int]:
            month = func.substr(column, 1, 7)
            query = _in_units(
                select(month, func.count())
                .where(col(column).is_not(None), month >= wanted[0])
                .group_by(month),
                actor,
                OnboardingRow.unit_id,
            )
            return dict(session.exec(query).all())

        started = per_month(OnboardingRow.started_at)
        approved = per_month(OnboardingRow.approved_at)
    return [MonthCount(m, started.get(m, 0), approved.get(m, 0)) for m in wanted]


@dataclass(frozen=True)
class ExpiringItem:
    onboarding_id: str
    person_name: str
    unit_name: str
    item_key: str
    item_title: Text
    expires_on: date
    item_number: str = ""

    def expired(self, today: date) -> bool:
        return self.expires_on < today


def expiring_items(store: Store, actor: Actor, today: date) -> list[ExpiringItem]:
    """Signed items that have expired or expire within the warning period, soonest first."""
    cutoff = (today + timedelta(days=EXPIRY_WARNING_DAYS)).isoformat()
    with store.read() as session:
        rows = session.exec(
            _in_units(
                select(ItemStateRow, OnboardingRow, PersonRow.name, UnitRow.name)
                .join(OnboardingRow, col(OnboardingRow.id) == ItemStateRow.onboarding_id)
                .join(PersonRow, col(PersonRow.id) == OnboardingRow.person_id)
                .join(UnitRow, col(UnitRow.id) == OnboardingRow.unit_id)
                .where(
                    col(ItemStateRow.expires_on).is_not(None),
                    col(ItemStateRow.expires_on) <= cutoff,
                    col(ItemStateRow.signed_at).is_not(None),
                )
                .order_by(ItemStateRow.expires_on, PersonRow.name),
                actor,
                OnboardingRow.unit_id,
            )
        ).all()
        found = []
        for state, onboarding, person_name, unit_name in rows:
            if state.expires_on is None:
                continue
            template = template_of(session, onboarding.template_id, onboarding.template_version)
            found.append(
                ExpiringItem(
                    onboarding_id=onboarding.id,
                    person_name=person_name,
                    unit_name=unit_name,
                    item_key=state.item_key,
                    item_title=template.recorded_item(state.item_key).title,
                    expires_on=date.fromisoformat(state.expires_on),
                    item_number=template.numbers()[state.item_key],
                )
            )
        return found
