"""`handledare allowed`: who was allowed to do a task on a given day, and on what grounds."""

from __future__ import annotations

from handledare.cli.access import add_sign_in
from handledare.cli.output import as_json, say, table
from handledare.cli.parsing import Commands, add_json_flag, command
from handledare.config import Settings
from handledare.i18n import _, format_date, format_datetime


def register(commands: Commands) -> None:
    allowed = command(
        commands,
        "allowed",
        _("who held a valid delegation or sign-off for a task on a day (or what one person did)"),
        _allowed,
    )
    allowed.add_argument("--task", help=_("a task key or an item key"))
    allowed.add_argument(
        "--person", help=_("instead of --task: every task this person was allowed")
    )
    allowed.add_argument("--on", required=True, help=_("the day YYYY-MM-DD"))
    allowed.add_argument("--unit", help=_("only this unit"))
    add_json_flag(allowed)
    add_sign_in(allowed)


def _allowed(args, settings: Settings) -> int:
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.cli.access import open_store, sign_in
    from handledare.cli.reports import parse_given_day
    from handledare.errors import InputError
    from handledare.services import allowed, people, workstations

    if bool(args.task) == bool(args.person):
        raise InputError(_("Give either --task or --person."))
    day = parse_given_day(args.on, "--on")
    store = open_store(settings)
    actor = sign_in(store, args)
    if args.task:
        unit_id = people.find_unit(store, args.unit).id if args.unit else None
        found = allowed.allowed_on(store, actor, args.task, day, unit_id)
    else:
        person = people.find_person(store, actor, args.person)
        found = allowed.allowed_for_person(store, actor, person.id, day)
    if args.json:
        as_json({"on": day.isoformat(), "allowed": [a.as_dict() for a in found]})
        return 0
    if not found:
        say(_("Nobody held a valid delegation or sign-off for it on {day}.").format(
            day=format_date(day)))  # fmt: skip
        return 0
    known = workstations.names(store)
    table(
        [_("Name"), _("Task"), _("Ground"), _("By"), _("When"), _("Workstation"), _("Valid")],
        [
            [a.person_name, a.task_title, a.ground, a.by, format_datetime(a.at),
             workstations.label(a.workstation, known.get(a.workstation)), a.days_text()]
            for a in found
        ],
    )  # fmt: skip
    return 0
