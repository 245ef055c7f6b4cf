"""What each CLI command does: parse its arguments, call a service, print the result."""

from __future__ import annotations

import getpass
import shutil
import sys
from dataclasses import replace
from datetime import date

from handledare.cli_output import as_json, say, table
from handledare.config import Settings, demo_data_dir
from handledare.domain.actor import Actor
from handledare.domain.enums import EmploymentType, Role
from handledare.errors import InputError
from handledare.i18n import _, current_language, format_date
from handledare.services import demo, onboarding, people, templates
from handledare.store.eventlog import Store

CLI = Actor.command_line()
DEMO_MARKER = "DEMO.txt"


def open_store(settings: Settings) -> Store:
    return Store.open(settings.database_path)


def _template_validate(args, settings: Settings) -> int:
    template = templates.validate_file(args.file)
    say(
        _("{file}: valid. Template {id} version {version}, {count} items.").format(
            file=args.file, id=template.id, version=template.version, count=len(template.items())
        )
    )
    return 0


def _template_import(args, settings: Settings) -> int:
    result = templates.import_file(open_store(settings), CLI, args.file)
    t = result.template
    if result.imported:
        say(_("Imported {id} version {version}.").format(id=t.id, version=t.version))
    else:
        say(
            _("{id} version {version} was already imported with the same content.").format(
                id=t.id, version=t.version
            )
        )
    return 0


def _template_list(args, settings: Settings) -> int:
    rows = templates.list_templates(open_store(settings))
    if args.json:
        as_json([vars(row) for row in rows])
    else:
        table(
            [_("Id"), _("Version"), _("Title"), _("Items")],
            [[r.id, str(r.version), r.title_sv, str(r.item_count)] for r in rows],
        )
    return 0


def _template_show(args, settings: Settings) -> int:
    template = templates.get_template(open_store(settings), args.template_id, args.version)
    if args.json:
        as_json(template.to_dict())
        return 0
    language = current_language()
    say(f"{template.title.get(language)} ({template.id} v{template.version})")
    say(template.role.get(language))
    for section in template.sections:
        say("")
        say(section.title.get(language))
        for item in section.items:
            flags = _("required") if item.required_before_alone else ""
            say(
                f"  {item.key:<24} {item.title.get(language)}  [{item.step.label}] {flags}".rstrip()
            )
    return 0


def _read_pin() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().strip()
    first = getpass.getpass(_("PIN (4-8 digits): "))
    if getpass.getpass(_("PIN again: ")) != first:
        raise InputError(_("The two PINs differ. Nothing was saved."))
    return first


def _user_add(args, settings: Settings) -> int:
    if not args.pin_stdin and not sys.stdin.isatty():
        raise InputError(_("Give the PIN on standard input with --pin-stdin."))
    store = open_store(settings)
    unit_ids = [people.find_unit(store, unit).id for unit in args.unit]
    pin = _read_pin()
    user = people.add_user(store, CLI, args.name, Role(args.role), pin, unit_ids, args.language)
    say(_("Added {role} {name} ({id}).").format(role=user.role.label, name=user.name, id=user.id))
    return 0


def _user_list(args, settings: Settings) -> int:
    store = open_store(settings)
    names = {unit.id: unit.name for unit in people.list_units(store)}
    users = people.list_users(store)
    if args.json:
        as_json(
            [
                {
                    "id": u.id,
                    "name": u.name,
                    "role": u.role.value,
                    "language": u.language,
                    "units": [names[i] for i in u.unit_ids],
                }
                for u in users
            ]
        )
    else:
        table(
            [_("Name"), _("Role"), _("Units"), _("Language"), _("Id")],
            [
                [u.name, u.role.label, ", ".join(names[i] for i in u.unit_ids), u.language, u.id]
                for u in users
            ],
        )
    return 0


def _unit_add(args, settings: Settings) -> int:
    unit = people.add_unit(open_store(settings), CLI, args.name)
    say(_("Added the unit {name} ({id}).").format(name=unit.name, id=unit.id))
    return 0


def _unit_list(args, settings: Settings) -> int:
    units = people.list_units(open_store(settings))
    if args.json:
        as_json([{"id": u.id, "name": u.name} for u in units])
    else:
        table([_("Name"), _("Id")], [[u.name, u.id] for u in units])
    return 0


def _parse_date(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise InputError(
            _("The date {value} is not valid; expected YYYY-MM-DD.").format(value=value)
        ) from error


def _person_add(args, settings: Settings) -> int:
    store = open_store(settings)
    unit = people.find_unit(store, args.unit)
    person = people.add_person(
        store,
        CLI,
        args.name,
        unit.id,
        _parse_date(args.start),
        EmploymentType(args.employment),
        args.employee_number,
    )
    say(_("Added {name} in {unit} ({id}).").format(name=person.name, unit=unit.name, id=person.id))
    return 0


def _person_list(args, settings: Settings) -> int:
    store = open_store(settings)
    unit_id = people.find_unit(store, args.unit).id if args.unit else None
    rows = people.list_people(store, CLI, unit_id)
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
                }
                for p in rows
            ]
        )
    else:
        table(
            [_("Name"), _("Unit"), _("Employment"), _("Start"), _("Employee no."), _("Id")],
            [
                [
                    p.name,
                    p.unit_name,
                    p.employment_type.label,
                    format_date(p.start_date),
                    p.employee_number or "",
                    p.id,
                ]
                for p in rows
            ],
        )
    return 0


def _status(args, settings: Settings) -> int:
    store = open_store(settings)
    person = people.find_person(store, CLI, args.person)
    reports = [
        onboarding.progress(store, CLI, oid)
        for oid in onboarding.onboardings_of_person(store, CLI, person.id)
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
                say(f"  - {item.title.get(language)}")
    return 0


def _rebuild(args, settings: Settings) -> int:
    count = open_store(settings).rebuild()
    say(_("Rebuilt all tables from {count} events.").format(count=count))
    return 0


def _demo(args, settings: Settings) -> int:
    data_dir = args.data_dir or demo_data_dir()
    settings = replace(settings, data_dir=data_dir)
    marker = data_dir / DEMO_MARKER
    if args.reset:
        if settings.database_path.exists() and not marker.exists():
            raise InputError(
                _("{folder} does not hold demo data, so --reset will not delete it.").format(
                    folder=data_dir
                )
            )
        shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True, exist_ok=True)
    if settings.database_path.exists() and not marker.exists():
        raise InputError(
            _("{folder} already holds real data; the demo needs a folder of its own.").format(
                folder=data_dir
            )
        )
    marker.write_text(_("This folder holds demo data made by 'handledare demo'.\n"), "utf-8")
    store = open_store(settings)
    if people.has_users(store):
        say(
            _("The demo data in {folder} is already there (use --reset to start over).").format(
                folder=data_dir
            )
        )
    else:
        say(_("Creating the demo municipality in {folder} ...").format(folder=data_dir))
        logins = demo.fill_demo(store)
        say(_("Demo users:"))
        table(
            [_("Name"), _("Role"), _("PIN")],
            [[login.name, login.role.label, login.pin] for login in logins],
        )
    store.close()
    if args.no_tui:
        return 0
    from handledare.tui.launch import run_app

    return run_app(settings)


COMMANDS = {
    ("demo", None): _demo,
    ("template", "validate"): _template_validate,
    ("template", "import"): _template_import,
    ("template", "list"): _template_list,
    ("template", "show"): _template_show,
    ("user", "add"): _user_add,
    ("user", "list"): _user_list,
    ("unit", "add"): _unit_add,
    ("unit", "list"): _unit_list,
    ("person", "add"): _person_add,
    ("person", "list"): _person_list,
    ("status", None): _status,
    ("rebuild", None): _rebuild,
}
