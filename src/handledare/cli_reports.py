"""CLI commands that hand figures and papers onward: exports, reports, certificates."""

from __future__ import annotations

from datetime import date

from handledare.cli_commands import CLI, open_store
from handledare.cli_output import say, table
from handledare.config import Settings
from handledare.errors import InputError
from handledare.i18n import _, ngettext
from handledare.services import people


def parse_day(text: str | None, what: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(
            _("{what}: write the date as YYYY-MM-DD, e.g. 2026-11-22.").format(what=what)
        ) from None


def _unit_id(store, name: str | None) -> str | None:
    return people.find_unit(store, name).id if name else None


def _export_signoffs(args, settings: Settings) -> int:
    from handledare.services.exports import export_signoffs

    store = open_store(settings)
    count = export_signoffs(
        store,
        CLI,
        args.out,
        _unit_id(store, args.unit),
        parse_day(args.first, "--from"),
        parse_day(args.last, "--to"),
    )
    say(
        ngettext("Wrote {count} row to {path}.", "Wrote {count} rows to {path}.", count).format(
            count=count, path=args.out
        )
    )
    return 0


def _report_monthly(args, settings: Settings) -> int:
    from handledare.services.exports import write_csv
    from handledare.services.reports import (
        REPORT_COLUMNS,
        monthly_report,
        report_headings,
        report_rows,
    )

    store = open_store(settings)
    report = monthly_report(store, CLI, args.month, _unit_id(store, args.unit))
    rows = report_rows(report)
    table(list(report_headings()), [[str(cell) for cell in row] for row in rows])
    if args.out:
        write_csv(args.out, REPORT_COLUMNS, rows)
        say(_("Also written to {path}.").format(path=args.out))
    return 0


def _certificate(args, settings: Settings) -> int:
    from handledare.services.certificate import write_certificate

    store = open_store(settings)
    person = people.find_person(store, CLI, args.person)
    pages = write_certificate(store, CLI, person.id, args.out, date.today())
    say(
        ngettext(
            "Wrote the certificate for {name} to {path} ({pages} page).",
            "Wrote the certificate for {name} to {path} ({pages} pages).",
            pages,
        ).format(name=person.name, path=args.out, pages=pages)
    )
    return 0


REPORT_COMMANDS = {
    ("export", "signoffs"): _export_signoffs,
    ("report", "monthly"): _report_monthly,
    ("certificate", None): _certificate,
}
