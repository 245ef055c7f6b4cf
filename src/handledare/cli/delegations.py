"""`handledare delegation`: tasks a nurse delegates, given, answered, revoked and renewed."""

from __future__ import annotations

from pathlib import Path

from handledare.cli.access import add_sign_in
from handledare.cli.output import as_json, say, table
from handledare.cli.parsing import Commands, add_json_flag, command, group
from handledare.config import Settings
from handledare.i18n import _, current_language


def register(commands: Commands) -> None:
    delegation = group(commands, "delegation", _("delegation of health-care tasks by a nurse"))
    task_list = command(delegation, "tasks", _("the tasks that can be delegated"), _tasks)
    add_json_flag(task_list)
    task_import = command(
        delegation, "import-tasks", _("import the municipality's task list"), _import_tasks
    )
    task_import.add_argument(
        "file", nargs="?", type=Path, help=_("a task list file (default: the bundled list)")
    )
    add_sign_in(task_import)

    id_help = _("the delegation's id (its first 8 characters are enough)")
    signing = _("read the PIN from standard input, twice, one a line: to sign in, then to sign")
    give = command(delegation, "give", _("delegate tasks to a person (nurse, with PIN)"), _give)
    give.add_argument("--person", required=True, help=_("name, employee number or id"))
    give.add_argument("--task", action="append", required=True, help=_("a task key (repeat)"))
    give.add_argument("--from", dest="first", help=_("first day YYYY-MM-DD (default: today)"))
    give.add_argument("--to", dest="last", required=True, help=_("last day YYYY-MM-DD"))
    give.add_argument("--conditions", help=_("conditions, in free text"))
    add_sign_in(give, signing)

    accept = command(delegation, "accept", _("the person accepts a delegation"), _accept)
    accept.add_argument("id", metavar="ID", help=id_help)
    accept.add_argument(
        "--typed-name", required=True, help=_("the person's full name, typed by them")
    )
    add_sign_in(accept)
    decline = command(delegation, "decline", _("the person declines, with a reason"), _decline)
    decline.add_argument("id", metavar="ID", help=id_help)
    decline.add_argument("--reason", required=True, help=_("why"))
    add_sign_in(decline)
    revoke = command(delegation, "revoke", _("end a delegation now (nurse or manager)"), _revoke)
    revoke.add_argument("id", metavar="ID", help=id_help)
    revoke.add_argument("--reason", required=True, help=_("why"))
    add_sign_in(revoke, signing)
    renew = command(delegation, "renew", _("a new delegation of the same tasks"), _renew)
    renew.add_argument("id", metavar="ID", help=id_help)
    renew.add_argument("--from", dest="first", help=_("first day YYYY-MM-DD (default: today)"))
    renew.add_argument("--to", dest="last", required=True, help=_("last day YYYY-MM-DD"))
    renew.add_argument("--conditions", help=_("conditions, in free text"))
    add_sign_in(renew, signing)

    listing = command(delegation, "list", _("list delegations"), _list)
    listing.add_argument("--person", help=_("only this person"))
    listing.add_argument("--unit", help=_("only this unit"))
    listing.add_argument("--mine", action="store_true", help=_("only those I gave"))
    add_json_flag(listing)
    add_sign_in(listing)


def _day(text: str | None, what: str):
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from datetime import date

    from handledare.cli.reports import parse_day

    return parse_day(text, what) or date.today()


def _tasks(args, settings: Settings) -> int:
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.cli.access import open_store
    from handledare.services import delegations

    tasks = delegations.list_tasks(open_store(settings))
    if args.json:
        as_json([{"key": t.key, "title": t.title.as_dict()} for t in tasks])
    else:
        language = current_language()
        table([_("Key"), _("Task")], [[t.key, t.title.get(language)] for t in tasks])
    return 0


def _import_tasks(args, settings: Settings) -> int:
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.cli.access import open_store, sign_in
    from handledare.services import delegations

    store = open_store(settings)
    count = delegations.import_tasks(store, sign_in(store, args), args.file)
    say(_("{count} tasks new or retitled.").format(count=count))
    return 0


def _give(args, settings: Settings) -> int:
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.cli.access import open_store, sign_in
    from handledare.services import delegations, people

    store = open_store(settings)
    actor = sign_in(store, args)
    person = people.find_person(store, actor, args.person)
    # The PIN typed at sign-in is the nurse's signature: the service checks it once more.
    delegation_id = delegations.give(
        store, actor, person.id, args.task, _day(args.first, "--from"), _day(args.last, "--to"),
        _signature(args), args.conditions, settings.delegation_max_months,
    )  # fmt: skip
    say(
        _("Delegated to {name} ({id}); valid once {name} has accepted it.").format(
            name=person.name, id=delegation_id[:8]
        )
    )
    return 0


def _signature(args) -> str:
    """The PIN once more, as the signature of a decision (from standard input or asked)."""
    from handledare.cli.access import read_pin  # start time: see cli/__init__.py

    return read_pin(args, _("PIN again, to sign: "))


def _accept(args, settings: Settings) -> int:
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.cli.access import open_store, sign_in
    from handledare.services import delegations

    store = open_store(settings)
    actor = sign_in(store, args)
    delegation_id = delegations.find_delegation_id(store, actor, args.id)
    delegations.accept(store, actor, delegation_id, args.typed_name)
    say(_("Accepted; the delegation is valid from its first day."))
    return 0


def _decline(args, settings: Settings) -> int:
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.cli.access import open_store, sign_in
    from handledare.services import delegations

    store = open_store(settings)
    actor = sign_in(store, args)
    delegations.decline(
        store, actor, delegations.find_delegation_id(store, actor, args.id), args.reason
    )
    say(_("Declined; the delegation will never be valid."))
    return 0


def _revoke(args, settings: Settings) -> int:
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.cli.access import open_store, sign_in
    from handledare.services import delegations

    store = open_store(settings)
    actor = sign_in(store, args)
    delegation_id = delegations.find_delegation_id(store, actor, args.id)
    delegations.revoke(store, actor, delegation_id, args.reason, _signature(args))
    say(_("Revoked."))
    return 0


def _renew(args, settings: Settings) -> int:
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.cli.access import open_store, sign_in
    from handledare.services import delegations

    store = open_store(settings)
    actor = sign_in(store, args)
    old = delegations.find_delegation_id(store, actor, args.id)
    new = delegations.renew(
        store, actor, old, _day(args.first, "--from"), _day(args.last, "--to"),
        _signature(args), args.conditions, settings.delegation_max_months,
    )  # fmt: skip
    say(_("Renewed as {id}; valid once the person has accepted it.").format(id=new[:8]))
    return 0


def _list(args, settings: Settings) -> int:
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from datetime import date

    from handledare.cli.access import open_store, sign_in
    from handledare.services import people
    from handledare.services.delegation_views import list_delegations

    store = open_store(settings)
    actor = sign_in(store, args)
    found = list_delegations(
        store,
        actor,
        person_id=people.find_person(store, actor, args.person).id if args.person else None,
        unit_id=people.find_unit(store, args.unit).id if args.unit else None,
        nurse_id=actor.user_id if args.mine else None,
    )
    today = date.today()
    warning = settings.expiry_warning_days
    if args.json:
        as_json(
            [
                {
                    "id": d.id,
                    "person": d.person_name,
                    "unit": d.unit_name,
                    "nurse": d.nurse_name,
                    "profession": d.profession.value if d.profession else None,
                    "tasks": list(d.task_keys),
                    "valid_from": d.valid_from.isoformat(),
                    "valid_until": d.valid_until.isoformat(),
                    "status": d.status.value,
                    "validity": (s.value if (s := d.state(today, warning)) else None),
                    "last_day": (w.last.isoformat() if (w := d.window()) and w.last else None),
                    "renews": d.renews,
                    "renewed_by": d.renewed_by,
                    "conflicts": len(d.conflicts),
                }
                for d in found
            ]
        )
        return 0
    table(
        [_("Id"), _("Name"), _("Tasks"), _("Period"), _("State"), _("Delegated by")],
        [
            [d.short_id, d.person_name, d.tasks_text(), d.period_text(),
             d.shown(today, warning), d.nurse_name]
            for d in found
        ],
    )  # fmt: skip
    return 0
