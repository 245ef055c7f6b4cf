"""A template item that needs a delegated task: read from the file, checked against the
task list on import, and counted as signed off only while the person holds a delegation."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from delegation_helpers import INSULIN, NURSE_PIN, accepted, with_nurse
from handledare.checklists.parser import TemplateInvalid, parse_template
from handledare.domain.enums import Mark
from handledare.errors import InputError
from handledare.services import delegations, onboarding, review, signoff, templates
from test_cli_format2 import ADMIN, SUPERVISOR, handledare

from conftest import ADMIN_PIN, MANAGER_PIN, SUPERVISOR_PIN, World, admin_of, sign_items

MARCH = date(2027, 3, 1)

NEEDS_DELEGATION = """
format = 1
id = "insulin-mall"
version = 1
title.sv = "Insulin"
role.sv = "Undersköterska"

[[sections]]
key = "lakemedel"
title.sv = "Läkemedel"

[[sections.items]]
key = "insulin"
title.sv = "Insulin med penna"
guidance.sv = "Visa pennan, dosen och journalen."
step = "before_first_shift"
level = "färdighet"
minutes = 30
required_before_alone = true
delegation = "{task}"

[[sections.items]]
key = "hygien"
title.sv = "Handhygien"
guidance.sv = "Före och efter."
step = "before_first_shift"
level = "fakta"
minutes = 5
"""


def test_either_format_reads_the_delegation_and_a_bad_key_is_named_with_its_item():
    template = parse_template(NEEDS_DELEGATION.format(task=INSULIN), "mall.toml")
    assert template.recorded_item("insulin").delegation == INSULIN
    assert template.recorded_item("hygien").delegation is None
    with pytest.raises(TemplateInvalid) as caught:
        parse_template(NEEDS_DELEGATION.format(task="Insulin Penna"), "mall.toml")
    assert [p.where for p in caught.value.problems] == ["moment 'insulin'"]
    assert "'delegation'" in caught.value.problems[0].what
    assert "mall.toml" in str(caught.value)


def test_the_hash_of_a_template_without_delegations_is_unchanged():
    """`delegation` is left out of the stored form when not given, as format 2's fields are."""
    template = parse_template(NEEDS_DELEGATION.format(task=INSULIN), "mall.toml")
    stored = template.to_dict()["sections"][0]["items"]
    assert stored[0]["delegation"] == INSULIN and "delegation" not in stored[1]


def test_an_unknown_task_is_refused_on_import_once_the_list_is_known(world: World):
    typo = parse_template(NEEDS_DELEGATION.format(task="insulin-pena"), "mall.toml")
    with_nurse(world)
    with pytest.raises(TemplateInvalid) as caught:
        templates.import_template(world.store, world.admin, typo, "mall.toml")
    problem = caught.value.problems[0]
    assert problem.where == "moment 'insulin'"
    assert "'insulin-pena'" in problem.what and f"'{INSULIN}'" in problem.what
    assert str(caught.value).startswith("mall.toml")
    assert "insulin-mall" not in {t.id for t in templates.list_templates(world.store)}


def test_without_a_task_list_the_template_is_taken_as_it_is(store):
    typo = parse_template(NEEDS_DELEGATION.format(task="insulin-pena"), "mall.toml")
    assert templates.import_template(store, admin_of(store), typo).imported


def _signed_insulin(world: World) -> str:
    template = parse_template(NEEDS_DELEGATION.format(task=INSULIN), "mall.toml")
    templates.import_template(world.store, world.admin, template)
    started = onboarding.start_onboarding(world.store, world.supervisor, world.person.id,
                                          "insulin-mall")  # fmt: skip
    sign_items(world.store, world.supervisor, started, ["insulin", "hygien"])
    return started


def test_a_signed_item_counts_only_while_the_person_holds_the_delegation(world: World):
    nurse, _calendar = with_nurse(world, MARCH)
    started = _signed_insulin(world)

    held = onboarding.progress(world.store, nurse, started, MARCH)
    assert held.signed_count == 1 and [i.key for i in held.required_open] == ["insulin"]
    assert "Insulin med penna" in held.held_back["insulin"]
    assert "ingen har getts" in held.held_back["insulin"]
    assert held.states["insulin"].signed and not held.states["insulin"].counts

    given = delegations.give(world.store, nurse, world.person.id, [INSULIN], MARCH,
                             date(2027, 5, 31), NURSE_PIN)  # fmt: skip
    waiting = onboarding.progress(world.store, nurse, started, MARCH)
    assert "väntar på att personen godkänner" in waiting.held_back["insulin"]
    delegations.accept(world.store, nurse, given, "Amina Hassan")
    counted = onboarding.progress(world.store, nurse, started, MARCH)
    assert counted.held_back == {} and counted.signed_count == 2 and not counted.required_open

    # Its last day still counts; the day after, the item is held back again, with why.
    assert onboarding.progress(world.store, nurse, started, date(2027, 5, 31)).held_back == {}
    after = onboarding.progress(world.store, nurse, started, date(2027, 6, 1))
    assert after.held_back["insulin"].endswith("gick ut 31 maj 2027")


def test_approval_waits_for_the_delegation_and_says_why(world: World):
    nurse, _calendar = with_nurse(world, MARCH)
    started = _signed_insulin(world)
    with pytest.raises(InputError) as refused:
        review.approve(world.store, world.manager, started, MANAGER_PIN)
    assert "Insulin med penna" in str(refused.value) and "delegering" in str(refused.value)
    accepted(world, nurse, MARCH, date(2027, 5, 31))
    review.approve(world.store, world.manager, started, MANAGER_PIN)
    assert onboarding.progress(world.store, world.manager, started, MARCH).approved_at


def test_a_signed_not_applicable_needs_no_delegation(world: World):
    nurse, _calendar = with_nurse(world, MARCH)
    template = parse_template(NEEDS_DELEGATION.format(task=INSULIN), "mall.toml")
    templates.import_template(world.store, world.admin, template)
    started = onboarding.start_onboarding(world.store, world.supervisor, world.person.id,
                                          "insulin-mall")  # fmt: skip
    onboarding.mark_item(world.store, world.supervisor, started, "insulin", Mark.NOT_APPLICABLE,
                         "Ger aldrig insulin på enheten")  # fmt: skip
    signoff.sign_off(world.store, world.supervisor, started, ["insulin"], SUPERVISOR_PIN,
                     acknowledged_name="Amina Hassan")  # fmt: skip
    assert onboarding.progress(world.store, nurse, started, MARCH).held_back == {}


def test_the_command_line_refuses_an_unknown_task_and_status_says_why_an_item_waits(
    world: World, tmp_path: Path
):
    with_nurse(world, MARCH)
    started = _signed_insulin(world)
    data = world.store.path.parent
    typo = tmp_path / "mall.toml"
    typo.write_text(
        NEEDS_DELEGATION.format(task="insulin-pena").replace("version = 1", "version = 2"),
        encoding="utf-8",
    )
    refused = handledare(data, "template", "import", str(typo), *ADMIN, pin=ADMIN_PIN)
    assert refused.returncode == 1
    assert f"{typo}: moment 'insulin': 'delegation' anger 'insulin-pena'" in refused.stderr
    assert "menade du 'insulin-penna'?" in refused.stderr

    shown = handledare(data, "status", "Amina Hassan", *SUPERVISOR, pin=SUPERVISOR_PIN)
    assert shown.returncode == 0, shown.stderr
    assert "Signerat, men räknas inte som signerat i dag:" in shown.stdout
    assert "⊘ 1.1 Insulin med penna: kräver en giltig delegering" in shown.stdout
    as_json = handledare(data, "status", "Amina Hassan", "--json", *SUPERVISOR,
                         pin=SUPERVISOR_PIN)  # fmt: skip
    [report] = json.loads(as_json.stdout)["onboardings"]
    assert report["id"] == started and list(report["held_back"]) == ["insulin"]
    assert report["signed"] == 1
