"""`handledare template`: check, import, publish and read checklist templates."""

from __future__ import annotations

from pathlib import Path

from handledare.cli.access import add_sign_in, open_store, sign_in
from handledare.cli.output import as_json, say, table
from handledare.cli.parsing import Commands, add_json_flag, command, group, uses_no_database
from handledare.config import Settings
from handledare.i18n import _, current_language


def register(commands: Commands) -> None:
    template = group(commands, "template", _("checklist templates"))
    uses_no_database(
        command(template, "validate", _("check a template file"), _validate)
    ).add_argument("file", type=Path, metavar=_("FILE"))
    imported = command(
        template, "import", _("import a template file, or a bundled template by its id"), _import
    )
    imported.add_argument(
        "file",
        metavar=_("FILE_OR_ID"),
        help=_("a TOML file, or the id of a bundled template, e.g. hemtjanst-omsorg"),
    )
    add_sign_in(imported)
    publish = command(
        template,
        "publish",
        _("import a template file and publish it on the share for everyone"),
        _publish,
    )
    publish.add_argument("file", type=Path, metavar=_("FILE"))
    publish.add_argument("--share", type=Path, help=_("the share's folder (overrides the config)"))
    add_sign_in(publish)
    add_json_flag(command(template, "list", _("list imported templates"), _list))
    show = command(template, "show", _("show a template's sections and items"), _show)
    show.add_argument("template_id", metavar="ID")
    show.add_argument("--version", type=int, help=_("version (default: the newest)"))
    add_json_flag(show)


def _validate(args, settings: Settings) -> int:
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.services import templates

    template = templates.validate_file(args.file)
    say(
        _("{file}: valid. Template {id} version {version}, {count} items.").format(
            file=args.file, id=template.id, version=template.version, count=len(template.items())
        )
    )
    return 0


def _import(args, settings: Settings) -> int:
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.services import templates

    store = open_store(settings)
    result = templates.import_file_or_bundled(store, sign_in(store, args), args.file)
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


def _publish(args, settings: Settings) -> int:
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.services.sync import publish_template

    store = open_store(settings)
    template = publish_template(store, sign_in(store, args), settings, args.file, args.share)
    say(
        _(
            "Published {id} version {version}; every workstation imports it at its next sync."
        ).format(id=template.id, version=template.version)
    )
    return 0


def _list(args, settings: Settings) -> int:
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.services import templates

    rows = templates.list_templates(open_store(settings))
    if args.json:
        as_json([vars(row) for row in rows])
    else:
        table(
            [_("Id"), _("Version"), _("Title"), _("Items")],
            [[r.id, str(r.version), r.title_sv, str(r.item_count)] for r in rows],
        )
    return 0


def _show(args, settings: Settings) -> int:
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.services import templates

    template = templates.get_template(open_store(settings), args.template_id, args.version)
    if args.json:
        as_json(template.to_dict())
        return 0
    language = current_language()
    say(f"{template.title.get(language)} ({template.id} v{template.version})")
    say(template.role.get(language))
    numbers = template.numbers()
    for number, section in enumerate(template.sections, start=1):
        say("")
        say(f"{number} {section.title.get(language)}")
        for item in section.items:
            flags = _("required") if item.required_before_alone else ""
            if item.after:
                flags += " " + _("after {items}").format(
                    items=", ".join(numbers[key] for key in item.after)
                )
            title = f"{numbers[item.key]} {item.title.get(language)}"
            say(f"  {item.key:<24} {title}  [{item.step.label}] {flags}".rstrip())
    return 0
