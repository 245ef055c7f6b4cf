"""When the app syncs, and what the status line says about it.

A round runs on start, after each sign-off, every few minutes and on F5, always
in a worker. A share that cannot be reached is normal: the status line says
so and how much is waiting; only a workstation id clash interrupts the user.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from handledare.i18n import _, format_relative, ngettext
from handledare.tui.background import in_background

if TYPE_CHECKING:
    from handledare.services.sync import RoundOutcome

SYNC_EVERY_SECONDS = 180
REFRESH_TEXT_SECONDS = 30


class SyncCoordinator:
    def __init__(self, app):
        self.app = app
        self.running = False
        self.outcome: RoundOutcome | None = None
        self.failed = False
        self.finished_at: datetime | None = None

    def start(self) -> None:
        self.app.set_interval(SYNC_EVERY_SECONDS, self.request)
        self.app.set_interval(REFRESH_TEXT_SECONDS, self.show)
        self.request()

    def request(self) -> None:
        app = self.app
        if self.running or app.store is None or (self.outcome and self.outcome.stopped):
            return
        if app.settings.share_path is None:
            self.show()
            return
        self.running = True
        self.show()
        store, settings = app.store, app.settings

        def round_() -> RoundOutcome:
            # Imported in the worker: services.sync loads SQLModel, which the start never waits for.
            from handledare.services import sync

            return sync.try_sync(store, settings)

        in_background(app, round_, self._finished, failed=self._failed, group="sync")

    def _finished(self, outcome: RoundOutcome) -> None:
        self.running = False
        self.outcome = outcome
        self.failed = False
        self.finished_at = self.app.clock()
        if outcome.stopped:
            self.app.show_error(outcome.stopped)
        self.show()

    def _failed(self, _message: str) -> None:
        """Whatever went wrong, the status line says what it says of a share out of reach."""
        self.running = False
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
        outcome = self.outcome
        if outcome is None:
            return ""
        if outcome.stopped:
            return _("Sync stopped: this workstation's id is used elsewhere (see the message)")
        parts = []
        if outcome.offline:
            parts.append(_("Share not reachable: working offline"))
        else:
            parts.append(
                _("Synced {when}").format(when=format_relative(self.finished_at, self.app.clock()))
            )
        if outcome.waiting:
            parts.append(
                ngettext(
                    "{count} change waiting", "{count} changes waiting", outcome.waiting
                ).format(count=outcome.waiting)
            )
        report = outcome.report
        if report and report.skipped:
            parts.append(
                ngettext(
                    "{count} file skipped (see handledare sync)",
                    "{count} files skipped (see handledare sync)",
                    len(report.skipped),
                ).format(count=len(report.skipped))
            )
        if report and report.clock_warning:
            parts.append(
                _("this computer's clock is {minutes} min off").format(
                    minutes=round(abs(report.clock_skew) / 60)
                )
            )
        return " · ".join(parts)
