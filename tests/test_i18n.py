"""The catalogs cover every string in the source, and the compiled files match them."""

from __future__ import annotations

import gettext
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from handledare import i18n

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ROOT / "locales"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def _source_messages() -> set:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT / "src"), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


def _catalog(language: str):
    with (LOCALES / language / "LC_MESSAGES" / "handledare.po").open("rb") as handle:
        return read_po(handle, locale=language)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_source_string_is_translated(language: str):
    catalog = _catalog(language)
    entries = {(m.id if isinstance(m.id, str) else tuple(m.id)): m for m in catalog if m.id}
    missing = _source_messages() - set(entries)
    assert not missing, f"not in the {language} catalog; run scripts/catalogs.py update: {missing}"
    untranslated = [
        key
        for key, m in entries.items()
        if not (m.string if isinstance(m.string, str) else all(m.string))
    ]
    fuzzy = [key for key, m in entries.items() if m.fuzzy]
    assert not untranslated, f"untranslated in {language}: {untranslated}"
    assert not fuzzy, f"fuzzy in {language}: {fuzzy}"


@pytest.mark.parametrize("language", ["sv", "en"])
def test_compiled_catalog_matches_the_po_file(language: str):
    compiled = LOCALES / language / "LC_MESSAGES" / "handledare.mo"
    with compiled.open("rb") as handle:
        mo = gettext.GNUTranslations(handle)
    for message in _catalog(language):
        if message.id and isinstance(message.id, str):
            assert mo.gettext(message.id) == message.string, (
                f"{compiled} is stale; run scripts/catalogs.py compile"
            )


def test_language_switches_at_runtime():
    i18n.set_language("en")
    assert i18n._("Wrong PIN.") == "Wrong PIN."
    i18n.set_language("sv")
    assert i18n._("Wrong PIN.") == "Fel PIN-kod."
    assert i18n.set_language("fi") == "sv"


def test_relative_times_and_language_names_in_swedish_and_english():
    now = datetime(2026, 11, 22, 14, 0, tzinfo=UTC)
    assert i18n.format_relative(now - timedelta(minutes=2), now) == "för 2 minuter sedan"
    assert i18n.language_name("en") == "engelska"
    i18n.set_language("en")
    assert i18n.format_relative(now - timedelta(minutes=2), now) == "2 minutes ago"
    assert i18n.language_name("sv") == "Swedish"


def test_dates_in_swedish_and_english():
    assert i18n.format_date(date(2026, 11, 22)) == "22 nov. 2026"
    i18n.set_language("en")
    assert i18n.format_date(date(2026, 11, 22)) == "Nov 22, 2026"


def test_minutes_are_told_as_hours_and_minutes_in_each_language():
    assert [i18n.format_minutes(m, "sv") for m in (45, 60, 90, 2400)] == [
        "45 min",
        "1 tim",
        "1 tim 30 min",
        "40 tim",
    ]
    assert i18n.format_minutes(90, "en") == "1 h 30 min"
