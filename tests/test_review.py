"""The manager's review services: overview, expiry, conflicts, exports, report, certificate."""

from __future__ import annotations

import csv
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from handledare.cli import main
from handledare.domain.enums import Mark, Place, ReviewStatus
from handledare.errors import InputError, PermissionRefused
from handledare.services import onboarding, overview, people, review, signoff, templates
from handledare.services.certificate import write_certificate
from handledare.services.exports import SIGNOFF_COLUMNS, export_signoffs
from handledare.services.reports import monthly_report

from conftest import MANAGER_PIN, SUPERVISOR_PIN, World, sign_items, signed_in_as

TEMPLATE = "hemtjanst-omsorg"


def at(world: World, when: datetime) -> None:
    """Make the store write the following events at this time."""
    world.store.now = lambda: when


def walk_and_sign(
    world: World, onboarding_id: str, keys: list[str], name: str = "Amina Hassan"
) -> None:
    sign_items(world.store, world.supervisor, onboarding_id, keys, SUPERVISOR_PIN, name)


def every_row(store, actor) -> list[overview.OnboardingSummary]:
    return overview.list_page(store, actor, overview.ListQuery(), date(2026, 11, 2), 0, 10_000)


def required_keys(world: World) -> list[str]:
    template = templates.get_template(world.store, TEMPLATE)
    return [item.key for item in template.items() if item.required_before_alone]


def test_overview_counts_and_expiry_follow_the_items(world: World):
    at(world, datetime(2025, 11, 1, 9, tzinfo=UTC))
    started = onboarding.start_onboarding(world.store, world.supervisor, world.person.id, TEMPLATE)
    walk_and_sign(world, started, ["del-vad", "webb-introduktion", "del-lakemedel", "anst-avtal"])

    [row] = [s for s in every_row(world.store, world.manager) if s.onboarding_id]
    assert (row.signed, row.total, row.supervisor_name) == (4, 71, "Anna Lindqvist")
    assert row.first_expiry == date(2026, 11, 1)  # 365 days after signing
    assert row.review_status(date(2026, 10, 1)) is ReviewStatus.IN_PROGRESS
    assert row.expires_soon(date(2026, 10, 15)) and not row.has_expired(date(2026, 10, 15))
    assert row.review_status(date(2026, 11, 2)) is ReviewStatus.HAS_EXPIRED

    expiring = overview.expiring_items(world.store, world.manager, date(2026, 10, 15))
    assert [(e.item_key, e.expires_on) for e in expiring] == [("del-lakemedel", date(2026, 11, 1))]
    assert overview.expiring_items(world.store, world.other_supervisor, date(2026, 10, 15)) == []

    counts = overview.status_counts(world.store, world.manager, date(2026, 11, 2))
    assert counts[ReviewStatus.HAS_EXPIRED] == 1 and sum(counts.values()) == 1


def test_counts_are_filled_in_for_a_database_from_before_they_were_kept(world: World):
    started = onboarding.start_onboarding(world.store, world.supervisor, world.person.id, TEMPLATE)
    walk_and_sign(world, started, ["anst-avtal"])
    path = world.store.path
    world.store.close()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE onboardings SET item_count = NULL, signed_count = NULL")
    world.store = type(world.store).open(path)
    [row] = [s for s in every_row(world.store, world.manager) if s.onboarding_id]
    assert (row.signed, row.total) == (1, 71)


def test_chart_counts_started_and_approved_per_month(world: World):
    at(world, datetime(2026, 9, 3, 9, tzinfo=UTC))
    started = onboarding.start_onboarding(world.store, world.supervisor, world.person.id, TEMPLATE)
    walk_and_sign(world, started, required_keys(world))
    at(world, datetime(2026, 10, 20, 9, tzinfo=UTC))
    review.approve(world.store, world.manager, started, MANAGER_PIN)
    months = overview.started_and_approved(world.store, world.manager, date(2026, 11, 22))
    assert len(months) == 12 and months[0].month == "2025-12" and months[-1].month == "2026-11"
    by_month = {m.month: (m.started, m.approved) for m in months}
    assert by_month["2026-09"] == (1, 0) and by_month["2026-10"] == (0, 1)
    assert sum(m.started for m in months) == 1


def test_a_resolved_conflict_stays_resolved_after_a_rebuild(world: World):
    started = onboarding.start_onboarding(world.store, world.supervisor, world.person.id, TEMPLATE)
    # An edit that did not see the item's last edit, as a second workstation would make it.
    onboarding.mark_item(world.store, world.supervisor, started, "anst-avtal", Mark.PRACTISED)
    with world.store.write(world.supervisor.user_id) as tx:
        tx.emit(
            "item.marked",
            started,
            {"item_key": "anst-avtal", "mark": "walked_through", "basis": None},
        )
    [conflict] = review.list_conflicts(world.store, world.manager)
    with pytest.raises(PermissionRefused):
        review.resolve_conflict(world.store, world.supervisor, started, conflict.key, "ok")
    review.resolve_conflict(world.store, world.manager, started, conflict.key, "Övat igen")
    assert review.list_conflicts(world.store, world.manager) == []
    world.store.rebuild()
    assert review.list_conflicts(world.store, world.manager) == []
    with pytest.raises(InputError):
        review.resolve_conflict(world.store, world.manager, started, conflict.key, "again")


def test_signoff_csv_opens_as_swedish_excel_expects(world: World, tmp_path: Path):
    at(world, datetime(2026, 11, 2, 9, tzinfo=UTC))
    started = onboarding.start_onboarding(world.store, world.supervisor, world.person.id, TEMPLATE)
    walk_and_sign(world, started, ["anst-avtal", "anst-lon"])
    signoff.revoke(
        world.store, world.supervisor, started, "anst-lon", "Fel; tas om", SUPERVISOR_PIN
    )
    # Someone in the other unit, whom the north manager must never see.
    cli = people.add_person(
        world.store, world.admin, "Sven Söder", world.south.id, date(2026, 11, 1)
    )
    other = onboarding.start_onboarding(world.store, world.other_supervisor, cli.id, TEMPLATE)
    onboarding.mark_item(world.store, world.other_supervisor, other, "anst-avtal", Mark.PRACTISED)

    out = tmp_path / "signoffs.csv"
    count = export_signoffs(world.store, world.manager, out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    assert tuple(rows[0].keys()) == SIGNOFF_COLUMNS
    # 2 marks, 2 signed, 1 revoked: one row per item event, all in the manager's unit.
    with sqlite3.connect(world.store.path) as connection:
        item_events = connection.execute(
            "SELECT count(*) FROM events WHERE entity_id = ? AND type LIKE 'item%'", (started,)
        ).fetchone()[0]
    assert count == len(rows) == 5 and item_events == 4  # one sign-off event, two items
    assert {row["person"] for row in rows} == {"Amina Hassan"}
    revoked = [row for row in rows if row["event"] == "revoked"]
    assert revoked[0]["note"] == "Fel; tas om" and revoked[0]["item_key"] == "anst-lon"
    # Local wall-clock time without an offset: Swedish Excel reads it as a date and time.
    local = datetime(2026, 11, 2, 9, tzinfo=UTC).astimezone()
    assert rows[0]["at"] == local.strftime("%Y-%m-%d %H:%M:%S")
    assert rows[0]["item_title"] == "Anställningsavtal och arbetstider"

    assert export_signoffs(world.store, world.admin, out) == 6
    assert export_signoffs(world.store, world.admin, out, first=date(2026, 11, 3)) == 0
    with pytest.raises(InputError):
        export_signoffs(
            world.store, world.admin, out, first=date(2026, 12, 1), last=date(2026, 1, 1)
        )


def test_monthly_report_against_a_hand_built_month(world: World):
    """October: two started in the north, one approved with 3 signed items, one revocation."""
    cli = world.admin
    bo = people.add_person(world.store, cli, "Bo Nord", world.north.id, date(2026, 9, 1))
    at(world, datetime(2026, 9, 30, 21, tzinfo=UTC))  # September: not counted as started
    early = onboarding.start_onboarding(world.store, world.supervisor, bo.id, TEMPLATE)
    at(world, datetime(2026, 10, 1, 8, tzinfo=UTC))
    first = onboarding.start_onboarding(world.store, world.supervisor, world.person.id, TEMPLATE)
    walk_and_sign(world, first, ["anst-avtal", "anst-lon", "anst-schema"])
    signoff.revoke(world.store, world.supervisor, first, "anst-lon", "Fel person", SUPERVISOR_PIN)
    at(world, datetime(2026, 10, 31, 22, tzinfo=UTC))
    again = ["anst-lon"] + [
        k for k in required_keys(world) if k not in ("anst-avtal", "anst-lon", "anst-schema")
    ]
    walk_and_sign(world, first, again)
    review.approve(world.store, world.manager, first, MANAGER_PIN)
    at(world, datetime(2026, 11, 1, 0, 30, tzinfo=UTC))  # November: not counted
    walk_and_sign(world, early, ["anst-avtal"], name="Bo Nord")
    extra = people.add_person(world.store, cli, "Cia Nord", world.north.id, date(2026, 10, 5))
    at(world, datetime(2026, 10, 5, 9, tzinfo=UTC))
    onboarding.start_onboarding(world.store, world.supervisor, extra.id, TEMPLATE)

    template = templates.get_template(world.store, TEMPLATE)
    keys = ["anst-avtal", "anst-lon", "anst-schema", *again]
    signed_in_october = [template.item(key) for key in keys]
    courses = [i for i in signed_in_october if i.where in (Place.WEB_COURSE, Place.CLASSROOM)]
    north, south = monthly_report(world.store, world.admin, "2026-10")
    assert (north.unit, south.unit) == ("Hemtjänst Norr", "Hemtjänst Söder")
    assert (north.started, north.active, north.approved, north.revocations) == (2, 2, 1, 1)
    assert (north.items_signed, north.not_applicable) == (len(signed_in_october), 0)
    assert courses and north.course_minutes == sum(i.minutes for i in courses)
    assert north.supervision_minutes == sum(
        i.minutes for i in signed_in_october if i not in courses
    )
    assert (south.started, south.active, south.items_signed) == (0, 0, 0)
    assert [line.unit for line in monthly_report(world.store, world.manager, "2026-10")] == [
        "Hemtjänst Norr"
    ]
    with pytest.raises(InputError):
        monthly_report(world.store, world.admin, "oktober")


def test_certificate_is_a_real_pdf_with_the_persons_name(world: World, tmp_path: Path):
    started = onboarding.start_onboarding(world.store, world.supervisor, world.person.id, TEMPLATE)
    template = templates.get_template(world.store, TEMPLATE)
    walk_and_sign(world, started, [item.key for item in template.items()])
    review.approve(world.store, world.manager, started, MANAGER_PIN)
    out = tmp_path / "intyg.pdf"
    pages = write_certificate(world.store, world.manager, world.person.id, out, date(2026, 11, 22))
    reader = PdfReader(out)
    assert len(reader.pages) == pages >= 2
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Amina Hassan" in text and "Introduktionsintyg" in text
    assert "Godkännande för eget arbete" in text and "Karin Berg" in text
    assert f"sida {pages} av {pages}" in reader.pages[-1].extract_text()
    assert "Läkemedelshantering" in text or "läkemedel" in text


def test_cli_exports_report_and_certificate(world: World, tmp_path: Path, capsys, monkeypatch):
    started = onboarding.start_onboarding(world.store, world.supervisor, world.person.id, TEMPLATE)
    walk_and_sign(world, started, ["anst-avtal"])
    data_dir = str(world.store.path.parent)
    world.store.close()
    csv_path, pdf_path, report_path = (tmp_path / n for n in ("a.csv", "b.pdf", "c.csv"))
    month = datetime.now().strftime("%Y-%m")
    assert (
        main(
            [
                "--data-dir",
                data_dir,
                "export",
                "signoffs",
                "--out",
                str(csv_path),
                *signed_in_as(monkeypatch),
            ]
        )
        == 0
    )
    assert "Skrev 2 rader" in capsys.readouterr().out
    assert main(["--data-dir", data_dir, "report", "monthly", "--month", month,
                 "--out", str(report_path), *signed_in_as(monkeypatch)]) == 0  # fmt: skip
    printed = capsys.readouterr().out
    assert "Hemtjänst Norr" in printed and "Signerade moment" in printed
    assert report_path.read_text(encoding="utf-8-sig").splitlines()[0].startswith("unit;started")
    assert (
        main(
            [
                "--data-dir",
                data_dir,
                "certificate",
                "Amina Hassan",
                "--out",
                str(pdf_path),
                *signed_in_as(monkeypatch),
            ]
        )
        == 0
    )
    assert PdfReader(pdf_path).pages
    assert (
        main(
            [
                "--data-dir",
                data_dir,
                "report",
                "monthly",
                "--month",
                "13-2026",
                *signed_in_as(monkeypatch),
            ]
        )
        == 1
    )
    assert "ÅÅÅÅ-MM" in capsys.readouterr().err
    assert main(["--data-dir", data_dir, "export", "signoffs", "--from", "igår",
                 "--out", str(csv_path), *signed_in_as(monkeypatch)]) == 1  # fmt: skip


def test_overview_rows_stay_within_the_managers_units(world: World):
    south_person = people.add_person(
        world.store, world.admin, "Sven Söder", world.south.id, date(2026, 11, 1)
    )
    onboarding.start_onboarding(world.store, world.other_supervisor, south_person.id, TEMPLATE)
    names = {s.person_name for s in every_row(world.store, world.manager)}
    assert names == {"Amina Hassan"}
