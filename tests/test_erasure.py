"""Erasure travels: after every workstation's next syncs, the person is in no file anywhere."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from handledare.cli import main
from handledare.domain.enums import Mark
from handledare.services import onboarding, people, signoff
from sync_helpers import PIN, approve, projections, seed, workstation

from conftest import admin_of, signed_in_as

SECRETS = [
    "Zlatan Ekdahl",
    "V55555",
    "Zlatan har ingen bil",
    "hemlig anteckning",
    "Zlatans kommentar",
    "B:s anteckning",
    "återkallat för Zlatan",
]


def _files_containing(root: Path, needles: list[str]) -> dict[str, list[str]]:
    found = {}
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            hits = [n for n in needles if n.encode() in data]
            if hits:
                found[str(path.relative_to(root))] = hits
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
    onboarding.mark_item(
        a.store, anna, oid, "sak-trafik", Mark.NOT_APPLICABLE, "Zlatan har ingen bil"
    )
    onboarding.add_note(a.store, anna, oid, "hemlig anteckning", item_key="anst-avtal")
    onboarding.mark_item(a.store, anna, oid, "anst-avtal", Mark.WALKED_THROUGH)
    signoff.sign_off(a.store, anna, oid, ["anst-avtal"], PIN, "Zlatan Ekdahl", "Zlatans kommentar")
    a.sync(share)
    approve(share, a, b, c)
    onboarding.add_note(b.store, b.supervisor(), oid, "B:s anteckning", item_key="anst-avtal")
    signoff.revoke(b.store, b.supervisor(), oid, "anst-avtal", "återkallat för Zlatan", PIN)
    b.sync(share)
    c.sync(share)
    a.sync(share)
    assert _files_containing(share, SECRETS), "the share held the data before"

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
    for station in (a, b, c):
        station.store.close()

    assert _files_containing(share, SECRETS) == {}
    for name in "abc":
        assert _files_containing(tmp_path / name, SECRETS) == {}, name
    assert _files_containing(tmp_path / "a", ["Amina Hassan"]), "others are untouched"
    stations = [workstation(tmp_path, name) for name in "abc"]
    assert projections(stations[0].store) == projections(stations[1].store)
    assert projections(stations[1].store) == projections(stations[2].store)
    names = [p.name for p in people.list_people(stations[2].store, cli)]
    assert sorted(names) == ["Amina Hassan", "—"]


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
    assert _files_containing(share, SECRETS) == {}
    assert _files_containing(tmp_path / "a", SECRETS) == {}
    assert _files_containing(tmp_path / "b", SECRETS) == {}
