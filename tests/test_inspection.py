"""The inspection pack: its timeline, who may make it, the PDF and CSV read back, its record."""

from __future__ import annotations

import csv
import hashlib
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from delegation_helpers import INSULIN, Calendar, accepted, with_nurse
from handledare.errors import InputError, PermissionRefused
from handledare.services import delegations, onboarding, people, review, signoff
from handledare.services.inspection import TIMELINE_COLUMNS, timeline
from handledare.services.inspection_pack import make_pack, packs_made, scope_of
from sync_helpers import approve, seed, workstation

from conftest import MANAGER_PIN, SUPERVISOR_PIN, World, admin_of, sign_items

MARCH = date(2027, 3, 1)
APRIL = date(2027, 4, 1)


def _history(world: World) -> str:
    """In March: a sign-off, a delegation given and accepted; in April: a sign-off revoked,
    the delegation revoked, an approval with an exception."""
    nurse, calendar = with_nurse(world)
    oid = onboarding.start_onboarding(world.store, world.supervisor, world.person.id,
                                      "hemtjanst-omsorg")  # fmt: skip
    sign_items(world.store, world.supervisor, oid, ["anst-avtal"])
    delegation_id = accepted(world, nurse, MARCH, date(2027, 8, 31))
    calendar.day = APRIL
    signoff.revoke(world.store, world.supervisor, oid, "anst-avtal", "Fel blankett",
                   SUPERVISOR_PIN)  # fmt: skip
    delegations.revoke(world.store, world.manager, delegation_id, "Felaktig dos", MANAGER_PIN)
    review.approve(world.store, world.manager, oid, MANAGER_PIN, "Börjar med sällskap")
    return delegation_id


def test_the_timeline_has_every_decision_with_who_when_and_where(world: World):
    delegation_id = _history(world)
    rows = timeline(world.store, world.manager, MARCH, APRIL, person_id=world.person.id)
    assert [r.event for r in rows] == [
        "signed_off", "delegation_granted", "delegation_accepted",
        "revoked", "approved", "delegation_revoked",
    ]  # fmt: skip
    granted = rows[1]
    assert granted.by == "Sara Nilsson" and granted.reference == delegation_id
    assert granted.task == INSULIN and granted.title == "Insulin med penna"
    assert granted.workstation == world.store.workstation_id
    assert rows[0].by == "Anna Lindqvist" and rows[0].task == "anst-avtal"
    assert "Fel blankett" in rows[3].detail and "Felaktig dos" in rows[5].detail
    assert rows[4].by == "Karin Berg" and "Börjar med sällskap" in rows[4].detail
    march = timeline(world.store, world.manager, MARCH, date(2027, 3, 31), unit_id=world.north.id)
    assert [r.event for r in march] == ["signed_off", "delegation_granted", "delegation_accepted"]
    assert timeline(world.store, world.admin, MARCH, APRIL, unit_id=world.south.id) == []
    with pytest.raises(InputError):
        timeline(world.store, world.manager, APRIL, MARCH)


def test_a_manager_makes_the_pack_and_reads_it_back_from_pdf_and_csv(world: World, tmp_path: Path):
    _history(world)
    scope = scope_of(world.store, world.manager, person_id=world.person.id)
    pdf, sheet = tmp_path / "paket.pdf", tmp_path / "paket.csv"
    made = make_pack(world.store, world.manager, scope, MARCH, APRIL, pdf, sheet)
    assert made.rows == 6 and made.pages >= 1

    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages)
    assert "Inspektionsunderlag" in text and "Amina Hassan" in text
    names = ("Insulin med penna", "Sara Nilsson", "Anna Lindqvist", "Karin Berg", "Felaktig dos")
    for expected in (*names, "delegering återkallad", "godkänd för eget arbete"):
        assert expected in text, expected

    raw = sheet.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert tuple(rows[0]) == TIMELINE_COLUMNS
    assert [r[1] for r in rows[1:]][:3] == [
        "signed_off", "delegation_granted", "delegation_accepted",
    ]  # fmt: skip

    [record] = packs_made(world.store, world.manager)
    assert record.id == made.id and record.by == "Karin Berg" and record.scope == "Amina Hassan"
    assert (record.first, record.last, record.rows) == (MARCH, APRIL, 6)
    assert record.pdf_sha256 == hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert record.csv_sha256 == hashlib.sha256(raw).hexdigest()


def test_only_a_manager_or_admin_of_the_unit_makes_a_pack(world: World, tmp_path: Path):
    nurse, _calendar = with_nurse(world)
    for refused in (world.supervisor, nurse):
        with pytest.raises(PermissionRefused):
            scope_of(world.store, refused, unit_id=world.north.id)
    with pytest.raises(PermissionRefused):
        scope_of(world.store, world.manager, unit_id=world.south.id)
    outsider = scope_of(world.store, world.admin, unit_id=world.south.id)
    with pytest.raises(PermissionRefused):  # a scope made by someone else is checked again
        make_pack(world.store, world.manager, outsider, MARCH, APRIL,
                  tmp_path / "a.pdf", tmp_path / "a.csv")  # fmt: skip
    assert not (tmp_path / "a.pdf").exists() and not (tmp_path / "a.csv").exists()
    with pytest.raises(InputError):
        scope_of(world.store, world.manager)
    assert packs_made(world.store, world.admin) == []


def test_an_empty_range_is_a_pack_that_says_so(world: World, tmp_path: Path):
    people.add_person(world.store, world.admin, "Bo Ek", world.north.id, MARCH)
    scope = scope_of(world.store, world.admin, unit_id=world.north.id)
    made = make_pack(world.store, world.admin, scope, MARCH, MARCH,
                     tmp_path / "tom.pdf", tmp_path / "tom.csv")  # fmt: skip
    assert made.rows == 0
    text = PdfReader(tmp_path / "tom.pdf").pages[0].extract_text()
    assert "Inget registrerades" in text and "Hemtjänst Norr" in text


def test_the_record_of_a_pack_travels_with_sync_and_survives_rebuild(tmp_path: Path):
    share = tmp_path / "share"
    share.mkdir()
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    seed(a)
    admin = admin_of(a.store)
    unit = people.list_units(a.store)[0]
    scope = scope_of(a.store, admin, unit_id=unit.id)
    made = make_pack(
        a.store,
        admin,
        scope,
        date(2026, 1, 1),
        date.today(),
        tmp_path / "p.pdf",
        tmp_path / "p.csv",
    )
    a.sync(share)
    approve(share, a, b)
    b.sync(share)
    on_b = packs_made(b.store, admin_of(b.store))
    assert [p.id for p in on_b] == [made.id] and on_b[0].workstation == a.store.workstation_id
    assert made.rows == 0  # the seed's onboarding has nothing signed yet
    b.store.rebuild()
    assert packs_made(b.store, admin_of(b.store)) == on_b


def test_a_renewal_reads_as_one_with_what_was_checked(world: World):
    with_nurse(world)
    started = onboarding.start_onboarding(world.store, world.supervisor, world.person.id,
                                          "hemtjanst-omsorg")  # fmt: skip
    sign_items(world.store, world.supervisor, started, ["sak-brand"])
    later = MARCH + timedelta(days=370)
    world.store.now = Calendar(later)
    signoff.renew(world.store, world.supervisor, started, "sak-brand",
                  "Gick igenom utrymningen igen", SUPERVISOR_PIN)  # fmt: skip
    rows = timeline(world.store, world.manager, later, later, person_id=world.person.id)
    [renewal] = rows
    assert renewal.event == "signed_off" and renewal.task == "sak-brand"
    assert renewal.detail.startswith("förnyad — Gick igenom utrymningen igen")
