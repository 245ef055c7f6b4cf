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
    for line in sync_report_lines(report):
        say(line)
    if report.new_problems:
        warn(
            ngettext(
                "{count} file on the share could not be used:",
                "{count} files on the share could not be used:",
                len(report.new_problems),
            ).format(count=len(report.new_problems))
        )
        for found in report.new_problems:
            warn(f"  {found.path}: {found.reason}")
        return 1
    return 0


def sync_report_lines(report) -> list[str]:
    """What a round did (or, dry, would do), with workstations by name."""
    from handledare.sync.status import describe_offset

    lines = []
    sent, received = report.sent.events, report.received_events
    if report.dry_run:
        lines.append(_("Dry run: nothing was sent, applied or written."))
        lines.append(
            ngettext("Would send: {count} change", "Would send: {count} changes", sent).format(
                count=sent
            )
        )
        lines.append(
            ngettext(
                "Would receive: {count} change", "Would receive: {count} changes", received
            ).format(count=received)
        )
    else:
        lines.append(
            ngettext("Sent: {count} change", "Sent: {count} changes", sent).format(count=sent)
        )
        lines.append(
            ngettext("Received: {count} change", "Received: {count} changes", received).format(
                count=received
            )
        )
    for workstation_id, count in sorted(report.received.items()):
        lines.append(f"  {report.name_of(workstation_id)}: {count}")
    if report.templates:
        lines.append(
            _("Checklist templates from the share: {names}").format(
                names=", ".join(report.templates)
            )
        )
    if report.waiting and not report.dry_run:
        lines.append(_("Waiting to be sent: {count}").format(count=report.waiting))
    if report.pending_entities:
        lines.append(
            _("{count} records wait for changes from a workstation not read yet.").format(
                count=report.pending_entities
            )
        )
    if report.trusted_root:
        lines.append(
            _(
                "This workstation now trusts the workstation that set up the share (key {key})."
            ).format(key=report.trusted_root)
        )
    for path in report.set_aside:
        lines.append(
            _("A file that was not this workstation's batch was moved aside: {path}").format(
                path=path
            )
        )
    status = report.status
    for workstation in status.waiting if status else []:
        lines.append(
            _(
                "Waiting for approval: {name} ({machine}), key {key}, {count} batches, "
                "first seen {first}. An administrator approves it with "
                "'handledare workstation approve'."
            ).format(
                name=workstation.name,
                machine=workstation.machine,
                key=workstation.key,
                count=workstation.batches,
                first=workstation.first_seen,
            )
        )
    for workstation in status.skewed if status else []:
        lines.append(
            _("The clock of {name} is {offset} of the share's. Ask IT to set its time.").format(
                name=workstation.name, offset=describe_offset(workstation.clock_offset)
            )
        )
    if status and len(status.problems) > len(report.new_problems):
        lines.append(
            _("Known problems on the share: {count} (handledare sync status)").format(
                count=len(status.problems)
            )
        )
    return lines


SHARE_COMMANDS = {
    ("template", "publish"): _template_publish,
    ("person", "export"): _person_export,
    ("person", "erase"): _person_erase,
    ("sync", None): _sync,
}
