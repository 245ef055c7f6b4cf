"""When the app syncs, and what the status line says about it.

A round runs on start, after each sign-off, every few minutes and on F5, always
in a worker. A share that cannot be reached is normal: the status line says
so and how much is waiting; only a workstation id clash interrupts the user.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import TYPE_CHECKING

from handledare.domain.enums import Role
from handledare.i18n import _, format_relative, ngettext
from handledare.tui.app_base import AppBase
from handledare.tui.background import in_background

if TYPE_CHECKING:
    from handledare.services.sync import Progress, RoundOutcome, ShareStatus, SyncReport

SYNC_EVERY_SECONDS = 180
REFRESH_TEXT_SECONDS = 30
# A pull of at least this many batch files shows a progress bar, updated this often.
SHOW_PROGRESS_FROM = 100
PROGRESS_EVERY_SECONDS = 0.5


class SyncCoordinator:
    def __init__(self, app: AppBase) -> None:
        self.app = app
        self.running = False
        self.outcome: RoundOutcome | None = None
        self.failed = False
        self.finished_at: datetime | None = None
        self.told: set[str] = set()
        self.progress_shown_at = 0.0

    def start(self) -> None:
        self.app.set_interval(SYNC_EVERY_SECONDS, self.request)
        self.app.set_interval(REFRESH_TEXT_SECONDS, self.show)
        self.request()

    def request(self) -> None:
        app = self.app
        if self.running or (self.outcome and self.outcome.stopped):
            return
        if app.settings.share_path is None:
            self.show()
            return
        self.running = True
        self.show()
        settings = app.settings

        def round_() -> RoundOutcome:
            # Imported in the worker: services.sync loads SQLModel, which the start never waits for.
            from handledare.services import sync

            return sync.try_sync(app.store_when_open(), settings, self._progress_from_worker)

        in_background(app, round_, self._finished, failed=self._failed, group="sync")

    def _progress_from_worker(self, progress: Progress) -> None:
        """Told by the round after each part of a pull; the screen hears of it twice a second
        at most, and only of a long pull."""
        now = time.monotonic()
        last = progress.applied >= progress.total
        if progress.total < SHOW_PROGRESS_FROM:
            return
        if not last and now - self.progress_shown_at < PROGRESS_EVERY_SECONDS:
            return
        self.progress_shown_at = now
        self.app.call_from_thread(self._progressed, progress.applied, progress.total)

    def _progressed(self, applied: int, total: int) -> None:
        """What has arrived so far can be used: the users, to sign in; the lists show more."""
        if not self.running:
            return
        self.app.sync_progress = (applied, total)
        self._offer_sign_in()

    def _finished(self, outcome: RoundOutcome) -> None:
        self.running = False
        self.app.sync_progress = None
        self.outcome = outcome
        self.failed = False
        self.finished_at = self.app.clock()
        if outcome.stopped:
            self.app.show_error(outcome.stopped)
        self._tell_admin(outcome.status)
        self.show()
        if outcome.report is not None and outcome.report.received_events:
            self._offer_sign_in()

    def _offer_sign_in(self) -> None:
        """A computer joining a share shows its first-run screen until its users arrive."""
        # Imported when needed: the first-run screen's services load SQLModel.
        from handledare.services.people import has_users
        from handledare.tui.screens.first_run import FirstRunScreen

        app, screen = self.app, self.app.screen
        if not isinstance(screen, FirstRunScreen):
            return

        def arrived(yes: bool) -> None:
            if yes and self.app.screen is screen:
                screen.users_arrived()

        in_background(app, lambda: has_users(app.store_when_open()), arrived)

    def _tell_admin(self, status: ShareStatus | None) -> None:
        """An administrator is told once of workstations that wait for their approval."""
        if status is None or self.app.role is not Role.ADMIN:
            return
        waiting = {w.workstation_id for w in status.waiting}
        if waiting - self.told:
            self.app.notify(
                ngettext(
                    "{count} workstation waits for your approval: F6 shows it.",
                    "{count} workstations wait for your approval: F6 shows them.",
                    len(waiting),
                ).format(count=len(waiting)),
                timeout=15,
            )
        self.told |= waiting

    def _failed(self, _message: str) -> None:
        """Whatever went wrong, the status line says what it says of a share out of reach."""
        self.running = False
        self.app.sync_progress = None
        self.outcome = None
        self.failed = True
        self.show()

    def show(self) -> None:
        self.app.sync_status = self.describe()

    def describe(self) -> str:
        if self.app.settings.share_path is None:
            return _("Sync: no share is configured")
        if self.running:
            return _("Syncing …")
        if self.failed:
            return _("Share not reachable: working offline")
        outcome, finished_at = self.outcome, self.finished_at
        if outcome is None or finished_at is None:
            return ""
        if outcome.stopped:
            return _("Sync stopped: this workstation's id is used elsewhere (see the message)")
        parts = []
        if outcome.offline:
            parts.append(_("Share not reachable: working offline"))
        else:
            parts.append(
                _("Synced {when}").format(when=format_relative(finished_at, self.app.clock()))
            )
        parts += _share_notes(outcome.status)
        if outcome.waiting:
            parts.append(
                ngettext(
                    "{count} change waiting", "{count} changes waiting", outcome.waiting
                ).format(count=outcome.waiting)
            )
        parts += _round_news(outcome.report)
        return " · ".join(parts)


def _round_news(report: SyncReport | None) -> list[str]:
    """What the last round brought, by workstation name; templates it imported."""
    if report is None:
        return []
    news = [
        ngettext("{count} change from {name}", "{count} changes from {name}", count).format(
            count=count, name=report.name_of(workstation_id)
        )
        for workstation_id, count in sorted(report.received.items())
        if count
    ]
    if report.templates:
        news.append(
            _("templates from the share: {names}").format(names=", ".join(report.templates))
        )
    return news


def _share_notes(status: ShareStatus | None) -> list[str]:
    """What every workstation should know of the share: problems, approvals, skewed clocks."""
    # Imported here: the sync service loads the store, which the app's start must not wait for.
    from handledare.services.sync import describe_offset

    if status is None:
        return []
    notes = [
        _("the clock of {name} is {offset}").format(
            name=workstation.name, offset=describe_offset(offset)
        )
        for workstation, offset in status.skewed_clocks
    ]
    if status.problems:
        notes.append(
            ngettext(
                "{count} file on the share has a problem (see sync status)",
                "{count} files on the share have problems (see sync status)",
                len(status.problems),
            ).format(count=len(status.problems))
        )
    if status.waiting:
        notes.append(
            ngettext(
                "{count} workstation waits for approval",
                "{count} workstations wait for approval",
                len(status.waiting),
            ).format(count=len(status.waiting))
        )
    return notes
