"""The template format: the bundled templates, and one test per validation rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from handledare.checklists import bundled_template_file, bundled_template_files
from handledare.checklists.parser import TemplateInvalid, load_template_file, parse_template
from handledare.domain.enums import Evidence, Place
from handledare.domain.template import Template
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
    assert 40 <= len(items) <= 90
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


@pytest.mark.parametrize("template_id", ["hemtjanst-omsorg", "sabo-omsorg"])
def test_the_care_checklists_say_how_each_thing_is_proven_and_where_it_is_learnt(template_id):
    template = load_template_file(bundled_template_file(template_id))
    by_key = {item.key: item for item in template.items()}
    web = [item for item in template.items() if item.where is Place.WEB_COURSE]
    assert {item.key for item in web} == {"webb-introduktion", "webb-hygien"}
    assert all(item.evidence is Evidence.CERTIFICATE and item.link for item in web)
    hygiene_test = by_key["hyg-test"]
    assert (hygiene_test.evidence, hygiene_test.after) == (Evidence.TEST, ("webb-hygien",))
    assert by_key["sekr-journal"].where is Place.ON_SITE  # social documentation
    assert by_key["sekr-tystnadsplikt"].evidence is Evidence.DOCUMENT
    assert any(item.observer for item in template.items())


def test_the_basic_knowledge_checklist_covers_what_sosfs_2011_12_lists():
    template = load_template_file(bundled_template_file("grundkunskaper-aldreomsorg"))
    sections = " ".join(section.title.get("sv").lower() for section in template.sections)
    for topic in ("värdegrund", "bemötande", "hygien", "nutrition", "fall", "demens",
                  "dokumentation", "sekretess", "läkemedel", "livets slutskede"):  # fmt: skip
        assert topic in sections, topic
    kinds = {item.evidence for item in template.items()}
    assert kinds == set(Evidence)


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


# ----- format 2 --------------------------------------------------------------------

FORMAT_2 = """
format = 2
id = "sommar"
version = 1
title.sv = "Sommarvikarier"
role.sv = "Vårdbiträde"

[[sections]]
key = "webb"
title.sv = "Webbutbildningar"

[[sections.items]]
key = "intro"
title.sv = "Introduktion inom vård och omsorg"
guidance.sv = "Tre moduler och ett kunskapstest."
step = "before_first_shift"
level = "fakta"
minutes = 360
required_before_alone = true
evidence = "certificate"
where = "web_course"
link = "https://kunskapsguiden.se/"

[[sections.items]]
key = "hygientest"
title.sv = "Kunskapstest i hygien"
guidance.sv = "Tjugo frågor."
step = "before_first_shift"
level = "förståelse"
minutes = 20
required_before_alone = true
evidence = "test"
pass_mark = 16
out_of = 20
after = ["intro"]

[[sections]]
key = "plats"
title.sv = "På plats"

[[sections.items]]
key = "dok"
title.sv = "Social dokumentation"
guidance.sv = "Lärs ut på plats."
step = "shadowing"
level = "färdighet"
minutes = 30
needs_practical = true
where = "on_site"
observer = true
after = ["intro", "hygientest"]

[[sections.items]]
key = "rutin"
title.sv = "Rutin för avvikelser"
guidance.sv = "Läs rutinen."
step = "shadowing"
level = "fakta"
minutes = 2400
evidence = "document"
"""


def test_format_2_reads_every_new_field():
    template = parse_template(FORMAT_2, "sommar.toml")
    intro, test, dok, rutin = template.items()
    assert (intro.evidence, intro.where, intro.link) == (
        Evidence.CERTIFICATE,
        Place.WEB_COURSE,
        "https://kunskapsguiden.se/",
    )
    assert (test.evidence, test.pass_mark, test.out_of, test.after) == (
        Evidence.TEST,
        16,
        20,
        ("intro",),
    )
    assert (dok.where, dok.observer, dok.after) == (Place.ON_SITE, True, ("intro", "hygientest"))
    assert (rutin.evidence, rutin.where, rutin.minutes) == (Evidence.DOCUMENT, Place.ANYWHERE, 2400)
    assert template.numbers() == {"intro": "1.1", "hygientest": "1.2", "dok": "2.1", "rutin": "2.2"}
    assert template.waiting({"intro"}) == {"dok": ("hygientest",)}
    assert Template.from_dict(template.to_dict()) == template


def test_a_format_1_file_imports_with_the_content_it_always_had(store: Store):
    """The bundled home-care checklist as it was in format 1, and the hash it was imported with."""
    path = Path(__file__).parent / "data" / "format1-hemtjanst-omsorg.toml"
    template = load_template_file(path)
    assert templates.content_hash(template) == FORMAT_1_HASH
    assert all(
        (item.after, item.evidence, item.where, item.link, item.observer)
        == ((), Evidence.OBSERVED, Place.ANYWHERE, None, False)
        for item in template.items()
    )
    assert templates.import_template(store, admin_of(store), template).imported
    assert templates.get_template(store, "hemtjanst-omsorg", 1) == template


FORMAT_1_HASH = "baff45f42ee917319067ce2ea5f11bad5095f9d049b0047e1f6c395783679264"


def _item_problems(field_lines: str, source: str = FORMAT_2) -> list[str]:
    """The problems when the item 'rutin' gets these lines (its evidence replaced)."""
    if field_lines.startswith("evidence ="):
        return _problems(source.replace('evidence = "document"', field_lines))
    return _problems(source.rstrip("\n") + "\n" + field_lines + "\n")


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            "requried_before_alone = true",
            "okänd nyckel 'requried_before_alone'; menade du 'required_before_alone'?",
        ),
        ('evidense = "test"', "menade du 'evidence'?"),
        ('colour = "red"', "okänd nyckel 'colour'; förväntade en av: key, title"),
        (
            'evidence = "photo"',
            "'evidence' är 'photo'; förväntade ett av: observed, certificate, test, document",
        ),
        (
            'where = "home"',
            "'where' är 'home'; förväntade ett av: web_course, on_site, classroom, anywhere",
        ),
        (
            'link = "kunskapsguiden.se"',
            "'link' är 'kunskapsguiden.se'; förväntade en webbadress som börjar med https://",
        ),
        ('link = "https://a b.se"', "förväntade en webbadress"),
        ('link = "javascript:alert(1)"', "förväntade en webbadress"),
        ('after = "intro"', "'after' är 'intro'; förväntade en lista med momentnycklar"),
        ('after = ["intro", "intro"]', "'after' nämner 'intro' två gånger"),
        (
            'after = ["intr"]',
            "'after' nämner 'intr', som inte är ett moment i mallen; menade du 'intro'?",
        ),
        ('after = ["rutin"]', "'after' nämner momentet självt"),
        ('observer = "ja"', "'observer' är 'ja'; förväntade true eller false"),
        ("observer = true", "'observer' hör till moment som visas och ses"),
        ("pass_mark = 8", "'pass_mark' hör till ett kunskapstest"),
        ("out_of = 0", "'out_of' är 0; förväntade ett heltal från 1 till 10000"),
    ],
)
def test_each_new_field_is_checked_with_file_item_and_what_was_expected(lines, expected):
    problems = _item_problems(lines)
    assert any(p.startswith("moment 'rutin': ") and expected in p for p in problems), problems


def test_minutes_go_up_to_a_week_of_courses_in_format_2_only():
    [problem] = _problems(FORMAT_2.replace("minutes = 2400", "minutes = 2401"))
    assert "'minutes' är 2401; förväntade ett heltal från 1 till 2400" in problem
    [problem] = _problems(VALID.replace("minutes = 10", "minutes = 481"))
    assert "från 1 till 480" in problem


def test_format_2_fields_in_a_format_1_file_say_which_format_they_need():
    [problem] = _problems(VALID.replace("minutes = 5", 'minutes = 5\nevidence = "test"'))
    assert problem == "moment 'hyg-2': 'evidence' kräver format = 2 överst i filen"


def test_unknown_keys_at_the_top_and_in_sections_are_refused():
    problems = _problems(
        FORMAT_2.replace("version = 1", "version = 1\nverison = 2").replace(
            'key = "webb"', 'key = "webb"\ntitel.sv = "Webb"'
        )
    )
    assert "checklista: okänd nyckel 'verison'; menade du 'version'?" in problems
    assert "avsnitt 'webb': okänd nyckel 'titel'; menade du 'title'?" in problems


def test_a_test_needs_its_pass_mark_within_its_points():
    problems = _problems(FORMAT_2.replace("pass_mark = 16", "pass_mark = 21"))
    assert problems == ["moment 'hygientest': 'pass_mark' 21 är högre än 'out_of' 20"]


def _items(*items: str) -> str:
    """A format 2 template with these items, each given by its differing lines."""
    head = 'format = 2\nid = "t"\nversion = 1\ntitle.sv = "T"\nrole.sv = "R"\n'
    head += '[[sections]]\nkey = "s"\ntitle.sv = "S"\n'
    body = ""
    for lines in items:
        body += '[[sections.items]]\ntitle.sv = "M"\nguidance.sv = "G"\nlevel = "fakta"\n'
        body += "minutes = 5\n" + lines + "\n"
    return head + body


def test_prerequisites_in_a_circle_are_refused():
    problems = _problems(
        _items(
            'key = "a"\nstep = "shadowing"\nafter = ["c"]',
            'key = "b"\nstep = "shadowing"\nafter = ["a"]',
            'key = "c"\nstep = "shadowing"\nafter = ["b"]',
        )
    )
    assert problems == ["moment 'a': moment väntar på varandra i en cirkel: a → c → b → a"]


def test_an_item_cannot_wait_for_one_due_later():
    [problem] = _problems(
        _items('key = "a"\nstep = "before_alone"', 'key = "b"\nstep = "shadowing"\nafter = ["a"]')
    )
    assert problem == (
        "moment 'b': 'after' nämner 'a', som ska göras senare (before_alone); "
        "ett moment kan inte vänta på ett som ska göras efter det (shadowing)"
    )


def test_a_required_item_cannot_hide_a_requirement_in_what_it_waits_for():
    [problem] = _problems(
        _items(
            'key = "a"\nstep = "shadowing"',
            'key = "b"\nstep = "shadowing"\nrequired_before_alone = true\nafter = ["a"]',
        )
    )
    assert problem == (
        "moment 'b': krävs före eget arbete men väntar på 'a', som inte krävs; "
        "sätt required_before_alone = true där också"
    )


def test_bundled_templates_are_found_by_id_and_named_after_it():
    for path in bundled_template_files():
        assert load_template_file(path).id == path.stem
        assert bundled_template_file(path.stem) == path
    assert bundled_template_file("finns-inte") is None


def test_import_by_bundled_id_or_by_file(store: Store, tmp_path: Path):
    cli = admin_of(store)
    result = templates.import_file_or_bundled(store, cli, "grundkunskaper-aldreomsorg")
    assert (result.template.id, result.imported) == ("grundkunskaper-aldreomsorg", True)
    with pytest.raises(InputError, match="hemtjanst-omsorg"):
        templates.import_file_or_bundled(store, cli, "hemtjanst")
    path = tmp_path / "sommar.toml"
    path.write_text(FORMAT_2, "utf-8")
    assert templates.import_file_or_bundled(store, cli, str(path)).template.id == "sommar"
