"""One sync round, top to bottom: list the share, verify and decrypt what is new, ingest it,
make or seal share keys, publish what is new here, report.

An interrupted round loses nothing: batches are applied whole, several to a
transaction, and what was not committed is read again next time.
"""

from __future__ import annotations

import heapq
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from handledare.domain.events import EventType
from handledare.store import erasure, ingest, journal, share_view
from handledare.store.eventlog import Store
from handledare.store.kept_onboardings import KeptOnboardings
from handledare.store.share_view import Folder, KeyDecision, Problem
from handledare.sync.batch import Batch
from handledare.sync.keyring import KIND as KEYS_PROBLEM
from handledare.sync.keyring import Keyring
from handledare.sync.opening import open_share
from handledare.sync.publish import Own, Sent, publish, would_send
from handledare.sync.pull import Folder as Readable
from handledare.sync.pull import Found, new_batches
from handledare.sync.share import Share
from handledare.sync.signing import Signer
from handledare.sync.status import ShareStatus, share_status
from handledare.sync.survey import Survey
from handledare.sync.trust import Trust

# Events applied a transaction: as many as hold the write lock for about PART_SECONDS at the
# slowest rate of the last RATE_PARTS parts, so that a mark made while a pull runs waits no
# longer than that for the write lock (store/turns.py). A part sometimes takes two or three
# times its aim (a late event projects its onboarding again, the disk or the CPU is busy):
# aimed at 35 ms it seldom keeps a mark waiting 100 ms; smaller parts cost the pull time.
APPLY_EVENTS = 5000
FIRST_PART_EVENTS = 200
PART_SECONDS = 0.035
RATE_PARTS = 3
# While a pull runs the log grows (store/database.py); it is copied back this often.
CHECKPOINT_SECONDS = 5.0
# A round that trusts new folders after applying approvals reads those too, this many times.
TRUST_PASSES = 3
_round_lock = threading.Lock()


@dataclass(frozen=True)
class Progress:
    """How far a round's pull is: batch files applied of those new when the round began."""

    applied: int
    total: int


Progressed = Callable[[Progress], None]


@dataclass
class SyncReport:
    sent: Sent = field(default_factory=Sent)
    received: dict[str, int] = field(default_factory=dict)
    problems: list[Found] = field(default_factory=list)  # every problem found this round
    new_problems: list[Found] = field(default_factory=list)  # those not reported before
    set_aside: list[str] = field(default_factory=list)
    templates: list[str] = field(default_factory=list)  # template versions received this round
    trusted_root: str | None = None  # the share's root, when this round pinned it
    # True when this workstation holds no share key yet (it waits for approval), so it
    # neither reads the share nor publishes its events.
    locked_out: bool = False
    waiting: int = 0
    pending_entities: int = 0
    dry_run: bool = False
    status: ShareStatus | None = None

    @property
    def received_events(self) -> int:
        return sum(self.received.values())

    @property
    def sent_events(self) -> int:
        return self.sent.events

    def name_of(self, workstation_id: str) -> str:
        return self.status.named(workstation_id) if self.status else workstation_id[:8]


def _purge_retained(store: Store) -> None:
    """An erased person's delegation records whose retention date has passed go now; the
    batches that held them are rewritten as after an erasure, when this round publishes.
    Looked for first with a read: most rounds have none, and take no write turn."""
    with store.read() as session:
        if not erasure.any_due(session, store.now().astimezone().date().isoformat()):
            return
    with store.write(None) as tx:
        erasure.purge_due(tx.session, tx.wall.astimezone().date().isoformat())


def run_round(
    store: Store,
    share: Share,
    *,
    name: str,
    machine: str,
    dry_run: bool = False,
    templates: Callable[[Share, SyncReport], None] | None = None,
    progress: Progressed | None = None,
) -> SyncReport:
    """Sync once with the share; `templates` looks at the checklist template files published
    there (a service's work), after the events and before publishing; `progress` is told
    after each transaction of the pull how far it is (from the round's thread)."""
    with _round_lock:
        report = SyncReport(dry_run=dry_run)
        signer = Signer.load(store.path.parent)
        own = store.workstation_id
        history = share_view.unsigned_history(store)
        known = share_view.snapshot(store)
        writes = store.writes
        share.reachable()
        opened = open_share(store, share, signer, known.root, dry_run)
        report.trusted_root, root = opened.pinned_now, opened.root
        listings = {
            workstation_id: share.listing(workstation_id)
            for workstation_id in share.workstation_ids()
        }
        survey = Survey(store, share, listings, known)
        survey.look()
        keyring = Keyring.of(own, store.path.parent, known.share_keys, share, listings, survey.card)
        tally = Tally(progress)
        with store.turns.pull():
            trust = _pull(store, share, survey, root, known.decisions, report, keyring, tally)
        keyring.trust = trust
        keyring.recheck()
        survey.check_keys(trust)
        if templates is not None and not dry_run:
            templates(share, report)
        if not dry_run:
            _purge_retained(store)
        if dry_run:
            report.sent = would_send(store)
            report.problems += survey.found + keyring.found
        else:
            rotated = keyring.settle(signer.keyid, known.rotate)
            mine = Own(
                store,
                share,
                signer,
                name,
                machine,
                listings.get(own),
                history,
                known.own_card,
                known.own_clock,
                keyring,
                known.encrypted,
            )
            report.sent = publish(mine)
            changes = mine.changes
            changes.sealed_to = keyring.seal_around(
                signer, survey.folders, trust.decisions_list, known.sealed_to, listings.get(own)
            )
            report.problems += mine.found + survey.found + keyring.found
            report.set_aside = mine.set_aside
            survey.own(_own_folder(store, survey, mine, report.sent))
            changes.folders = survey.changed()
            changes.share_keys = keyring.held() if keyring.changed else None
            changes.rotated = rotated
            changes.encrypted = mine.encrypted and not known.encrypted
            if not keyring.refreshed:  # sealed files not read this round: their problems stay
                report.problems += _kept(known.problems, KEYS_PROBLEM)
            changes.added, changes.gone = _problems(store, report, known.problems)
            share_view.record(store, changes)
        report.locked_out = keyring.best() is None
        report.waiting = journal.waiting_count(store)
        # A round that wrote nothing here (most do not) shows the status it read first.
        report.status = share_status(store, known if store.writes == writes else None)
        return report


def _pull(
    store: Store,
    share: Share,
    survey: Survey,
    root: dict[str, Any] | None,
    decisions: list[KeyDecision],
    report: SyncReport,
    keyring: Keyring,
    tally: Tally,
) -> Trust:
    """Read the trusted folders' new batches and ingest them; again for folders an
    approval applied in this round trusts."""
    read: set[str] = set()
    for _pass in range(TRUST_PASSES):
        trust = Trust(decisions, root, store.workstation_id)
        keyring.trust = trust
        readable = [w for w in survey.listings if trust.readable(w) and w not in read]
        if not readable:
            break
        applied = ingest.applied_up_to(store, readable)
        folders = [
            Readable(
                w,
                survey.listings[w],
                trust.keys(w),
                survey.card(w),
                applied.get(w, (0, None)),
                keyring.open,
            )
            for w in readable
        ]
        tally.total += sum(max(0, folder.listing.last() - folder.applied[0]) for folder in folders)
        chains = [new_batches(store, share, folder) for folder in folders]
        decided = _ingest_in_stamp_order(store, chains, report, tally)
        for folder in folders:
            if folder.workstation_id not in decided:
                report.problems += folder.found
        read |= set(readable) - decided
        if report.dry_run or not report.received_events:
            break
        again = share_view.key_decisions(store)
        if again == decisions:
            break
        decisions = again
    return Trust(decisions, root, store.workstation_id)


def _first_stamp(batch: Batch) -> str:
    return batch.events[0].hlc if batch.events else ""


def _ingest_in_stamp_order(
    store: Store, chains: list[Iterator[Batch]], report: SyncReport, tally: Tally
) -> set[str]:
    """All workstations' new batches, merged by stamp, applied APPLY_EVENTS at a time.

    In stamp order, events seldom arrive older than what is already projected for
    their entity, which would make the store project that entity again from all
    its events; and one transaction for many small batches saves a disk flush each.
    A batch that erases a person, or decides on a workstation's key, is applied on
    its own; the batches of a workstation decided on are left for the next pass,
    which reads them trusting what the decision says. Returns those workstations.
    """
    chunk: list[Batch] = []
    events = 0
    decided: set[str] = set()
    part = Parts(tally)
    for batch in heapq.merge(*chains, key=_first_stamp):
        if batch.workstation_id in decided:
            continue
        alone = _alone(batch)
        if alone:
            part.ingest(store, chunk, report)
            chunk, events = [], 0
        chunk.append(batch)
        events += len(batch.events)
        if alone or events >= part.events:
            part.ingest(store, chunk, report)
            chunk, events = [], 0
        decided |= {e.entity_id for e in batch.events if e.type in _DECISIONS}
    part.ingest(store, chunk, report)
    part.finish(store)
    return decided


class Tally:
    """The batches of this round's pull, for `progress`."""

    def __init__(self, progress: Progressed | None) -> None:
        self.progress = progress
        self.applied = 0
        self.total = 0

    def count(self, batches: int) -> None:
        self.applied += batches
        if self.progress is not None and batches:
            self.progress(Progress(self.applied, max(self.applied, self.total)))


class Parts:
    """How many events the next transaction of a pull takes: as many as the last parts held
    the write lock for in about PART_SECONDS (at the slowest of their rates, as one slow
    part often comes after another), between FIRST_PART_EVENTS / 4 and APPLY_EVENTS."""

    def __init__(self, tally: Tally) -> None:
        self.tally = tally
        self.kept = KeptOnboardings()  # what the parts projected, for the next ones
        self.events = FIRST_PART_EVENTS
        self.rates: list[float] = []  # seconds a held lock per event, of the last parts
        self.checkpointed = time.perf_counter()
        self.unsaved = False

    def ingest(self, store: Store, chunk: list[Batch], report: SyncReport) -> None:
        began = time.perf_counter()
        held = _ingest(store, chunk, report, self.kept)
        self.tally.count(len(chunk))
        self.unsaved = self.unsaved or bool(chunk)
        if began - self.checkpointed > CHECKPOINT_SECONDS:
            self.finish(store)
        count = sum(len(batch.events) for batch in chunk)
        if count and held > 0:
            self.rates = [*self.rates[1 - RATE_PARTS :], held / count]
            wanted = int(PART_SECONDS / max(self.rates))
            self.events = max(FIRST_PART_EVENTS // 4, min(APPLY_EVENTS, wanted))

    def finish(self, store: Store) -> None:
        """The log copied back into the file, so that the next mark does not do it."""
        if self.unsaved:
            store.checkpoint()
            self.checkpointed, self.unsaved = time.perf_counter(), False


_DECISIONS = {
    EventType.WORKSTATION_APPROVED,
    EventType.WORKSTATION_REJECTED,
    EventType.WORKSTATION_REVOKED,
}
_ALONE = {EventType.PERSON_ERASED, *_DECISIONS}


def _alone(batch: Batch) -> bool:
    return any(event.type in _ALONE for event in batch.events)


def _ingest(store: Store, chunk: list[Batch], report: SyncReport, kept: KeptOnboardings) -> float:
    """Apply the chunk (unless a dry run); the seconds it held the write lock."""
    if not chunk:
        return 0.0
    held = 0.0
    if not report.dry_run:
        incoming = [
            ingest.IncomingBatch(b.workstation_id, b.sequence, b.sha256, b.events, b.keyid)
            for b in chunk
        ]
        applied = ingest.ingest(store, incoming, kept)
        report.pending_entities, held = applied.pending_entities, applied.held
    for batch in chunk:
        report.received[batch.workstation_id] = report.received.get(batch.workstation_id, 0) + len(
            batch.events
        )
        report.templates += [
            event.entity_id.replace("@", " v")
            for event in batch.events
            if event.type == EventType.TEMPLATE_IMPORTED
        ]
    return held


def _own_folder(store: Store, survey: Survey, mine: Own, sent: Sent) -> Folder:
    """This workstation's own line in the sync status."""
    before = survey.folders.get(store.workstation_id) or Folder(store.workstation_id, survey.now)
    offset, measured = mine.clock
    batches = journal.published(store)
    return Folder(
        workstation_id=store.workstation_id,
        first_seen=before.first_seen,
        name=mine.name,
        machine=mine.machine,
        key_id=mine.signer.keyid,
        public_key=mine.signer.public,
        batch_count=len(batches),
        last_batch=batches[-1].sequence if batches else 0,
        last_batch_seen=survey.now if sent.batches else before.last_batch_seen,
        clock_offset=offset,
        clock_measured=measured,
    )


def _kept(known: dict[str, Problem], kind: str) -> list[Found]:
    return [
        Found(p.path, p.reason, p.kind, p.workstation_id) for p in known.values() if p.kind == kind
    ]


_KEPT = "restored"  # a batch its owner wrote again: listed for 30 days
_KEEP_DAYS = 30


def _problems(
    store: Store, report: SyncReport, known: dict[str, Problem]
) -> tuple[list[Problem], list[str]]:
    """The problems found that were not known (this round's news, to be recorded), and the
    paths of those no longer found."""
    now = store.now()
    stamp = now.isoformat(timespec="seconds")
    current: dict[str, Found] = {}
    for found in report.problems:
        current.setdefault(found.path, found)
    report.new_problems = [
        f for f in current.values() if f.path not in known or known[f.path].reason != f.reason
    ]
    added = [
        Problem(f.path, f.workstation_id, f.kind, f.reason, stamp) for f in report.new_problems
    ]
    expired = (now - timedelta(days=_KEEP_DAYS)).isoformat(timespec="seconds")
    gone = [
        path
        for path, problem in known.items()
        if path not in current and (problem.kind != _KEPT or problem.first_seen < expired)
    ]
    return added, gone
