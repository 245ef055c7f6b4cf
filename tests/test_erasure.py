"""Erasure travels: after every workstation's next syncs, the person is in no file anywhere."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from handledare.cli import main
from handledare.domain.enums import Evidence, Mark
from handledare.domain.evidence import Proof
from handledare.services import onboarding, people, signoff
from sync_helpers import PIN, approve, files_containing, projections, read_batch, seed, workstation

from conftest import admin_of, signed_in_as

SECRETS = [
    "Zlatan Ekdahl",
    "V55555",
    "Zlatan har ingen bil",
    "hemlig anteckning",
    "Zlatans kommentar",
    "B:s anteckning",
    "återkallat för Zlatan",
    "Zlatans kursgård",
    "ZX-998877",
    "Zlatan visade intyget i mobilen",
    "Zlatans sekretessförbindelse",
    "Zlatans pappa Olle",
]


def _decrypted_containing(share: Path, stations, needles: list[str]) -> set[str]:
    """The needles found in the events of every batch on the share, decrypted as the first
    of `stations` can."""
    found = set()
    for owner in stations:
        folder = share / "workstations" / owner.store.workstation_id
        for path in folder.glob("batch-*.jsonl"):
            batch = read_batch(share, owner, int(path.name[6:18]), stations[0])
            found |= {n for n in needles for e in batch.events if n in e.payload}
    return found


def test_erasure_reaches_every_database_and_every_file_on_the_share(
    tmp_path: Path, capsys, monkeypatch
):
    share = tmp_path / "share"
    share.mkdir()
    a, b, c = (workstation(tmp_path, name) for name in "abc")
    seed(a)
    cli = admin_of(a.store)
    unit = people.list_units(a.store)[0]
    zlatan = people.add_person(
        a.store, cli, "Zlatan Ekdahl", unit.id, date(2026, 11, 3), employee_number="V55555"
    )
    oid = onboarding.start_onboarding(a.store, cli, zlatan.id, "hemtjanst-omsorg")
    anna = a.supervisor()
    observer = Proof(Evidence.OBSERVED, observer_name="Zlatans pappa Olle", observer_role="usk")
    onboarding.mark_item(a.store, anna, oid, "sak-trafik", Mark.PRACTISED, None, observer)
    onboarding.mark_item(
        a.store, anna, oid, "sak-trafik", Mark.NOT_APPLICABLE, "Zlatan har ingen bil"
    )
    onboarding.add_note(a.store, anna, oid, "hemlig anteckning", item_key="anst-avtal")
    # Free text in proof is about the person too: who issued their course, the number...
    certificate = Proof(
        Evidence.CERTIFICATE,
        issuer="Zlatans kursgård",
        issued_on=date(2026, 10, 1),
        number="ZX-998877",
        seen="Zlatan visade intyget i mobilen",
    )
    onboarding.mark_item(a.store, anna, oid, "webb-hygien", Mark.WALKED_THROUGH, None, certificate)
    document = Proof(Evidence.DOCUMENT, document="Zlatans sekretessförbindelse", version="v1")
    onboarding.mark_item(
        a.store, anna, oid, "sekr-tystnadsplikt", Mark.WALKED_THROUGH, None, document
    )
    onboarding.mark_item(a.store, anna, oid, "anst-avtal", Mark.WALKED_THROUGH)
    signoff.sign_off(a.store, anna, oid, ["anst-avtal"], PIN, "Zlatan Ekdahl", "Zlatans kommentar")
    a.sync(share)
    approve(share, a, b, c)
    onboarding.add_note(b.store, b.supervisor(), oid, "B:s anteckning", item_key="anst-avtal")
    signoff.revoke(b.store, b.supervisor(), oid, "anst-avtal", "återkallat för Zlatan", PIN)
    b.sync(share)
    c.sync(share)
    a.sync(share)
    assert files_containing(share, SECRETS) == {}, "encrypted on the share"
    assert _decrypted_containing(share, [a, b, c], SECRETS) == set(SECRETS), "but there"

    export = tmp_path / "zlatan.json"
    a_dir = str(a.store.path.parent)
    assert (
        main(
            [
                "--data-dir",
                a_dir,
                "person",
                "export",
                "V55555",
                "--out",
                str(export),
                *signed_in_as(monkeypatch),
            ]
        )
        == 0
    )
    exported = json.loads(export.read_text("utf-8"))
    assert exported["person"]["name"] == "Zlatan Ekdahl"
    assert "B:s anteckning" in json.dumps(exported, ensure_ascii=False)
    assert (
        main(
            [
                "--data-dir",
                a_dir,
                "person",
                "erase",
                "Zlatan Ekdahl",
                "--yes",
                *signed_in_as(monkeypatch),
            ]
        )
        == 0
    )
    assert "raderade" in capsys.readouterr().out

    for _round in range(2):
        for station in (a, b, c):
            station.sync(share)
    assert _decrypted_containing(share, [a, b, c], SECRETS) == set()
    for station in (a, b, c):
        station.store.close()

    assert files_containing(share, SECRETS) == {}
    for name in "abc":
        assert files_containing(tmp_path / name, SECRETS) == {}, name
    assert files_containing(tmp_path / "a", ["Amina Hassan"]), "others are untouched"
    stations = [workstation(tmp_path, name) for name in "abc"]
    assert projections(stations[0].store) == projections(stations[1].store)
    assert projections(stations[1].store) == projections(stations[2].store)
    names = [p.name for p in people.list_people(stations[2].store, cli)]
    assert sorted(names) == ["Amina Hassan", "—"]
    proofs = {
        key: state.evidence
        for key, state in onboarding.progress(stations[2].store, cli, oid).states.items()
        if state.evidence
    }
    assert proofs["webb-hygien"] == Proof(
        Evidence.CERTIFICATE, issuer="—", issued_on=date(2026, 10, 1), number="—", seen="—"
    )
    assert proofs["sekr-tystnadsplikt"].document == "—"


def test_data_about_an_erased_person_arriving_late_is_blanked(tmp_path: Path):
    share = tmp_path / "share"
    share.mkdir()
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    seed(a)
    cli = admin_of(a.store)
    unit = people.list_units(a.store)[0]
    zlatan = people.add_person(a.store, cli, "Zlatan Ekdahl", unit.id, date(2026, 11, 3))
    oid = onboarding.start_onboarding(a.store, cli, zlatan.id, "hemtjanst-omsorg")
    a.sync(share)
    approve(share, a, b)
    onboarding.add_note(b.store, b.supervisor(), oid, "hemlig anteckning")

    from handledare.services.erasure import erase_person

    erase_person(a.store, cli, zlatan.id)
    a.sync(share)
    b.sync(share)
    b.sync(share)
    a.sync(share)
    for station in (a, b):
        station.store.close()
    assert files_containing(share, SECRETS) == {}
    assert files_containing(tmp_path / "a", SECRETS) == {}
    assert files_containing(tmp_path / "b", SECRETS) == {}
