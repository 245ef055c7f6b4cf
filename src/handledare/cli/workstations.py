"""`handledare workstation`: the workstations seen on the share, and an administrator's
decisions on them (approve, reject, revoke), each confirmed with their PIN."""

from __future__ import annotations

from handledare.cli.access import add_sign_in, open_store, sign_in
from handledare.cli.output import as_json, say, table
from handledare.cli.parsing import Commands, add_json_flag, command, group
from handledare.config import Settings
from handledare.domain.events import EventType
from handledare.i18n import _


def register(commands: Commands) -> None:
    workstation = group(commands, "workstation", _("workstations that sync through the share"))
    add_json_flag(command(workstation, "list", _("list the workstations seen on the share"), _list))
    help_name = _("the workstation's name or id")
    for action, text, handler in (
        ("approve", _("apply a workstation's folder everywhere (administrator, PIN)"), _approve),
        ("reject", _("never apply a workstation's folder (administrator, PIN)"), _reject),
        ("revoke", _("refuse what a stolen or retired workstation signs from now on"), _revoke),
    ):
        parser = command(workstation, action, text, handler)
        parser.add_argument("workstation", metavar=_("WORKSTATION"), help=help_name)
        if action == "revoke":
            parser.add_argument("--reason", required=True, help=_("why, for the record"))
        else:
            parser.set_defaults(reason=None)
        add_sign_in(parser)


def _list(args, settings: Settings) -> int:
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.services.sync import share_status

    workstations = share_status(open_store(settings)).workstations
    if args.json:
        as_json([as_dict(w) for w in workstations])
        return 0
    table(
        [_("Name"), _("Machine"), _("State"), _("Signing key"), _("Batches"), _("First seen"),
         _("Id")],
        [
            [w.name, w.machine, w.state.label, w.key or "", str(w.batches), w.first_seen,
             w.workstation_id]
            for w in workstations
        ],
    )  # fmt: skip
    return 0


def _decide(args, settings: Settings, kind: str, done: str) -> int:
    """Sign in (the administrator's PIN), then record the decision on the workstation."""
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.services import workstations

    store = open_store(settings)
    found = workstations.find(store, args.workstation)
    actor = sign_in(store, args)
    workstations.decide(store, actor, found.workstation_id, EventType(kind), args.reason)
    say(done.format(name=found.name, key=found.key))
    say(_("Every workstation follows at its next sync."))
    return 0


def _approve(args, settings: Settings) -> int:
    return _decide(args, settings, "workstation.approved", _("Approved {name} (key {key})."))


def _reject(args, settings: Settings) -> int:
    return _decide(args, settings, "workstation.rejected", _("Rejected {name} (key {key})."))


def _revoke(args, settings: Settings) -> int:
    done = _("Revoked the key of {name} (key {key}).")
    return _decide(args, settings, "workstation.revoked", done)


def as_dict(w) -> dict:
    """A workstation as `--json` prints it (here and in `sync status`)."""
    return {
        "id": w.workstation_id,
        "name": w.name,
        "machine": w.machine,
        "state": w.state.value,
        "key": w.key,
        "batches": w.batches,
        "last_batch": w.last_batch,
        "last_batch_seen": w.last_batch_seen,
        "first_seen": w.first_seen,
        "clock_offset_seconds": w.clock_offset,
        "offset_from_here_seconds": w.offset_here,
        "clock_skewed": w.skewed,
    }
