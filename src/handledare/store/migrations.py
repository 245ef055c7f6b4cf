"""Ordered schema upgrade steps, tracked in PRAGMA user_version.

Each step moves the schema one version forward. Steps are never edited
once released; a change is a new step at the end.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

_V1_INITIAL = """
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE events (
    id TEXT PRIMARY KEY,
    hlc TEXT NOT NULL,
    workstation_id TEXT NOT NULL,
    actor_id TEXT,
    type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    wall_time TEXT NOT NULL
);
CREATE INDEX ix_events_hlc ON events (hlc);
CREATE TABLE units (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    pin_hash TEXT NOT NULL,
    language TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE user_units (
    user_id TEXT NOT NULL REFERENCES users (id),
    unit_id TEXT NOT NULL REFERENCES units (id),
    PRIMARY KEY (user_id, unit_id)
);
CREATE TABLE people (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    unit_id TEXT NOT NULL REFERENCES units (id),
    employment_type TEXT NOT NULL,
    start_date TEXT NOT NULL,
    employee_number TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE templates (
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    title_sv TEXT NOT NULL,
    content TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    PRIMARY KEY (id, version)
);
CREATE TABLE onboardings (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people (id),
    template_id TEXT NOT NULL,
    template_version INTEGER NOT NULL,
    unit_id TEXT NOT NULL REFERENCES units (id),
    supervisor_id TEXT REFERENCES users (id),
    status TEXT NOT NULL,
    started_at TEXT NOT NULL,
    last_activity TEXT NOT NULL,
    approved_at TEXT,
    approved_by TEXT,
    approval_override TEXT,
    FOREIGN KEY (template_id, template_version) REFERENCES templates (id, version)
);
CREATE TABLE item_states (
    onboarding_id TEXT NOT NULL REFERENCES onboardings (id),
    item_key TEXT NOT NULL,
    mark TEXT,
    reason TEXT,
    marked_by TEXT,
    marked_at TEXT,
    signed_by TEXT,
    signed_at TEXT,
    signed_workstation TEXT,
    expires_on TEXT,
    note_count INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (onboarding_id, item_key)
);
"""

# Lookups that every screen makes: an item's history, the people and
# onboardings of a unit, and what expires soon.
_V2_LOOKUP_INDEXES = """
CREATE INDEX ix_events_entity ON events (entity_id, hlc);
CREATE INDEX ix_people_unit ON people (unit_id);
CREATE INDEX ix_onboardings_unit ON onboardings (unit_id, status);
CREATE INDEX ix_onboardings_person ON onboardings (person_id);
CREATE INDEX ix_item_states_expiry ON item_states (expires_on) WHERE expires_on IS NOT NULL;
"""

# Each user's choice of colours, remembered across sessions and workstations.
_V3_USER_THEME = """
ALTER TABLE users ADD COLUMN theme TEXT NOT NULL DEFAULT 'default';
"""

# Sync: which batch published each local event, every batch seen on the share,
# and entities whose events wait for events from another workstation.
_V4_SYNC = """
ALTER TABLE events ADD COLUMN batch_sequence INTEGER;
CREATE INDEX ix_events_unpublished ON events (workstation_id, batch_sequence);
CREATE TABLE batches (
    workstation_id TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    event_count INTEGER NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (workstation_id, sequence)
);
CREATE TABLE pending_entities (
    entity_id TEXT PRIMARY KEY
);
"""

# Concurrent edits of one item on two workstations, for a manager to look at.
_V5_CONFLICTS = """
ALTER TABLE item_states ADD COLUMN last_event_id TEXT;
CREATE TABLE conflicts (
    event_id TEXT PRIMARY KEY,
    onboarding_id TEXT NOT NULL REFERENCES onboardings (id),
    item_key TEXT NOT NULL,
    other_event_id TEXT
);
CREATE INDEX ix_conflicts_onboarding ON conflicts (onboarding_id);
"""

# Erasure: whose data must never be stored again in clear, whatever arrives later.
_V6_ERASURE = """
CREATE TABLE erased_entities (
    entity_id TEXT PRIMARY KEY
);
"""

# Each onboarding's counts kept with it, so that lists of thousands need no
# pass over every item state. Existing rows are filled in when the store opens.
_V7_ONBOARDING_COUNTS = """
ALTER TABLE onboardings ADD COLUMN item_count INTEGER;
ALTER TABLE onboardings ADD COLUMN signed_count INTEGER;
ALTER TABLE onboardings ADD COLUMN required_open INTEGER;
ALTER TABLE onboardings ADD COLUMN current_step TEXT;
ALTER TABLE onboardings ADD COLUMN first_expiry TEXT;
"""

# Wrong PINs counted per user on this workstation, so that a lockout outlasts a
# restart. Local on purpose, like `meta`: not a projection, never synced.
_V8_PIN_FAILURES = """
CREATE TABLE pin_failures (
    user_id TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    locked_until TEXT
);
"""

# Signed sync: the keys approved, refused or revoked by administrators (a projection of
# workstation.* events), what this workstation has seen of each folder on the share, and
# the problem files found there.
_V9_WORKSTATION_TRUST = """
CREATE TABLE workstation_keys (
    workstation_id TEXT NOT NULL,
    key_id TEXT NOT NULL,
    public_key TEXT NOT NULL,
    name TEXT NOT NULL,
    machine TEXT NOT NULL,
    state TEXT NOT NULL,
    decided_by TEXT,
    decided_at TEXT NOT NULL,
    decided_on TEXT NOT NULL,
    revoked_after INTEGER,
    revoked_sha256 TEXT,
    reason TEXT,
    PRIMARY KEY (workstation_id, key_id)
);
CREATE TABLE share_workstations (
    workstation_id TEXT PRIMARY KEY,
    name TEXT,
    machine TEXT,
    key_id TEXT,
    public_key TEXT,
    history_sequence INTEGER,
    history_sha256 TEXT,
    first_seen TEXT NOT NULL,
    batch_count INTEGER NOT NULL DEFAULT 0,
    last_batch INTEGER NOT NULL DEFAULT 0,
    last_batch_seen TEXT,
    clock_offset REAL,
    clock_measured TEXT
);
CREATE TABLE share_problems (
    path TEXT PRIMARY KEY,
    workstation_id TEXT,
    kind TEXT NOT NULL,
    reason TEXT NOT NULL,
    first_seen TEXT NOT NULL
);
ALTER TABLE batches ADD COLUMN key_id TEXT;
"""

# Template format 2: the proof recorded with an item (a certificate, a test result, a
# document, an observing colleague), and each substitute's own language.
_V10_EVIDENCE_AND_LANGUAGE = """
ALTER TABLE item_states ADD COLUMN evidence TEXT;
ALTER TABLE people ADD COLUMN language TEXT NOT NULL DEFAULT 'sv';
"""

_V11_SHARE_ENCRYPTION = """
ALTER TABLE share_workstations ADD COLUMN seal_key TEXT;
"""

# Lists of a whole municipality read a page at a time from SQL (the indexes on onboardings
# let a search pick rows without reading them). Names folded for search
# and sort (case, accents and spaces, as `text.fold`): SQLite cannot fold so, so the store
# fills `folded_name` at the end of every write wherever it is NULL, and a trigger clears
# it when a name changes in place. The onboardings started and approved per unit and month,
# for the overview's chart, kept by triggers on `onboardings` (so every path that writes
# that table keeps them, a replay and a rebuild included), filled here for existing rows.
_V12_PAGED_LISTS = """
ALTER TABLE people ADD COLUMN folded_name TEXT;
ALTER TABLE users ADD COLUMN folded_name TEXT;
ALTER TABLE units ADD COLUMN folded_name TEXT;
CREATE INDEX ix_people_folded_name ON people (folded_name);
CREATE INDEX ix_onboardings_supervisor ON onboardings (supervisor_id);
CREATE INDEX ix_onboardings_template ON onboardings (template_id, template_version);
CREATE TRIGGER people_renamed AFTER UPDATE OF name ON people WHEN NEW.name IS NOT OLD.name
BEGIN
    UPDATE people SET folded_name = NULL WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER users_renamed AFTER UPDATE OF name ON users WHEN NEW.name IS NOT OLD.name
BEGIN
    UPDATE users SET folded_name = NULL WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER units_renamed AFTER UPDATE OF name ON units WHEN NEW.name IS NOT OLD.name
BEGIN
    UPDATE units SET folded_name = NULL WHERE rowid = NEW.rowid;
END;
CREATE TABLE onboarding_months (
    unit_id TEXT NOT NULL,
    month TEXT NOT NULL,
    started INTEGER NOT NULL DEFAULT 0,
    approved INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, month)
);
INSERT INTO onboarding_months (unit_id, month, started, approved)
SELECT unit_id, month, sum(started), sum(approved) FROM (
    SELECT unit_id, substr(started_at, 1, 7) AS month, 1 AS started, 0 AS approved
    FROM onboardings
    UNION ALL
    SELECT unit_id, substr(approved_at, 1, 7), 0, 1 FROM onboardings
    WHERE approved_at IS NOT NULL
) GROUP BY unit_id, month;
CREATE TRIGGER onboarding_months_added AFTER INSERT ON onboardings
BEGIN
    INSERT INTO onboarding_months (unit_id, month, started)
    VALUES (NEW.unit_id, substr(NEW.started_at, 1, 7), 1)
    ON CONFLICT (unit_id, month) DO UPDATE SET started = started + 1;
    INSERT INTO onboarding_months (unit_id, month, approved)
    SELECT NEW.unit_id, substr(NEW.approved_at, 1, 7), 1 WHERE NEW.approved_at IS NOT NULL
    ON CONFLICT (unit_id, month) DO UPDATE SET approved = approved + 1;
END;
CREATE TRIGGER onboarding_months_removed AFTER DELETE ON onboardings
BEGIN
    UPDATE onboarding_months SET started = started - 1
    WHERE unit_id = OLD.unit_id AND month = substr(OLD.started_at, 1, 7);
    UPDATE onboarding_months SET approved = approved - 1
    WHERE OLD.approved_at IS NOT NULL
    AND unit_id = OLD.unit_id AND month = substr(OLD.approved_at, 1, 7);
    DELETE FROM onboarding_months WHERE started = 0 AND approved = 0 AND unit_id = OLD.unit_id;
END;
CREATE TRIGGER onboarding_months_changed AFTER UPDATE OF unit_id, started_at, approved_at
ON onboardings
WHEN OLD.unit_id IS NOT NEW.unit_id OR OLD.started_at IS NOT NEW.started_at
OR OLD.approved_at IS NOT NEW.approved_at
BEGIN
    UPDATE onboarding_months SET started = started - 1
    WHERE unit_id = OLD.unit_id AND month = substr(OLD.started_at, 1, 7);
    UPDATE onboarding_months SET approved = approved - 1
    WHERE OLD.approved_at IS NOT NULL
    AND unit_id = OLD.unit_id AND month = substr(OLD.approved_at, 1, 7);
    INSERT INTO onboarding_months (unit_id, month, started)
    VALUES (NEW.unit_id, substr(NEW.started_at, 1, 7), 1)
    ON CONFLICT (unit_id, month) DO UPDATE SET started = started + 1;
    INSERT INTO onboarding_months (unit_id, month, approved)
    SELECT NEW.unit_id, substr(NEW.approved_at, 1, 7), 1 WHERE NEW.approved_at IS NOT NULL
    ON CONFLICT (unit_id, month) DO UPDATE SET approved = approved + 1;
    DELETE FROM onboarding_months WHERE started = 0 AND approved = 0 AND unit_id = OLD.unit_id;
END;
"""

# Delegation of health-care tasks by a nurse (SOSFS 1997:14): the nurse's profession, the
# end of an account and of an employment, the municipality's task list, the delegations,
# their conflicts from sync, and an erased person's records kept under the retention rule.
_V13_DELEGATIONS = """
ALTER TABLE users ADD COLUMN profession TEXT;
ALTER TABLE users ADD COLUMN ended_on TEXT;
ALTER TABLE people ADD COLUMN left_on TEXT;
CREATE TABLE delegation_tasks (
    key TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    imported_at TEXT NOT NULL
);
CREATE TABLE delegations (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people (id),
    person_name TEXT NOT NULL,
    nurse_id TEXT NOT NULL REFERENCES users (id),
    unit_id TEXT NOT NULL REFERENCES units (id),
    valid_from TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    conditions TEXT,
    status TEXT NOT NULL,
    signed_at TEXT NOT NULL,
    signed_workstation TEXT NOT NULL,
    answered_at TEXT,
    answered_workstation TEXT,
    answer_reason TEXT,
    revoked_at TEXT,
    revoked_by TEXT,
    revoked_workstation TEXT,
    revoke_reason TEXT,
    renews TEXT,
    renewed_by TEXT,
    last_event_id TEXT
);
CREATE INDEX ix_delegations_person ON delegations (person_id);
CREATE INDEX ix_delegations_nurse ON delegations (nurse_id);
CREATE INDEX ix_delegations_unit ON delegations (unit_id);
CREATE TABLE delegation_task_links (
    delegation_id TEXT NOT NULL REFERENCES delegations (id),
    task_key TEXT NOT NULL,
    PRIMARY KEY (delegation_id, task_key)
);
CREATE INDEX ix_delegation_task_links_task ON delegation_task_links (task_key);
CREATE TABLE delegation_conflicts (
    event_id TEXT PRIMARY KEY,
    delegation_id TEXT NOT NULL REFERENCES delegations (id),
    other_event_id TEXT
);
CREATE TABLE retained_delegations (
    entity_id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL,
    keep_until TEXT NOT NULL,
    purged INTEGER NOT NULL DEFAULT 0
);
"""

# What runs out, counted on the home screens without reading the items: signed items by
# their last day, with their onboarding (for its unit) in the index itself.
_V14_SIGNED_EXPIRY = """
DROP INDEX ix_item_states_expiry;
CREATE INDEX ix_item_states_signed_expiry ON item_states (expires_on, onboarding_id)
    WHERE expires_on IS NOT NULL AND signed_at IS NOT NULL;
"""

STEPS: tuple[str, ...] = (
    _V1_INITIAL,
    _V2_LOOKUP_INDEXES,
    _V3_USER_THEME,
    _V4_SYNC,
    _V5_CONFLICTS,
    _V6_ERASURE,
    _V7_ONBOARDING_COUNTS,
    _V8_PIN_FAILURES,
    _V9_WORKSTATION_TRUST,
    _V10_EVIDENCE_AND_LANGUAGE,
    _V11_SHARE_ENCRYPTION,
    _V12_PAGED_LISTS,
    _V13_DELEGATIONS,
    _V14_SIGNED_EXPIRY,
)
CURRENT_VERSION = len(STEPS)


def schema_version(connection: sqlite3.Connection) -> int:
    return int(connection.execute("PRAGMA user_version").fetchone()[0])


def statements(script: str) -> Iterator[str]:
    """A step's statements one by one; a trigger's body holds semicolons of its own."""
    pending = ""
    for part in script.split(";"):
        pending += part + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                yield pending.strip()
            pending = ""


def upgrade(connection: sqlite3.Connection, target: int = CURRENT_VERSION) -> None:
    """Run the missing steps up to `target` in one transaction: all or nothing."""
    start = schema_version(connection)
    if start >= target:
        return
    connection.execute("BEGIN IMMEDIATE")
    try:
        for number in range(start, target):
            for statement in statements(STEPS[number]):
                connection.execute(statement)
        connection.execute(f"PRAGMA user_version = {int(target)}")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
