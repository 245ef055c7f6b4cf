"""Maintain the translation catalogs in locales/.

    python scripts/catalogs.py update    # extract strings, merge them into sv and en
    python scripts/catalogs.py compile   # write the .mo files that ship with the package
    python scripts/catalogs.py adopt OLD.po   # after a merge: refill Swedish entries from OLD.po

Message ids are English, so the English catalog is filled with the ids
themselves; Swedish is translated by hand in locales/sv/LC_MESSAGES/handledare.po.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ROOT / "locales"
POT = LOCALES / "handledare.pot"
LANGUAGES = ("sv", "en")


def _pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def _po(language: str) -> Path:
    return LOCALES / language / "LC_MESSAGES" / "handledare.po"


def update() -> None:
    _pybabel(
        "extract",
        "-F",
        str(ROOT / "babel.cfg"),
        "-k",
        "N_",
        "--no-location",
        "--sort-output",
        "--project",
        "handledare",
        "-c",
        "Translators:",
        "-o",
        str(POT),
        str(ROOT),
    )
    for language in LANGUAGES:
        action = "update" if _po(language).exists() else "init"
        extra = ["--no-fuzzy-matching", "--ignore-obsolete"] if action == "update" else []
        _pybabel(
            action, "-D", "handledare", "-i", str(POT), "-d", str(LOCALES), "-l", language, *extra
        )
    _fill_english()


def _fill_english() -> None:
    path = _po("en")
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    for message in catalog:
        translated = message.string if isinstance(message.string, str) else all(message.string)
        if message.id and not translated:
            message.string = message.id
    with path.open("wb") as handle:
        write_po(handle, catalog, sort_output=True, omit_header=False, ignore_obsolete=True)


def adopt(other: Path) -> None:
    """Fill untranslated Swedish entries from another catalog.

    After a merge that touched the catalogs: take one side's .po, run `update`,
    then adopt the other side's file so none of its translations is lost.
    """
    with other.open("rb") as handle:
        source = {m.id: m.string for m in read_po(handle, locale="sv") if m.id and m.string}
    path = _po("sv")
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="sv")
    for message in catalog:
        if message.id and not message.string and message.id in source:
            message.string = source[message.id]
            message.flags.discard("fuzzy")
    with path.open("wb") as handle:
        write_po(handle, catalog, sort_output=True, omit_header=False, ignore_obsolete=True)


def compile_all() -> None:
    _pybabel("compile", "-D", "handledare", "-d", str(LOCALES), "--statistics")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "adopt" and len(sys.argv) == 3:
        adopt(Path(sys.argv[2]))
    else:
        {"update": update, "compile": compile_all}.get(command, lambda: sys.exit(__doc__))()
