"""What goes into a personnel file or a spreadsheet: the certificate and the exports as
people open them, read back with pypdf and openpyxl."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from handledare.cli import main
from handledare.domain.enums import Mark
from handledare.services import onboarding, review, templates
from handledare.services.certificate import write_certificate
from handledare.services.exports import SIGNOFF_COLUMNS, export_signoffs
from sync_helpers import approve, seed, workstation
from test_review import TEMPLATE, at, walk_and_sign

from conftest import MANAGER_PIN, World, signed_in_as

TODAY = date(2026, 11, 22)


def _pages(path: Path) -> list[list[str]]:
    """Each page's lines of text, the footer last."""
    return [page.extract_text().splitlines() for page in PdfReader(path).pages]


def _headings(world: World) -> set[str]:
    template = templates.get_template(world.store, TEMPLATE)
    return {section.title.get("sv") for section in template.sections} | {
        "Kvittens",
        "Godkännande för eget arbete",
        "Kvar att gå igenom",
        "Underskrifter",
    }


def _no_heading_alone_at_a_page_foot(path: Path, headings: set[str]) -> None:
    for number, lines in enumerate(_pages(path)[:-1], start=1):
        body = [line for line in lines if "sida" not in line]
        assert body[-1].strip() not in headings, f"page {number} ends with {body[-1]!r}"


def _justified(path: Path) -> bool:
    """fpdf2 stretches the spaces of a justified line with adjustments in a TJ array."""
    return any(b"] TJ" in page.get_contents().get_data() for page in PdfReader(path).pages)


def test_an_approved_person_gets_a_certificate_with_employer_and_signature_lines(
    world: World, tmp_path: Path
):
    started = onboarding.start_onboarding(world.store, world.supervisor, world.person.id, TEMPLATE)
    template = templates.get_template(world.store, TEMPLATE)
    walk_and_sign(world, started, [item.key for item in template.items()])
    review.approve(world.store, world.manager, started, MANAGER_PIN)
    out = tmp_path / "intyg.pdf"
    organisation = "Södertälje kommun, vård och omsorg"
    write_certificate(world.store, world.manager, world.person.id, out, TODAY, organisation)

    pages = _pages(out)
    text = "\n".join("\n".join(lines) for lines in pages)
    assert pages[0][0] == organisation and "Introduktionsintyg" in pages[0][1]
    assert "Pågående introduktion" not in text and "Kvar att gå igenom" not in text
    last = "\n".join(pages[-1])
    for words in ("Underskrifter", "Kompetenshandledare", "Enhetschef", "Namnförtydligande"):
        assert words in last
    assert not _justified(out)
    _no_heading_alone_at_a_page_foot(out, _headings(world))


def test_a_person_not_yet_approved_gets_a_status_report_listing_what_is_open(
    world: World, tmp_path: Path
):
    started = onboarding.start_onboarding(world.store, world.supervisor, world.person.id, TEMPLATE)
    walk_and_sign(world, started, ["anst-avtal", "anst-schema"])
    out = tmp_path / "läge.pdf"
    write_certificate(world.store, world.supervisor, world.person.id, out, TODAY)

    text = "\n".join("\n".join(lines) for lines in _pages(out))
    assert "Introduktionsintyg" not in text
    assert "Pågående introduktion: lägesbesked" in text
    assert "Detta är inget intyg" in text and "Kvar att gå igenom" in text
    assert "Lön och tidrapportering" in text and "krävs före eget arbete" in text
    assert "Arbetsgivare: ____" in text  # no organisation in the settings: a line to fill in
    assert "Underskrifter" not in text


def test_headings_never_stand_alone_at_a_page_foot_however_much_is_signed(
    world: World, tmp_path: Path
):
    """The list grows item by item, so the page breaks fall at ever other places."""
    started = onboarding.start_onboarding(world.store, world.supervisor, world.person.id, TEMPLATE)
    keys = [item.key for item in templates.get_template(world.store, TEMPLATE).items()]
    headings = _headings(world)
    out = tmp_path / "läge.pdf"
    for first in range(0, len(keys), 4):
        walk_and_sign(world, started, keys[first : first + 4])
        write_certificate(world.store, world.supervisor, world.person.id, out, TODAY)
        _no_heading_alone_at_a_page_foot(out, headings)
        assert not _justified(out)


def test_the_cli_names_the_employer_from_the_config(
    world: World, tmp_path: Path, monkeypatch, capsys
):
    started = onboarding.start_onboarding(world.store, world.supervisor, world.person.id, TEMPLATE)
    walk_and_sign(world, started, ["anst-avtal"])
    data_dir = str(world.store.path.parent)
    world.store.close()
    config = tmp_path / "config"
    config.mkdir(exist_ok=True)
    (config / "config.toml").write_text('organisation = "Mölndals stad"\n', encoding="utf-8")
    out = tmp_path / "intyg.pdf"
    args = ["--data-dir", data_dir, "certificate", "Amina Hassan", "--out", str(out)]
    assert main([*args, *signed_in_as(monkeypatch)]) == 0
    assert _pages(out)[0][0] == "Mölndals stad"
    assert "Ingen arbetsgivare" not in capsys.readouterr().out


def _signed_world(world: World) -> None:
    """Two sign-offs at 22:43 UTC on 29 November 2026, and a name a spreadsheet would run."""
    at(world, datetime(2026, 11, 29, 22, 43, 50, tzinfo=UTC))
    started = onboarding.start_onboarding(world.store, world.supervisor, world.person.id, TEMPLATE)
    walk_and_sign(world, started, ["anst-avtal"])
    onboarding.add_note(
        world.store, world.supervisor, started, '=HYPERLINK("x")', item_key="anst-avtal"
    )


# 22:43:50 UTC as this machine's local time, as the exports write it.
LOCAL = datetime(2026, 11, 29, 22, 43, 50, tzinfo=UTC).astimezone().replace(tzinfo=None)


def test_signoff_csv_has_local_times_excel_reads_and_names_the_workstation(
    world: World, tmp_path: Path, monkeypatch
):
    _signed_world(world)
    out = tmp_path / "signeringar.csv"
    here = {world.store.workstation_id: "Hemtjänst Norr, kontoret"}
    export_signoffs(world.store, world.admin, out, workstation_names=here)
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    assert list(rows[0]) == list(SIGNOFF_COLUMNS)
    assert {row["at"] for row in rows} == {LOCAL.strftime("%Y-%m-%d %H:%M:%S")}
    assert {row["workstation_name"] for row in rows} == {"Hemtjänst Norr, kontoret"}
    assert {row["workstation"] for row in rows} == {world.store.workstation_id}
    assert rows[-1]["note"] == '\'=HYPERLINK("x")'


def _sheet(path: Path):
    # From the bytes: openpyxl opens a file by name only when the name ends in .xlsx.
    return load_workbook(io.BytesIO(path.read_bytes())).active


@pytest.mark.parametrize("how", ["--format", "suffix"])
def test_signoffs_and_monthly_report_as_xlsx(
    world: World, tmp_path: Path, monkeypatch, capsys, how: str
):
    _signed_world(world)
    data_dir = str(world.store.path.parent)
    world.store.close()
    signoffs = tmp_path / ("signeringar.xlsx" if how == "suffix" else "signeringar")
    chosen = ["--format", "xlsx"] if how == "--format" else []
    command = ["--data-dir", data_dir, "export", "signoffs", "--out", str(signoffs), *chosen]
    assert main([*command, *signed_in_as(monkeypatch)]) == 0

    sheet = _sheet(signoffs)
    assert [cell.value for cell in sheet[1]] == list(SIGNOFF_COLUMNS)
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b
    rows = [dict(zip(SIGNOFF_COLUMNS, row, strict=True)) for row in sheet.iter_rows(2)]
    when = rows[0]["at"]
    assert when.value == LOCAL and when.is_date
    note = rows[-1]["note"]
    assert note.value == '=HYPERLINK("x")' and note.data_type == "s"
    assert isinstance(rows[0]["template_version"].value, int)  # a number, not text
    assert sheet.column_dimensions["A"].width >= len("Amina Hassan")

    report = tmp_path / ("månad.xlsx" if how == "suffix" else "månad")
    command = ["--data-dir", data_dir, "report", "monthly", "--month", "2026-11"]
    assert main([*command, "--out", str(report), *chosen, *signed_in_as(monkeypatch)]) == 0
    sheet = _sheet(report)
    north = next(row for row in sheet.iter_rows(2, values_only=True) if row[0] == "Hemtjänst Norr")
    assert north[1:4] == (1, 1, 0) and isinstance(north[4], int)
    capsys.readouterr()


def test_signoff_export_names_the_workstation_each_mark_was_made_on(tmp_path: Path, share: Path):
    """A mark made on another workstation arrives by sync and is named by that
    workstation's own name, as its folder on the share gives it."""
    a, b = workstation(tmp_path, "Kontoret Norr"), workstation(tmp_path, "Kontoret Söder")
    onboarding_id = seed(a)
    a.sync(share)
    approve(share, a, b)
    b.sync(share)
    first_key = templates.get_template(b.store, "hemtjanst-omsorg").sections[0].items[0].key
    onboarding.mark_item(b.store, b.supervisor(), onboarding_id, first_key, Mark.WALKED_THROUGH)
    b.sync(share)
    a.sync(share)
    out = tmp_path / "signeringar.csv"
    export_signoffs(a.store, a.admin(), out)
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    from_b = [row for row in rows if row["workstation"] == b.store.workstation_id]
    assert [row["workstation_name"] for row in from_b] == ["Kontoret Söder"]
