"""CLI commands that reach beyond this workstation: sync, central templates, erasure."""

from __future__ import annotations

import json
import sys

from handledare.cli_commands import CLI, open_store
from handledare.cli_output import say, warn
from handledare.config import Settings
from handledare.errors import InputError
from handledare.i18n import _, ngettext
from handledare.services import people


def _template_publish(args, settings: Settings) -> int:
    from handledare.services.sync import publish_template

    template = publish_template(open_store(settings), CLI, settings, args.file, args.share)
    say(
        _(
            "Published {id} version {version}; every workstation imports it at its next sync."
        ).format(id=template.id, version=template.version)
    )
    return 0


def _person_export(args, settings: Settings) -> int:
    from handledare.services.erasure import export_person

    store = open_store(settings)
    person = people.find_person(store, CLI, args.person)
    data = export_person(store, CLI, person.id)
    try:
        args.out.write_text(
            json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8"
        )
    except OSError as error:
        raise InputError(
            _("The file {path} cannot be written: {error}").format(path=args.out, error=error)
        ) from error
    say(
        _("Wrote everything stored about {name} to {path}.").format(name=person.name, path=args.out)
    )
    return 0


def _person_erase(args, settings: Settings) -> int:
    from handledare.services.erasure import erase_person

    store = open_store(settings)
    person = people.find_person(store, CLI, args.person)
    if not args.yes:
        if not sys.stdin.isatty():
            raise InputError(_("Confirm with --yes when not running interactively."))
        typed = input(_("Type the person's full name to erase their data: "))
        if typed.strip() != person.name.strip():
            raise InputError(_("The name did not match. Nothing was erased."))
    removed = erase_person(store, CLI, person.id)
    say(
        _(
            "{name}'s name and free text are erased here. Every workstation erases them "
            "and rewrites its files on the share at its next sync."
        ).format(name=person.name)
    )
    if removed:
        say(_("Removed {count} old backup copies of the database.").format(count=removed))
    return 0


def _sync(args, settings: Settings) -> int:
    from handledare.services.sync import sync_now

    report = sync_now(open_store(settings), settings, args.share, dry_run=args.dry_run)
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


SHARE_COMMANDS = {
    ("template", "publish"): _template_publish,
    ("person", "export"): _person_export,
    ("person", "erase"): _person_erase,
    ("sync", None): _sync,
}
