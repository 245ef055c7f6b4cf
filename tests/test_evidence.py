"""Prerequisites and proof, as the services enforce them whoever calls them."""

from __future__ import annotations

import csv
import json
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from handledare.domain.enums import Evidence, Mark
from handledare.domain.evidence import Proof
from handledare.errors import InputError
from handledare.services import onboarding, people, signoff
from handledare.services.certificate import write_certificate
from handledare.services.exports import export_signoffs
from handledare.services.reports import monthly_report
from sync_helpers import PIN, approve, projections, seed, workstation

from conftest import SUPERVISOR_PIN, World, sign_items

HOME_CARE = "hemtjanst-omsorg"
CERTIFICATE = Proof(
    Evidence.CERTIFICATE, issuer="Socialstyrelsen", issued_on=date(2026, 10, 1), number="A-1"
)
PASSED = Proof(Evidence.TEST, score=9, out_of=10, pass_mark=8)


def _start(world: World) -> str:
    return onboarding.start_onboarding(world.store, world.supervisor, world.person.id, HOME_CARE)


def _mark(world: World, oid: str, key: str, mark=Mark.WALKED_THROUGH, **kwargs) -> None:
    onboarding.mark_item(world.store, world.supervisor, oid, key, mark, **kwargs)


def _events(world: World, oid: str, kind: str) -> list[dict]:
    with sqlite3.connect(world.store.path) as connection:
        rows = connection.execute(
            "SELECT payload FROM events WHERE entity_id = ? AND type = ?", (oid, kind)
        ).fetchall()
    return [json.loads(payload) for (payload,) in rows]


def test_an_item_waits_until_what_it_comes_after_is_signed_off(world: World):
    oid = _start(world)
    progress = onboarding.progress(world.store, world.supervisor, oid)
    assert progress.waiting["hyg-test"] == ("webb-hygien",)
    with pytest.raises(InputError, match=r"5\.2 Kunskapstest.*väntar på 2\.2 Webbutbildningen"):
        _mark(world, oid, "hyg-test", evidence=PASSED)
    _mark(world, oid, "webb-hygien", evidence=CERTIFICATE)
    with pytest.raises(InputError, match=r"väntar på 2\.2"):
        _mark(world, oid, "hyg-test", evidence=PASSED)  # marked is not enough
    assert _events(world, oid, "item.marked") == [
        {
            "item_key": "webb-hygien",
            "mark": "walked_through",
            "basis": None,
            "evidence": CERTIFICATE.to_dict(),
        }
    ]
    signoff.sign_off(world.store, world.supervisor, oid, ["webb-hygien"], SUPERVISOR_PIN)
    _mark(world, oid, "hyg-test", evidence=PASSED)
    assert "hyg-test" not in onboarding.progress(world.store, world.supervisor, oid).waiting


def test_a_sign_off_is_refused_when_what_it_waits_for_was_revoked_meanwhile(world: World):
    oid = _start(world)
    sign_items(world.store, world.supervisor, oid, ["webb-hygien"])
    _mark(world, oid, "hyg-test", evidence=PASSED)
    signoff.revoke(world.store, world.supervisor, oid, "webb-hygien", "Fel intyg", SUPERVISOR_PIN)
    with pytest.raises(InputError, match=r"väntar på 2\.2"):
        signoff.sign_off(world.store, world.supervisor, oid, ["hyg-test"], SUPERVISOR_PIN)
    assert not _events(world, oid, "items.signed_off")[1:]


def test_not_applicable_needs_no_prerequisite_and_counts_as_done(world: World):
    oid = _start(world)
    _mark(world, oid, "webb-hygien", Mark.NOT_APPLICABLE, reason="Gjord på förra jobbet")
    signoff.sign_off(world.store, world.supervisor, oid, ["webb-hygien"], SUPERVISOR_PIN)
    progress = onboarding.progress(world.store, world.supervisor, oid)
    assert "hyg-test" not in progress.waiting
    assert progress.states["webb-hygien"].not_applicable


@pytest.mark.parametrize(
    ("key", "mark", "proof", "message"),
    [
        ("webb-hygien", Mark.WALKED_THROUGH, None, "kräver underlag: kursintyg"),
        ("webb-hygien", Mark.WALKED_THROUGH, PASSED, "kräver underlag: kursintyg"),
        (
            "webb-hygien",
            Mark.WALKED_THROUGH,
            Proof(Evidence.CERTIFICATE, issuer="SoS", issued_on=date(2026, 10, 1)),
            "Skriv intygets nummer, eller en anteckning om att du har sett det",
        ),
        (
            "webb-hygien",
            Mark.WALKED_THROUGH,
            Proof(Evidence.CERTIFICATE, issued_on=date(2026, 10, 1), number="1"),
            "Intygets utfärdare saknas",
        ),
        (
            "webb-hygien",
            Mark.WALKED_THROUGH,
            Proof(Evidence.CERTIFICATE, issuer="SoS", issued_on=date(2099, 1, 1), number="1"),
            "ligger i framtiden",
        ),
        (
            "sekr-tystnadsplikt",
            Mark.WALKED_THROUGH,
            Proof(Evidence.DOCUMENT, document="Sekretessförbindelse"),
            "Dokumentets version saknas",
        ),
        (
            "sak-trafik",
            Mark.WALKED_THROUGH,
            Proof(Evidence.OBSERVED, observer_name="Lena Holm", observer_role="usk"),
            "bara intyga den praktiska delen",
        ),
        (
            "sak-trafik",
            Mark.PRACTISED,
            Proof(Evidence.OBSERVED, observer_name="Lena Holm"),
            "Kollegans yrkesroll saknas",
        ),
        (
            "anst-it",
            Mark.PRACTISED,
            Proof(Evidence.OBSERVED, observer_name="Lena Holm", observer_role="usk"),
            "bara på handledarens egen observation",
        ),
        ("anst-avtal", Mark.WALKED_THROUGH, CERTIFICATE, "visas och ses; det styrks inte med"),
        ("anst-lon", Mark.NOT_APPLICABLE, CERTIFICATE, "inte är aktuellt har inget underlag"),
    ],
)
def test_each_kind_of_evidence_needs_exactly_its_proof(world: World, key, mark, proof, message):
    oid = _start(world)
    with pytest.raises(InputError, match=message):
        _mark(world, oid, key, mark, reason="Ingår inte", evidence=proof)
    assert _events(world, oid, "item.marked") == []


def test_a_failed_test_is_refused_and_the_template_s_pass_mark_holds(world: World):
    oid = _start(world)
    sign_items(world.store, world.supervisor, oid, ["webb-hygien"])
    failed = Proof(Evidence.TEST, score=7, out_of=10, pass_mark=8)
    with pytest.raises(InputError, match="7 av 10 är under gränsen för godkänt 8"):
        _mark(world, oid, "hyg-test", evidence=failed)
    lowered = Proof(Evidence.TEST, score=7, out_of=10, pass_mark=6)
    with pytest.raises(InputError, match="gränsen för godkänt 8"):
        _mark(world, oid, "hyg-test", evidence=lowered)
    with pytest.raises(InputError, match="har testet 10 poäng"):
        _mark(world, oid, "hyg-test", evidence=Proof(Evidence.TEST, score=9, out_of=9, pass_mark=8))
    _mark(world, oid, "hyg-test", evidence=PASSED)
    signoff.sign_off(world.store, world.supervisor, oid, ["hyg-test"], SUPERVISOR_PIN)
    state = onboarding.progress(world.store, world.supervisor, oid).states["hyg-test"]
    assert state.signed and state.evidence == PASSED


def test_a_test_without_a_pass_mark_in_the_template_takes_the_one_given(world: World):
    oid = _start(world)
    sign_items(world.store, world.supervisor, oid, ["del-vad", "webb-introduktion"])
    proof = Proof(Evidence.TEST, score=18, out_of=20, pass_mark=16)
    _mark(world, oid, "del-lakemedel", Mark.PRACTISED, evidence=proof)
    signoff.sign_off(world.store, world.supervisor, oid, ["del-lakemedel"], SUPERVISOR_PIN)
    state = onboarding.progress(world.store, world.supervisor, oid).states["del-lakemedel"]
    assert (state.evidence.score, state.evidence.out_of, state.evidence.pass_mark) == (18, 20, 16)


def test_a_colleague_vouches_for_the_practical_part_and_the_supervisor_signs(world: World):
    oid = _start(world)
    observed = Proof(Evidence.OBSERVED, observer_name="Lena Holm", observer_role="undersköterska")
    _mark(world, oid, "sak-trafik", Mark.PRACTISED, evidence=observed)
    signoff.sign_off(world.store, world.supervisor, oid, ["sak-trafik"], SUPERVISOR_PIN)
    state = onboarding.progress(world.store, world.supervisor, oid).states["sak-trafik"]
    assert state.signed_by == world.supervisor.user_id
    assert state.evidence.summary() == (
        "Observerat av Lena Holm (undersköterska); handledaren signerar"
    )


def test_a_proof_from_another_workstation_that_does_not_hold_is_not_signed(world: World):
    """An event written around the service (as a stray workstation could) is stored, but the
    sign-off checks the proof again."""
    oid = _start(world)
    sign_items(world.store, world.supervisor, oid, ["webb-hygien"])
    with world.store.write(world.supervisor.user_id) as tx:
        tx.emit(
            "item.marked",
            oid,
            {
                "item_key": "hyg-test",
                "mark": "walked_through",
                "basis": None,
                "evidence": {"kind": "test", "score": 3, "out_of": 10, "pass_mark": 8},
            },
        )
    with pytest.raises(InputError, match="3 av 10 är under gränsen"):
        signoff.sign_off(world.store, world.supervisor, oid, ["hyg-test"], SUPERVISOR_PIN)


def test_proof_and_a_person_s_language_travel_with_sync(tmp_path: Path):
    share = tmp_path / "share"
    share.mkdir()
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    oid = seed(a)
    anna = a.supervisor()
    onboarding.mark_item(a.store, anna, oid, "webb-hygien", Mark.WALKED_THROUGH, None, CERTIFICATE)
    signoff.sign_off(a.store, anna, oid, ["webb-hygien"], PIN)
    person = onboarding.progress(a.store, anna, oid).person_id
    people.set_person_language(a.store, anna, person, "en")
    a.sync(share)
    approve(share, a, b)
    state = onboarding.progress(b.store, b.supervisor(), oid).states["webb-hygien"]
    assert state.signed and state.evidence == CERTIFICATE
    assert people.get_person(b.store, b.supervisor(), person).language == "en"
    assert projections(a.store) == projections(b.store)


def test_not_applicable_reads_as_such_in_the_certificate_csv_and_report(
    world: World, tmp_path: Path
):
    world.store.now = lambda: datetime(2026, 11, 2, 9, tzinfo=UTC)
    oid = _start(world)
    sign_items(world.store, world.supervisor, oid, ["anst-avtal"])
    _mark(world, oid, "anst-lon", Mark.NOT_APPLICABLE, reason="Lön via bemanningen")
    signoff.sign_off(world.store, world.supervisor, oid, ["anst-lon"], SUPERVISOR_PIN)

    pdf = tmp_path / "intyg.pdf"
    write_certificate(world.store, world.supervisor, world.person.id, pdf, date(2026, 11, 22))
    text = " ".join("\n".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    assert "– 1.3 Lön och tidrapportering — ej aktuellt: Lön via bemanningen" in text
    assert "✓ 1.3" not in text and "✓ 1.1 Anställningsavtal" in text

    out = tmp_path / "signoffs.csv"
    export_signoffs(world.store, world.admin, out)
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = [
            row for row in csv.DictReader(handle, delimiter=";") if row["event"] == "signed_off"
        ]
    by_key = {row["item_key"]: row for row in rows}
    assert (by_key["anst-lon"]["state"], by_key["anst-lon"]["note"]) == (
        "ej aktuellt",
        "Lön via bemanningen",
    )
    assert by_key["anst-lon"]["evidence"] == "" and by_key["anst-lon"]["item_number"] == "1.3"
    assert by_key["anst-avtal"]["state"] != "ej aktuellt"

    [north, _south] = monthly_report(world.store, world.admin, "2026-11")
    assert (north.items_signed, north.not_applicable) == (1, 1)
