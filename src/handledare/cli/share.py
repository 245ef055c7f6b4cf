"""`handledare sync`: one round with the central share, from the command line."""

from __future__ import annotations

from pathlib import Path

from handledare.cli.access import add_sign_in
from handledare.cli.output import say, warn
from handledare.cli.parsing import Commands, command
from handledare.config import Settings
from handledare.i18n import _, ngettext


def register(commands: Commands) -> None:
    sync = command(commands, "sync", _("one sync round with the central share"), _sync)
    sync.add_argument("--share", type=Path, help=_("the share's folder (overrides the config)"))
    sync.add_argument(
        "--dry-run", action="store_true", help=_("only show what would be sent and received")
    )
    add_sign_in(sync)


def _sync(args, settings: Settings) -> int:
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.cli.access import open_store, sign_in
    from handledare.services.sync import sync_now

    store = open_store(settings)
    sign_in(store, args)  # any user: a round changes this workstation's data
    report = sync_now(store, settings, args.share, dry_run=args.dry_run)
    if report.dry_run:
        say(_("Dry run: nothing was sent or applied."))
    say(
        ngettext("Sent: {count} change", "Sent: {count} changes", report.sent_events).format(
            count=report.sent_events
        )
    )
    say(
        ngettext(
            "Received: {count} change", "Received: {count} changes", report.received_events
        ).format(count=report.received_events)
    )
    for workstation_id, count in sorted(report.received.items()):
        say(f"  {workstation_id}: {count}")
    if report.waiting:
        say(_("Waiting to be sent: {count}").format(count=report.waiting))
    if report.pending_entities:
        say(
            _("{count} records wait for changes from a workstation not read yet.").format(
                count=report.pending_entities
            )
        )
    if report.clock_warning:
        warn(
            _(
                "This computer's clock differs from the share's by {seconds} seconds. "
                "Ask IT to set the time; the order of changes stays correct."
            ).format(seconds=round(report.clock_skew))
        )
    if report.skipped:
        warn(
            ngettext("Skipped {count} file:", "Skipped {count} files:", len(report.skipped)).format(
                count=len(report.skipped)
            )
        )
        for skipped in report.skipped:
            warn(f"  {skipped.path}: {skipped.reason}")
        return 1
    return 0
