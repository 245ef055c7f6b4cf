"""`handledare inspection`: the inspection pack of one person or one unit, and the packs made."""

from __future__ import annotations

from pathlib import Path

from handledare.cli.access import add_sign_in
from handledare.cli.output import as_json, say, table
from handledare.cli.parsing import Commands, add_json_flag, command, group
from handledare.config import Settings
from handledare.i18n import _, format_date, format_datetime, ngettext


def register(commands: Commands) -> None:
    inspection = group(commands, "inspection", _("the inspection pack (see docs/delegations.md)"))
    pack = command(
        inspection,
        "pack",
        _("every sign-off, approval and delegation of a person or a unit in a range, "
          "as PDF and CSV"),
        _pack,
    )  # fmt: skip
    pack.add_argument("--person", help=_("name, employee number or id"))
    pack.add_argument("--unit", help=_("instead of --person: the whole unit"))
    pack.add_argument("--from", dest="first", required=True, help=_("the first day, YYYY-MM-DD"))
    pack.add_argument("--to", dest="last", required=True, help=_("the last day, YYYY-MM-DD"))
    pack.add_argument("--pdf", type=Path, required=True, help=_("the PDF file to write"))
    pack.add_argument("--csv", type=Path, required=True, help=_("the CSV file to write"))
    add_sign_in(pack)
    listed = command(inspection, "list", _("the packs made, newest first"), _list)
    add_json_flag(listed)
    add_sign_in(listed)


def _pack(args, settings: Settings) -> int:
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.cli.access import open_store, sign_in
    from handledare.cli.reports import parse_day
    from handledare.errors import InputError
    from handledare.services import people
    from handledare.services.inspection_pack import make_pack, scope_of

    if bool(args.person) == bool(args.unit):
        raise InputError(_("Give either --person or --unit."))
    first, last = parse_day(args.first, "--from"), parse_day(args.last, "--to")
    assert first is not None and last is not None  # both are required options
    store = open_store(settings)
    actor = sign_in(store, args)
    if args.person:
        scope = scope_of(store, actor, person_id=people.find_person(store, actor, args.person).id)
    else:
        scope = scope_of(store, actor, unit_id=people.find_unit(store, args.unit).id)
    made = make_pack(store, actor, scope, first, last, args.pdf, args.csv)
    say(
        ngettext(
            "Wrote the inspection pack of {name}: {count} row, {pdf} and {csv} (pack {id}).",
            "Wrote the inspection pack of {name}: {count} rows, {pdf} and {csv} (pack {id}).",
            made.rows,
        ).format(name=scope.name, count=made.rows, pdf=args.pdf, csv=args.csv, id=made.id[:8])
    )
    return 0


def _list(args, settings: Settings) -> int:
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.cli.access import open_store, sign_in
    from handledare.services.inspection_pack import packs_made

    store = open_store(settings)
    actor = sign_in(store, args)
    packs = packs_made(store, actor)
    if args.json:
        as_json(
            [
                {
                    "id": p.id, "at": p.at.astimezone().isoformat(timespec="seconds"),
                    "by": p.by, "workstation": p.workstation, "of": p.scope,
                    "from": p.first.isoformat(), "to": p.last.isoformat(), "rows": p.rows,
                    "pdf_sha256": p.pdf_sha256, "csv_sha256": p.csv_sha256,
                }
                for p in packs
            ]
        )  # fmt: skip
        return 0
    if not packs:
        say(_("No inspection pack has been made."))
        return 0
    table(
        [_("Made"), _("By"), _("Of"), _("Days"), _("Rows"), _("PDF SHA-256")],
        [
            [format_datetime(p.at), p.by, p.scope,
             f"{format_date(p.first)} – {format_date(p.last)}", str(p.rows), p.pdf_sha256[:16]]
            for p in packs
        ],
    )  # fmt: skip
    return 0
