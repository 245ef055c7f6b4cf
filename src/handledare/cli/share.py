"""`handledare sync`: one round with the central share, and what is known of its health."""

from __future__ import annotations

from pathlib import Path

from handledare.cli.access import add_sign_in, open_store, sign_in
from handledare.cli.output import as_json, say, table, warn
from handledare.cli.parsing import Commands, add_json_flag, command
from handledare.cli.workstations import as_dict
from handledare.config import Settings
from handledare.i18n import _, ngettext


def register(commands: Commands) -> None:
    sync = command(commands, "sync", _("one sync round with the central share"), _sync)
    sync.add_argument("--share", type=Path, help=_("the share's folder (overrides the config)"))
    sync.add_argument(
        "--dry-run", action="store_true", help=_("only show what would be sent and received")
    )
    add_sign_in(sync)
    actions = sync.add_subparsers(dest="action", metavar=_("ACTION"))
    status = command(
        actions,
        "status",
        _("each workstation on the share: trust, last batch, clock; and every problem file"),
        _status,
    )
    add_json_flag(status)


def _sync(args, settings: Settings) -> int:
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.services.people import has_users
    from handledare.services.sync import sync_now

    store = open_store(settings)
    # Any user: a round changes this workstation's data. A workstation with no users yet
    # is joining the share: it has nothing to protect and learns its users by syncing.
    if has_users(store):
        sign_in(store, args)
    report = sync_now(store, settings, args.share, dry_run=args.dry_run)
    for line in _report_lines(report):
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


def _report_lines(report) -> list[str]:
    """What a round did (or, dry, would do), with workstations by name."""
    from handledare.services.sync import describe_offset  # start time, as above

    sent, received = report.sent.events, report.received_events
    if report.dry_run:
        lines = [
            _("Dry run: nothing was sent, applied or written."),
            ngettext("Would send: {count} change", "Would send: {count} changes", sent).format(
                count=sent
            ),
            ngettext(
                "Would receive: {count} change", "Would receive: {count} changes", received
            ).format(count=received),
        ]
    else:
        lines = [
            ngettext("Sent: {count} change", "Sent: {count} changes", sent).format(count=sent),
            ngettext("Received: {count} change", "Received: {count} changes", received).format(
                count=received
            ),
        ]
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
    if report.locked_out and not report.dry_run:
        lines.append(
            _(
                "This workstation is not approved yet: it reads nothing from the share and "
                "sends nothing but its card. An administrator approves it on another "
                "workstation ('handledare workstation approve'); compare the key that "
                "'handledare sync status' shows here."
            )
        )
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
    lines += [
        _("A file that was not this workstation's batch was moved aside: {path}").format(path=path)
        for path in report.set_aside
    ]
    status = report.status
    lines += [
        _(
            "Waiting for approval: {name} ({machine}), key {key}, {count} batches, "
            "first seen {first}. An administrator approves it with "
            "'handledare workstation approve'."
        ).format(name=w.name, machine=w.machine, key=w.key, count=w.batches, first=w.first_seen)
        for w in status.waiting
    ]
    lines += [
        _("The clock of {name} is {offset} of the share's. Ask IT to set its time.").format(
            name=w.name, offset=describe_offset(offset)
        )
        for w, offset in status.skewed_clocks
    ]
    if len(status.problems) > len(report.new_problems):
        lines.append(
            _("Known problems on the share: {count} (handledare sync status)").format(
                count=len(status.problems)
            )
        )
    return lines


def _status(args, settings: Settings) -> int:
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.services.sync import describe_offset, share_status

    status = share_status(open_store(settings))
    if args.json:
        as_json(
            {
                "root": status.root,
                "workstations": [as_dict(w) for w in status.workstations],
                "problems": [
                    {"path": p.path, "kind": p.kind, "reason": p.reason, "since": p.first_seen}
                    for p in status.problems
                ],
            }
        )
        return 0
    table(
        [_("Workstation"), _("Machine"), _("State"), _("Signing key"), _("Last batch"), _("Seen"),
         _("Clock against this one")],
        [
            [
                w.name + (" ⚠" if w.skewed else ""),
                w.machine,
                w.state.label,
                w.key or "",
                str(w.last_batch),
                w.last_batch_seen or "",
                "" if w.offset_here is None else describe_offset(w.offset_here),
            ]
            for w in status.workstations
        ],
    )  # fmt: skip
    for w, offset in status.skewed_clocks:
        say(
            _("The clock of {name} is {offset} of the share's. Ask IT to set its time.").format(
                name=w.name, offset=describe_offset(offset)
            )
        )
    if status.problems:
        say("")
        say(_("Files on the share that could not be used:"))
        for problem in status.problems:
            say(f"  {problem.path}: {problem.reason}")
    return 0
