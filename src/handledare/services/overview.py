"""Lists across many onboardings: the supervisor's home, the manager's overview, expiry.

Everything here reads what the projection keeps (each onboarding's counts, folded
names, onboardings per unit and month), and a list is read a page at a time, so a
municipality of tens of thousands costs about what a unit of a hundred does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Select
from sqlmodel import Session, col, select

from handledare.domain.actor import Actor
from handledare.domain.enums import OnboardingStatus, ReviewStatus, Step
from handledare.domain.template import Text
from handledare.i18n import current_language
from handledare.store import listing
from handledare.store.eventlog import Store
from handledare.store.listing import Sort as Sort
from handledare.store.sql import connection_of
from handledare.store.tables import ItemStateRow, OnboardingRow, PersonRow, UnitRow
from handledare.store.templates import all_templates, template_of
from handledare.text import fold

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


def _units(actor: Actor) -> tuple[str, ...] | None:
    return None if actor.is_admin else tuple(actor.unit_ids)


def data_version(store: Store) -> int:
    """Changes whenever anything these lists show may have changed."""
    return store.version()


@dataclass(frozen=True)
class ListQuery:
    """What a list shows: the text typed, the overview's choices, and the sort."""

    text: str = ""
    unit_id: str | None = None
    status: ReviewStatus | None = None
    supervisor_id: str | None = None
    sort: Sort = Sort.NAME


@dataclass(frozen=True)
class ListCount:
    matching: int
    total: int


def list_page(
    store: Store, actor: Actor, query: ListQuery, today: date, offset: int, limit: int
) -> list[OnboardingSummary]:
    """One page of the onboardings in the actor's units (all for an admin), and of the
    people there still without one, as `query` searches, narrows and sorts them."""
    with store.read() as session:
        titles = _all_titles(session)
        rows = listing.page(
            connection_of(session), _wanted(actor, query, titles), today.isoformat(), offset, limit
        )
    return [_summary(row, titles) for row in rows]


# The last total counted, by what it depends on: the list's count is read again at every
# key typed in its filter, and the total (some 85 ms at 20,000 substitutes) does not change.
_last_total: dict[tuple[object, ...], int] = {}


def count_listed(store: Store, actor: Actor, query: ListQuery, today: date) -> ListCount:
    """How many rows `query` finds, and how many there are in all."""
    with store.read() as session:
        connection = connection_of(session)
        wanted = _wanted(actor, query, _all_titles(session))
        (version,) = connection.execute("SELECT max(rowid) FROM events").fetchone()
        key = (store.path, version, wanted.units, today)
        counted = ListCount(
            *listing.count(connection, wanted, today.isoformat(), _last_total.get(key))
        )
    _last_total.clear()
    _last_total[key] = counted.total
    return counted


@dataclass(frozen=True)
class Choice:
    id: str
    name: str


def list_choices(store: Store, actor: Actor) -> tuple[list[Choice], list[Choice]]:
    """The units and the supervisors that have rows in the actor's list, by name."""
    units = _units(actor)
    with store.read() as session:
        connection = connection_of(session)
        return (
            [Choice(*row) for row in listing.units_listed(connection, units)],
            [Choice(*row) for row in listing.supervisors_listed(connection, units)],
        )


def load_checklists(store: Store) -> None:
    """Every stored checklist parsed now, while a PIN is typed: the first list read after
    it would otherwise wait for them (80 ms at a municipality's scale)."""
    with store.read() as session:
        _all_titles(session)


def _all_titles(session: Session) -> dict[tuple[str, int], Text]:
    return {key: template.title for key, template in all_templates(session).items()}


def _wanted(actor: Actor, query: ListQuery, titles: dict[tuple[str, int], Text]) -> listing.Wanted:
    language = current_language()
    folded = {key: fold(title.get(language)) for key, title in titles.items()}
    text = fold(query.text)
    by_title = sorted(set(folded.values()))
    return listing.Wanted(
        units=_units(actor),
        text=text,
        titled=tuple(sorted(key for key, title in folded.items() if text and text in title)),
        unit_id=query.unit_id,
        status=query.status.value if query.status else None,
        supervisor_id=query.supervisor_id,
        sort=query.sort,
        checklist_ranks={key: by_title.index(title) for key, title in folded.items()},
    )


def _summary(row: tuple[Any, ...], titles: dict[tuple[str, int], Text]) -> OnboardingSummary:
    (
        onboarding_id, person_id, person_name, unit_name, supervisor_name, template_id,
        template_version, status, signed, total, step, started_at, last_activity,
        required_open, first_expiry, approval_override,
    ) = row  # fmt: skip
    return OnboardingSummary(
        onboarding_id=onboarding_id,
        person_id=person_id,
        person_name=person_name,
        unit_name=unit_name,
        supervisor_name=supervisor_name,
        template_title=titles.get((template_id, template_version)) if onboarding_id else None,
        status=OnboardingStatus(status or OnboardingStatus.NOT_STARTED.value),
        signed=signed or 0,
        total=total or 0,
        current_step=Step(step) if step else None,
        started_at=datetime.fromisoformat(started_at),
        last_activity=datetime.fromisoformat(last_activity),
        required_open=required_open or 0,
        first_expiry=date.fromisoformat(first_expiry) if first_expiry else None,
        approval_override=approval_override,
    )


def status_counts(store: Store, actor: Actor, today: date) -> dict[ReviewStatus, int]:
    """How many onboardings are in each status, every status present (zero or not)."""
    with store.read() as session:
        counted = listing.status_counts(connection_of(session), _units(actor), today.isoformat())
    return {status: counted.get(status.value, 0) for status in ReviewStatus}


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
    """Onboardings started and approved per month, for the overview's chart: from the
    counts the projection keeps per unit and month, so a few hundred rows at most."""
    wanted = months_back(today, months)
    with store.read() as session:
        counted = listing.months(connection_of(session), _units(actor), wanted[0])
    return [MonthCount(m, *counted.get(m, (0, 0))) for m in wanted]


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


def expiring_items(
    store: Store, actor: Actor, today: date, warning_days: int = EXPIRY_WARNING_DAYS
) -> list[ExpiringItem]:
    """Signed items that have expired or expire within the warning period, soonest first."""
    cutoff = (today + timedelta(days=warning_days)).isoformat()
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


def expiring_item_counts(
    store: Store, actor: Actor, today: date, warning_days: int = EXPIRY_WARNING_DAYS
) -> tuple[int, int]:
    """How many of `expiring_items` expire within the warning period and how many have
    expired, counted on the index of signed items' last days: the home screens say only
    how many, and reading the list takes seconds across a municipality."""
    units = _units(actor)
    in_units = "" if units is None else f" AND o.unit_id IN ({', '.join('?' * len(units))})"
    cutoff = (today + timedelta(days=warning_days)).isoformat()
    with store.read() as session:
        soon, gone = (
            connection_of(session)
            .execute(
                "SELECT coalesce(sum(i.expires_on >= ?), 0), coalesce(sum(i.expires_on < ?), 0) "
                "FROM item_states i INDEXED BY ix_item_states_signed_expiry "
                "JOIN onboardings o ON o.id = i.onboarding_id "
                "WHERE i.expires_on IS NOT NULL AND i.signed_at IS NOT NULL "
                f"AND i.expires_on <= ?{in_units}",
                (today.isoformat(), today.isoformat(), cutoff, *(units or ())),
            )
            .fetchone()
        )
    return soon, gone
