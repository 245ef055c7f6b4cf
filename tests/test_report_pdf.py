"""The printable monthly report: the table per unit and a year of months as bars with figures."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from pypdf import PdfReader

from handledare.services import onboarding
from handledare.services.report_pdf import write_monthly_pdf

from conftest import World


def _text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_monthly_pdf_has_the_units_figures_and_every_month_named(world: World, tmp_path: Path):
    world.store.now = lambda: datetime(2026, 11, 12, 9, 0, tzinfo=UTC)
    onboarding.start_onboarding(world.store, world.supervisor, world.person.id, "hemtjanst-omsorg")
    out = tmp_path / "rapport.pdf"
    write_monthly_pdf(world.store, world.manager, "2026-11", out, date(2026, 12, 1))

    text = _text(out)
    assert "Månadsrapport nov. 2026" in text
    assert "1 nov. 2026 – 30 nov. 2026" in text
    assert "Hemtjänst Norr" in text and "Startade" in text and "Godkända" in text
    for month in ("dec.", "jan.", "feb.", "mars", "juni", "okt.", "nov."):
        assert month in text, month
    assert not list(tmp_path.glob("*.part")), "written whole, under its own name only"


def test_a_month_written_wrong_is_refused_before_a_file_is_made(world: World, tmp_path: Path):
    from handledare.errors import InputError

    out = tmp_path / "rapport.pdf"
    try:
        write_monthly_pdf(world.store, world.manager, "november", out, date(2026, 12, 1))
    except InputError as error:
        assert "ÅÅÅÅ-MM" in error.message or "YYYY-MM" in error.message
    else:
        raise AssertionError("a month that is not YYYY-MM was accepted")
    assert not out.exists()
