"""The substitute's own plan: what is done, what comes next, what waits, the time left."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from handledare.cli import main
from handledare.domain.enums import Mark, PlanStatus, Step
from handledare.errors import InputError, NotFoundError
from handledare.services import onboarding, people, signoff
from handledare.services.plan import plan_of, plan_of_person
from handledare.services.plan_pdf import write_plan
from handledare.store.eventlog import Store

from conftest import SUPERVISOR_PIN, World, admin_of, data_with_admin, sign_items, signed_in_as

HOME_CARE = "hemtjanst-omsorg"


def _started(world: World) -> str:
    return onboarding.start_onboarding(world.store, world.supervisor, world.person.id, HOME_CARE)


def _pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_the_plan_follows_the_steps_and_says_what_waits_for_what(world: World):
    oid = _started(world)
    sign_items(world.store, world.supervisor, oid, ["anst-avtal", "webb-introduktion"])
    onboarding.mark_item(
        world.store, world.supervisor, oid, "anst-lon", Mark.NOT_APPLICABLE, reason="Bemanning"
    )
    plan = plan_of(world.store, world.supervisor, oid)
    assert [step.step for step in plan.steps] == list(Step)
    by_key = {entry.item.key: entry for entry in plan.entries}
    assert by_key["anst-avtal"].status is PlanStatus.DONE
    assert by_key["webb-introduktion"].signed_on is not None
    # Marked "not applicable" but not signed yet: still to be done.
    assert by_key["anst-lon"].status is PlanStatus.NEXT
    hygiene_test = by_key["hyg-test"]
    assert hygiene_test.status is PlanStatus.WAITING
    assert [(n, item.key) for n, item in hygiene_test.waits_for] == [("2.2", "webb-hygien")]
    assert by_key["varde-integritet"].status is PlanStatus.LATER  # a later step
    assert all(entry.item.step is Step.BEFORE_FIRST_SHIFT for entry in plan.next)
    total = sum(entry.item.minutes for entry in plan.entries)
    done = by_key["anst-avtal"].item.minutes + by_key["webb-introduktion"].item.minutes
    assert plan.minutes_left == total - done
    assert plan.done == 2 and len(plan.entries) == 71


def test_the_pdf_is_in_the_substitute_s_language_beside_swedish(world: World, tmp_path: Path):
    oid = _started(world)
    people.set_person_language(world.store, world.supervisor, world.person.id, "en")
    sign_items(world.store, world.supervisor, oid, ["anst-avtal"])
    onboarding.mark_item(
        world.store, world.supervisor, oid, "anst-lon", Mark.NOT_APPLICABLE, reason="Bemanning"
    )
    signoff.sign_off(world.store, world.supervisor, oid, ["anst-lon"], SUPERVISOR_PIN)
    plan = plan_of_person(world.store, world.supervisor, world.person.id)
    assert (plan.language, plan.bilingual) == ("en", True)
    out = tmp_path / "plan.pdf"
    pages = write_plan(plan, out, date(2026, 11, 22))
    text = _pdf_text(out)
    assert len(PdfReader(out).pages) == pages >= 2
    assert "My introduction · Min introduktion" in text and "Amina Hassan" in text
    assert "Step 1: before the first shift · Steg 1: före första passet" in text
    assert "1.1 Employment contract and working hours" in text
    assert "1.1 Anställningsavtal och arbetstider" in text
    assert "not applicable: Bemanning" in text and "ej aktuellt: Bemanning" in text
    assert "waits for 2.2 Web course: Basic hygiene routines" in text
    assert "väntar på 2.2 Webbutbildningen Basala hygienrutiner" in text
    assert "Time left: " in text and "Tid kvar: " in text
    assert "Link: https://kunskapsguiden.se/" in text


def test_a_swedish_reader_gets_one_column(world: World, tmp_path: Path):
    _started(world)
    plan = plan_of_person(world.store, world.supervisor, world.person.id)
    out = tmp_path / "plan.pdf"
    write_plan(plan, out, date(2026, 11, 22))
    text = _pdf_text(out)
    assert "Min introduktion" in text and "My introduction" not in text
    assert "Employment contract" not in text


def test_a_language_is_a_real_language_code(world: World):
    with pytest.raises(InputError, match="ingen språkkod"):
        people.set_person_language(world.store, world.supervisor, world.person.id, "svenska")
    with pytest.raises(InputError, match="ingen språkkod"):
        people.add_person(
            world.store, world.supervisor, "X", world.north.id, date.today(), language="xx"
        )
    people.set_person_language(world.store, world.supervisor, world.person.id, "ti")
    assert people.get_person(world.store, world.supervisor, world.person.id).language == "ti"


def test_no_checklist_no_plan(world: World):
    with pytest.raises(NotFoundError):
        plan_of_person(world.store, world.supervisor, world.person.id)


def test_cli_imports_by_id_sets_a_language_and_writes_the_plan(tmp_path: Path, capsys, monkeypatch):
    data = ["--data-dir", str(data_with_admin(tmp_path / "data"))]

    def run(*args: str) -> int:
        return main([*data, *args, *signed_in_as(monkeypatch)])

    assert run("unit", "add", "Hemtjänst Norr") == 0
    assert run("template", "import", "grundkunskaper-aldreomsorg") == 0
    assert "grundkunskaper-aldreomsorg version 1" in capsys.readouterr().out
    assert run("template", "import", "grundkunskaper") == 1
    assert "Medföljande mallar: grundkunskaper-aldreomsorg" in capsys.readouterr().err
    add = ("person", "add", "--unit", "Hemtjänst Norr", "--name")
    assert run(*add, "Leila Ek", "--language", "en") == 0
    assert run(*add, "Bo Ek", "--language", "klingon") == 1
    assert "klingon är ingen språkkod" in capsys.readouterr().err
    assert run("person", "edit", "Leila Ek", "--language", "ar") == 0
    assert "arabiska" in capsys.readouterr().out
    assert run("person", "list", "--json") == 0
    assert '"language": "ar"' in capsys.readouterr().out
    out = tmp_path / "plan.pdf"
    assert run("plan", "Leila Ek", "--out", str(out)) == 1
    assert "ingen checklista" in capsys.readouterr().err

    store = Store.open(tmp_path / "data" / "handledare.db")
    admin = admin_of(store)
    leila = people.find_person(store, admin, "Leila Ek")
    onboarding.start_onboarding(store, admin, leila.id, "grundkunskaper-aldreomsorg")
    store.close()
    assert run("plan", "Leila Ek", "--out", str(out)) == 0
    assert "Planen för Leila Ek har skrivits" in capsys.readouterr().out
    text = _pdf_text(out)
    assert "Arabiska" in text and "Svenska" in text
    assert "1.1 Ett värdigt liv och välbefinnande" in text
