"""`handledare person` and `handledare status`: the substitutes, their data and progress."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

from handledare.cli.access import add_sign_in, open_store, sign_in
from handledare.cli.output import as_json, say, table
from handledare.cli.parsing import Commands, add_json_flag, command, group
from handledare.config import Settings
from handledare.domain.enums import EmploymentType
from handledare.errors import InputError
from handledare.i18n import _, current_language, format_date


def register(commands: Commands) -> None:
    person_help = _("name, employee number or id")
    person = group(commands, "person", _("substitutes"))
    add = command(person, "add", _("add a substitute"), _add)
    add.add_argument("--name", required=True, help=_("full name"))
    add.add_argument("--unit", required=True, help=_("unit name or id"))
    add.add_argument("--start", help=_("start date YYYY-MM-DD (default: today)"))
    add.add_argument(
        "--employment",
        choices=["hourly", "temporary", "permanent"],
        default="hourly",
        help=_("employment type"),
    )
    add.add_argument("--employee-number", help=_("employee number (optional)"))
    language_help = _(
        "the language the substitute reads best, e.g. sv, en, ar (default sv): "
        "their own plan is printed in it beside Swedish"
    )
    add.add_argument("--language", default="sv", help=language_help)
    add_sign_in(add)
    edit = command(person, "edit", _("change what is registered about a substitute"), _edit)
    edit.add_argument("person", metavar=_("PERSON"), help=person_help)
    edit.add_argument("--language", required=True, help=language_help)
    add_sign_in(edit)
    export = command(person, "export", _("everything stored about one substitute"), _export)
    export.add_argument("person", metavar=_("PERSON"), help=person_help)
    export.add_argument("--out", type=Path, required=True, help=_("the JSON file to write"))
    add_sign_in(export)
    erase = command(
        person,
        "erase",
        _("erase a substitute's personal data here and, at their next sync, everywhere"),
        _erase,
    )
    erase.add_argument("person", metavar=_("PERSON"), help=person_help)
    add_sign_in(erase)
    listing = command(person, "list", _("list substitutes"), _list)
    listing.add_argument("--unit", help=_("only this unit"))
    add_json_flag(listing)
    add_sign_in(listing)

    status = command(commands, "status", _("progress of one substitute"), _status)
    status.add_argument("person", metavar=_("PERSON"), help=person_help)
    add_json_flag(status)
    add_sign_in(status)


def _parse_date(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise InputError(
            _("The date {value} is not valid; expected YYYY-MM-DD.").format(value=value)
        ) from error


def _add(args, settings: Settings) -> int:
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.services import people

    store = open_store(settings)
    actor = sign_in(store, args)
    unit = people.find_unit(store, args.unit)
    person = people.add_person(
        store,
        actor,
        args.name,
        unit.id,
        _parse_date(args.start),
        EmploymentType(args.employment),
        args.employee_number,
        args.language,
    )
    say(_("Added {name} in {unit} ({id}).").format(name=person.name, unit=unit.name, id=person.id))
    return 0


def _edit(args, settings: Settings) -> int:
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.cli.access import open_store, sign_in
    from handledare.i18n import language_name
    from handledare.services import people

    store = open_store(settings)
    actor = sign_in(store, args)
    person = people.find_person(store, actor, args.person)
    people.set_person_language(store, actor, person.id, args.language)
    say(
        _("{name}'s language is now {language}.").format(
            name=person.name, language=language_name(args.language)
        )
    )
    return 0


def _list(args, settings: Settings) -> int:
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.services import people

    store = open_store(settings)
    actor = sign_in(store, args)
    unit_id = people.find_unit(store, args.unit).id if args.unit else None
    rows = people.list_people(store, actor, unit_id)
    if args.json:
        as_json(
            [
                {
                    "id": p.id,
                    "name": p.name,
                    "unit": p.unit_name,
                    "employment_type": p.employment_type.value,
                    "start_date": p.start_date.isoformat(),
                    "employee_number": p.employee_number,
                    "language": p.language,
                }
                for p in rows
            ]
        )
    else:
        table(
            [
                _("Name"),
                _("Unit"),
                _("Employment"),
                _("Start"),
                _("Employee no."),
                _("Language"),
                _("Id"),
            ],
            [
                [
                    p.name,
                    p.unit_name,
                    p.employment_type.label,
                    format_date(p.start_date),
                    p.employee_number or "",
                    p.language,
                    p.id,
                ]
                for p in rows
            ],
        )
    return 0


def _export(args, settings: Settings) -> int:
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.services import people
    from handledare.services.erasure import export_person
    from handledare.services.exports import write_whole

    store = open_store(settings)
    actor = sign_in(store, args)
    person = people.find_person(store, actor, args.person)
    data = export_person(store, actor, person.id)
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"
    write_whole(args.out, lambda partial: partial.write_text(text, encoding="utf-8"))
    say(
        _("Wrote everything stored about {name} to {path}.").format(name=person.name, path=args.out)
    )
    return 0


def _erase(args, settings: Settings) -> int:
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.services import people
    from handledare.services.erasure import erase_person

    store = open_store(settings)
    actor = sign_in(store, args)
    person = people.find_person(store, actor, args.person)
    if not args.yes:
        if not sys.stdin.isatty():
            raise InputError(_("Confirm with --yes when not running interactively."))
        typed = input(_("Type the person's full name to erase their data: "))
        if typed.strip() != person.name.strip():
            raise InputError(_("The name did not match. Nothing was erased."))
    removed = erase_person(store, actor, person.id)
    say(
        _(
            "{name}'s name and free text are erased here. Every workstation erases them "
            "and rewrites its files on the share at its next sync."
        ).format(name=person.name)
    )
    if removed:
        say(_("Removed {count} old backup copies of the database.").format(count=removed))
    return 0


def _status(args, settings: Settings) -> int:
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.services import onboarding, people
    from handledare.services.common import named_items

    store = open_store(settings)
    actor = sign_in(store, args)
    person = people.find_person(store, actor, args.person)
    reports = [
        onboarding.progress(store, actor, oid)
        for oid in onboarding.onboardings_of_person(store, actor, person.id)
    ]
    language = current_language()
    if args.json:
        as_json(
            {
                "person": {"id": person.id, "name": person.name, "unit": person.unit_name},
                "onboardings": [
                    {
                        "id": r.onboarding_id,
                        "template": r.template.id,
                        "version": r.template.version,
                        "status": r.status.value,
                        "signed": r.signed_count,
                        "total": r.total,
                        "steps": {
                            s.step.value: {"signed": s.signed, "total": s.total} for s in r.steps
                        },
                        "required_open": [item.key for item in r.required_open],
                        "waiting": {key: list(keys) for key, keys in r.waiting.items()},
                    }
                    for r in reports
                ],
            }
        )
        return 0
    say(f"{person.name}, {person.unit_name}")
    if not reports:
        say(_("No onboarding has been started."))
    for r in reports:
        say("")
        say(
            _(
                "{title} (v{version}): {status}, {signed} of {total} items signed ({percent} %)"
            ).format(
                title=r.template.title.get(language),
                version=r.template.version,
                status=r.status.label,
                signed=r.signed_count,
                total=r.total,
                percent=r.percent,
            )
        )
        for step in r.steps:
            say(f"  {step.step.label:<28} {step.signed:>3} / {step.total}")
        if r.required_open:
            say(_("Required before working alone, still open:"))
            for item in r.required_open:
                say(f"  - {r.numbers[item.key]} {item.title.get(language)}")
        if r.waiting:
            say(_("Waiting for what comes before them:"))
            for key, before in r.waiting.items():
                say(
                    "  ◌ "
                    + _("{item} waits for {items}").format(
                        item=named_items(r.template, [key]), items=named_items(r.template, before)
                    )
                )
    return 0
