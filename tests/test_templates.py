"""The template format: the bundled templates, and one test per validation rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from handledare.checklists import bundled_template_files
from handledare.checklists.parser import TemplateInvalid, load_template_file, parse_template
from handledare.errors import InputError
from handledare.services import templates
from handledare.store.eventlog import Store

from conftest import admin_of

VALID = """
format = 1
id = "test-mall"
version = 2
title.sv = "Testmall"
title.en = "Test template"
role.sv = "Vårdbiträde"

[[sections]]
key = "hygien"
title.sv = "Hygien"

[[sections.items]]
key = "hyg-1"
title.sv = "Handdesinfektion"
guidance.sv = "Före och efter vårdmoment."
step = "before_first_shift"
level = "färdighet"
minutes = 10
required_before_alone = true
needs_practical = true

[[sections.items]]
key = "hyg-2"
title.sv = "Handskar"
guidance.sv = "När de används."
step = "shadowing"
level = "fakta"
minutes = 5
valid_for_days = 365
"""


def _problems(source: str) -> list[str]:
    with pytest.raises(TemplateInvalid) as caught:
        parse_template(source, "mall.toml")
    return [str(problem) for problem in caught.value.problems]


@pytest.mark.parametrize("path", bundled_template_files(), ids=lambda p: p.stem)
def test_bundled_templates_are_valid_bilingual_and_of_the_right_size(path: Path):
    template = load_template_file(path)
    items = template.items()
    assert 50 <= len(items) <= 90
    texts = [template.title, template.role]
    texts += [section.title for section in template.sections]
    texts += [text for item in items for text in (item.title, item.guidance)]
    assert all(set(text.languages) == {"sv", "en"} for text in texts)
    assert any(item.valid_for_days == 365 for item in items)
    assert {item.step.value for item in items} == {
        "before_first_shift",
        "shadowing",
        "before_alone",
        "within_3_months",
    }


def test_valid_template_parses():
    template = parse_template(VALID, "mall.toml")
    assert (template.id, template.version, len(template.items())) == ("test-mall", 2, 2)
    assert template.title.get("en") == "Test template"
    assert template.role.get("en") == "Vårdbiträde"


def test_syntax_error_names_the_line():
    broken = VALID.replace("minutes = 5", "minutes = = 5")
    line = broken.splitlines().index("minutes = = 5") + 1
    [problem] = _problems(broken)
    assert problem.startswith(f"rad {line}, kolumn 11:")


def test_duplicate_item_key_is_refused():
    problems = _problems(VALID.replace('key = "hyg-2"', 'key = "hyg-1"'))
    assert any("'hyg-1'" in p and "mer än en gång" in p for p in problems)


def test_duplicate_section_key_is_refused():
    source = VALID + VALID[VALID.index("[[sections]]") :].replace("hyg-1", "x-1").replace(
        "hyg-2", "x-2"
    )
    assert any("'hygien'" in p and "mer än en gång" in p for p in _problems(source))


def test_unknown_step_is_refused():
    [problem] = _problems(VALID.replace('step = "shadowing"', 'step = "someday"'))
    assert (
        "moment 'hyg-2'" in problem and "'someday'" in problem and "before_first_shift" in problem
    )


def test_unknown_level_is_refused():
    [problem] = _problems(VALID.replace('level = "fakta"', 'level = "expert"'))
    assert "moment 'hyg-2'" in problem and "förtrogenhet" in problem


def test_missing_swedish_text_is_refused():
    [problem] = _problems(VALID.replace('title.sv = "Handskar"', 'title.en = "Gloves"'))
    assert "moment 'hyg-2'" in problem and "'title.sv' saknas" in problem


def test_wrong_types_are_refused_with_what_was_expected():
    problems = _problems(
        VALID.replace("minutes = 10", 'minutes = "tio"').replace(
            "needs_practical = true", 'needs_practical = "ja"'
        )
    )
    assert any("'minutes'" in p and "heltal" in p for p in problems)
    assert any("'needs_practical'" in p and "true eller false" in p for p in problems)


def test_all_problems_are_reported_at_once_with_the_file_name():
    source = VALID.replace('step = "shadowing"', 'step = "x"').replace(
        'level = "fakta"', 'level = "y"'
    )
    with pytest.raises(TemplateInvalid) as caught:
        parse_template(source, "mall.toml")
    assert len(caught.value.problems) == 2
    assert caught.value.message.startswith("mall.toml: 2 fel")


def _import(store: Store, source: str):
    template = parse_template(source, "mall.toml")
    return templates.import_template(store, admin_of(store), template)


def test_reimport_of_same_version_with_same_content_is_a_no_op(store: Store):
    assert _import(store, VALID).imported
    assert not _import(store, VALID).imported
    assert [(t.id, t.version) for t in templates.list_templates(store)] == [("test-mall", 2)]


def test_reimport_of_same_version_with_different_content_is_refused(store: Store):
    _import(store, VALID)
    with pytest.raises(InputError, match="annat innehåll"):
        _import(store, VALID.replace("Handskar", "Skyddshandskar"))


def test_lower_version_than_imported_is_refused(store: Store):
    _import(store, VALID)
    with pytest.raises(InputError, match="äldre än version 2"):
        _import(store, VALID.replace("version = 2", "version = 1"))
    _import(store, VALID.replace("version = 2", "version = 3"))
    assert templates.get_template(store, "test-mall").version == 3
    assert templates.get_template(store, "test-mall", 2).version == 2
