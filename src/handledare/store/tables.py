"""SQLModel tables. `events` is the truth; every other table is a projection of it."""

from __future__ import annotations

from typing import NamedTuple

from sqlmodel import Field, SQLModel


class EventRow(SQLModel, table=True):
    __tablename__ = "events"

    id: str = Field(primary_key=True)
    hlc: str = Field(index=True)
    workstation_id: str
    actor_id: str | None = None
    type: str
    entity_id: str
    payload: str
    wall_time: str
    batch_sequence: int | None = None


class StoredEvent(NamedTuple):
    """An event as stored, without the ORM: bulk paths make hundreds of thousands."""

    id: str
    hlc: str
    workstation_id: str
    actor_id: str | None
    type: str
    entity_id: str
    payload: str
    wall_time: str
    batch_sequence: int | None = None


EVENT_COLUMNS = StoredEvent._fields
# An event as the projection takes it: through the ORM, or as a plain row on bulk paths.
Event = EventRow | StoredEvent


class MetaRow(SQLModel, table=True):
    __tablename__ = "meta"

    key: str = Field(primary_key=True)
    value: str


class UnitRow(SQLModel, table=True):
    __tablename__ = "units"

    id: str = Field(primary_key=True)
    name: str
    created_at: str
    # The name folded for search and sort (`store/folding.py`); NULL until the write ends.
    folded_name: str | None = None


class UserRow(SQLModel, table=True):
    __tablename__ = "users"

    id: str = Field(primary_key=True)
    name: str
    role: str
    pin_hash: str
    language: str
    created_at: str
    theme: str = "default"
    folded_name: str | None = None
    # A delegating professional's profession (nurse role only).
    profession: str | None = None
    # The last day of an account that has been ended; no sign-in after it.
    ended_on: str | None = None


class UserUnitRow(SQLModel, table=True):
    __tablename__ = "user_units"

    user_id: str = Field(primary_key=True, foreign_key="users.id")
    unit_id: str = Field(primary_key=True, foreign_key="units.id")


class PersonRow(SQLModel, table=True):
    __tablename__ = "people"

    id: str = Field(primary_key=True)
    name: str
    unit_id: str = Field(foreign_key="units.id")
    employment_type: str
    start_date: str
    employee_number: str | None = None
    created_at: str
    language: str = "sv"
    folded_name: str | None = Field(default=None, index=True)
    # The last day of employment, once the person has left the job.
    left_on: str | None = None


class TemplateRow(SQLModel, table=True):
    __tablename__ = "templates"

    id: str = Field(primary_key=True)
    version: int = Field(primary_key=True)
    title_sv: str
    content: str
    content_hash: str
    imported_at: str


class OnboardingRow(SQLModel, table=True):
    __tablename__ = "onboardings"

    id: str = Field(primary_key=True)
    person_id: str = Field(foreign_key="people.id")
    template_id: str
    template_version: int
    unit_id: str = Field(foreign_key="units.id")
    supervisor_id: str | None = Field(default=None, foreign_key="users.id")
    status: str
    started_at: str
    last_activity: str
    approved_at: str | None = None
    approved_by: str | None = None
    approval_override: str | None = None
    # Derived from the item states by the projector; NULL until first computed.
    item_count: int | None = None
    signed_count: int | None = None
    required_open: int | None = None
    current_step: str | None = None
    first_expiry: str | None = None


class OnboardingMonthRow(SQLModel, table=True):
    """Onboardings started and approved in a unit in a month, kept by triggers."""

    __tablename__ = "onboarding_months"

    unit_id: str = Field(primary_key=True)
    month: str = Field(primary_key=True)  # YYYY-MM
    started: int = 0
    approved: int = 0


class ItemStateRow(SQLModel, table=True):
    __tablename__ = "item_states"

    onboarding_id: str = Field(primary_key=True, foreign_key="onboardings.id")
    item_key: str = Field(primary_key=True)
    mark: str | None = None
    reason: str | None = None
    marked_by: str | None = None
    marked_at: str | None = None
    signed_by: str | None = None
    signed_at: str | None = None
    signed_workstation: str | None = None
    expires_on: str | None = None
    note_count: int = 0
    last_event_id: str | None = None
    # The proof recorded with the mark, as JSON (domain.evidence.Proof).
    evidence: str | None = None


class ConflictRow(SQLModel, table=True):
    """An item edited on two workstations where neither had seen the other's edit."""

    __tablename__ = "conflicts"

    event_id: str = Field(primary_key=True)
    onboarding_id: str = Field(foreign_key="onboardings.id")
    item_key: str
    other_event_id: str | None = None


class BatchRow(SQLModel, table=True):
    """A batch on the share: this workstation's own, or another's that was applied."""

    __tablename__ = "batches"

    workstation_id: str = Field(primary_key=True)
    sequence: int = Field(primary_key=True)
    sha256: str
    event_count: int
    recorded_at: str
    key_id: str | None = None  # the key that signed it; None for an unsigned (format 1) batch


class PendingEntityRow(SQLModel, table=True):
    """An entity whose events wait for events of another workstation."""

    __tablename__ = "pending_entities"

    entity_id: str = Field(primary_key=True)


class ErasedEntityRow(SQLModel, table=True):
    """A person, or an onboarding of a person, whose personal data was erased."""

    __tablename__ = "erased_entities"

    entity_id: str = Field(primary_key=True)


class WorkstationKeyRow(SQLModel, table=True):
    """An administrator's decision on a workstation's signing key (projected from events)."""

    __tablename__ = "workstation_keys"

    workstation_id: str = Field(primary_key=True)
    key_id: str = Field(primary_key=True)
    public_key: str
    name: str
    machine: str
    state: str
    decided_by: str | None = None
    decided_at: str
    decided_on: str
    revoked_after: int | None = None
    revoked_sha256: str | None = None
    reason: str | None = None


class ShareWorkstationRow(SQLModel, table=True):
    """A workstation folder as this workstation has seen it on the share (not an event)."""

    __tablename__ = "share_workstations"

    workstation_id: str = Field(primary_key=True)
    name: str | None = None
    machine: str | None = None
    key_id: str | None = None
    public_key: str | None = None
    history_sequence: int | None = None
    history_sha256: str | None = None
    first_seen: str
    batch_count: int = 0
    last_batch: int = 0
    last_batch_seen: str | None = None
    clock_offset: float | None = None
    clock_measured: str | None = None
    seal_key: str | None = None  # its receiving key (X25519, base64), as its card names it


class ShareProblemRow(SQLModel, table=True):
    """A file on the share that could not be used, as last found (not an event)."""

    __tablename__ = "share_problems"

    path: str = Field(primary_key=True)
    workstation_id: str | None = None
    kind: str
    reason: str
    first_seen: str


class PinFailureRow(SQLModel, table=True):
    """Wrong PINs in a row for one user on this workstation, and until when they wait.

    Kept here only: not a projection of events (a rebuild leaves it), never synced.
    """

    __tablename__ = "pin_failures"

    user_id: str = Field(primary_key=True)
    failures: int
    locked_until: str | None = None


class DelegationTaskRow(SQLModel, table=True):
    """A task of the municipality's list that a nurse can delegate."""

    __tablename__ = "delegation_tasks"

    key: str = Field(primary_key=True)
    title: str  # JSON: {"sv": ..., "en": ...}
    imported_at: str


class DelegationRow(SQLModel, table=True):
    """One written delegation decision: a nurse, a person, named tasks, a window of days."""

    __tablename__ = "delegations"

    id: str = Field(primary_key=True)
    person_id: str = Field(foreign_key="people.id")
    person_name: str
    nurse_id: str = Field(foreign_key="users.id")
    unit_id: str = Field(foreign_key="units.id")
    valid_from: str
    valid_until: str
    conditions: str | None = None
    status: str
    signed_at: str
    signed_workstation: str
    answered_at: str | None = None
    answered_workstation: str | None = None
    answer_reason: str | None = None
    revoked_at: str | None = None
    revoked_by: str | None = None
    revoked_workstation: str | None = None
    revoke_reason: str | None = None
    renews: str | None = None
    renewed_by: str | None = None
    last_event_id: str | None = None


class DelegationTaskLinkRow(SQLModel, table=True):
    __tablename__ = "delegation_task_links"

    delegation_id: str = Field(primary_key=True, foreign_key="delegations.id")
    task_key: str = Field(primary_key=True)


class DelegationConflictRow(SQLModel, table=True):
    """A delegation revoked on one workstation and renewed on another, neither seeing the other."""

    __tablename__ = "delegation_conflicts"

    event_id: str = Field(primary_key=True)
    delegation_id: str = Field(foreign_key="delegations.id")
    other_event_id: str | None = None


class RetainedRow(SQLModel, table=True):
    """An erased person's delegation records, kept until a date under the retention rule.

    Local, like `erased_entities`: once the date has passed, the first sync removes them
    and the entity is remembered as purged, so that late copies are removed too.
    """

    __tablename__ = "retained_delegations"

    entity_id: str = Field(primary_key=True)
    person_id: str
    keep_until: str
    purged: bool = False


PROJECTION_TABLES = (
    "delegation_conflicts",
    "delegation_task_links",
    "delegations",
    "delegation_tasks",
    "workstation_keys",
    "conflicts",
    "onboarding_months",
    "item_states",
    "onboardings",
    "templates",
    "people",
    "user_units",
    "users",
    "units",
)
