"""Reading a checklist template from TOML, with precise errors (docs/templates.md).

Every problem names the file, where in it (item key, section or line),
what is wrong and what was expected, and all problems are reported at
once. Format 1 files read as they always did; format 2 adds prerequisites,
evidence, where an item is learnt, a link and an observer.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

from handledare.checklists.checker import (
    KEY_PATTERN,
    Checker,
    Problem,
    TemplateInvalid,
    did_you_mean,
)
from handledare.domain.enums import Evidence, Level, Place, Step
from handledare.domain.template import Item, Section, Template
from handledare.errors import InputError
from handledare.i18n import _

__all__ = ["FORMAT_VERSION", "TemplateInvalid", "load_template_file", "parse_template"]

FORMAT_VERSION = 2
FORMATS = (1, 2)
_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")

TOP_KEYS = ("format", "id", "version", "title", "role", "sections")
SECTION_KEYS = ("key", "title", "items")
ITEM_KEYS_1 = (
    "key",
    "title",
    "guidance",
    "step",
    "level",
    "minutes",
    "required_before_alone",
    "needs_practical",
    "valid_for_days",
)
ITEM_KEYS_2 = ("after", "evidence", "where", "link", "observer", "pass_mark", "out_of")
MAX_MINUTES = {1: 480, 2: 2400}
MAX_POINTS = 10_000


def _item(checker: Checker, raw: dict[str, Any], where: str, seen: set[str], form: int) -> Item:
    key = checker.key(raw, where, seen)
    where = _("item '{key}'").format(key=key) if key in seen else where
    known = ITEM_KEYS_1 + (ITEM_KEYS_2 if form >= 2 else ())
    checker.unknown_keys(raw, known, where, newer=ITEM_KEYS_2 if form < 2 else ())
    valid_for = checker.optional_integer(raw, "valid_for_days", where, 1, 3650)
    item = Item(
        key=key,
        title=checker.text(raw, "title", where),
        guidance=checker.text(raw, "guidance", where),
        step=checker.choice(raw, "step", where, Step),
        level=checker.choice(raw, "level", where, Level),
        minutes=checker.integer(raw, "minutes", where, 1, MAX_MINUTES[form]),
        required_before_alone=checker.flag(raw, "required_before_alone", where),
        needs_practical=checker.flag(raw, "needs_practical", where),
        valid_for_days=valid_for,
    )
    if form < 2:
        return item
    item = replace(
        item,
        after=checker.key_list(raw, "after", where),
        evidence=checker.choice(raw, "evidence", where, Evidence, Evidence.OBSERVED),
        where=checker.choice(raw, "where", where, Place, Place.ANYWHERE),
        link=checker.link(raw, where),
        observer=checker.flag(raw, "observer", where),
        pass_mark=checker.optional_integer(raw, "pass_mark", where, 1, MAX_POINTS),
        out_of=checker.optional_integer(raw, "out_of", where, 1, MAX_POINTS),
    )
    _check_fields_fit(checker, item, where)
    return item


def _check_fields_fit(checker: Checker, item: Item, where: str) -> None:
    """Fields that only mean something together."""
    if item.observer and item.evidence is not Evidence.OBSERVED:
        checker.fail(
            where, _("'observer' belongs to items shown and seen (evidence = \"observed\")")
        )
    elif item.observer and not item.needs_practical:
        checker.fail(
            where,
            _("'observer' vouches for the practical part; set needs_practical = true too"),
        )
    for field in ("pass_mark", "out_of"):
        if getattr(item, field) is not None and item.evidence is not Evidence.TEST:
            checker.fail(
                where,
                _("'{field}' belongs to a knowledge test; set evidence = \"test\" too").format(
                    field=field
                ),
            )
    if item.pass_mark is not None and item.out_of is not None and item.pass_mark > item.out_of:
        checker.fail(
            where,
            _("'pass_mark' {pass_mark} is higher than 'out_of' {out_of}").format(
                pass_mark=item.pass_mark, out_of=item.out_of
            ),
        )


def _check_prerequisites(checker: Checker, items: list[Item]) -> None:
    """`after` names items of this template, due no later, never in a circle."""
    by_key = {item.key: item for item in items}
    for item in items:
        where = _("item '{key}'").format(key=item.key)
        for key in item.after:
            other = by_key.get(key)
            if key == item.key:
                checker.fail(where, _("'after' names the item itself"))
            elif other is None:
                suggestion = did_you_mean(key, list(by_key))
                checker.fail(
                    where,
                    _("'after' names '{key}', which is no item in this template").format(key=key)
                    + (
                        "; " + _("did you mean '{suggestion}'?").format(suggestion=suggestion)
                        if suggestion
                        else ""
                    ),
                )
            elif item.required_before_alone and not other.required_before_alone:
                checker.fail(
                    where,
                    _(
                        "required before working alone, but waits for '{key}', which is not; "
                        "set required_before_alone = true there too"
                    ).format(key=key),
                )
            elif other.step.order > item.step.order:
                checker.fail(
                    where,
                    _(
                        "'after' names '{key}', which is due later ({its_step}); an item cannot "
                        "wait for one due after it ({step})"
                    ).format(key=key, its_step=other.step.value, step=item.step.value),
                )
    for circle in _circles(by_key):
        checker.fail(
            _("item '{key}'").format(key=circle[0]),
            _("items wait for each other in a circle: {circle}").format(
                circle=" → ".join([*circle, circle[0]])
            ),
        )


def _circles(by_key: dict[str, Item]) -> list[list[str]]:
    """Each circle of prerequisites once, starting at its first key in template order."""
    found: list[list[str]] = []
    reported: set[str] = set()
    done: set[str] = set()

    def visit(key: str, path: list[str]) -> None:
        if key in path:
            circle = path[path.index(key) :]
            if not reported.intersection(circle):
                found.append(circle)
                reported.update(circle)
            return
        if key in done or key not in by_key:
            return
        for following in by_key[key].after:
            if following != key:
                visit(following, [*path, key])
        done.add(key)

    for key in by_key:
        visit(key, [])
    return found


def _format(checker: Checker, raw: dict[str, Any], top: str) -> int:
    form = raw.get("format", 1)
    if isinstance(form, bool) or form not in FORMATS:
        checker.fail(
            top,
            _("'format' is {value!r}; this version of handledare reads format 1 or 2").format(
                value=form
            ),
        )
        return FORMAT_VERSION
    return form


def _sections(checker: Checker, raw: dict[str, Any], top: str, form: int) -> tuple[Section, ...]:
    sections_raw = raw.get("sections")
    if not isinstance(sections_raw, list) or not sections_raw:
        checker.fail(top, _("no sections; expected at least one [[sections]] table"))
        sections_raw = []
    section_keys: set[str] = set()
    item_keys: set[str] = set()
    sections = []
    for number, value in enumerate(sections_raw, start=1):
        where = _("section {number}").format(number=number)
        section_raw = checker.table(value, where, "[[sections]]")
        key = checker.key(section_raw, where, section_keys)
        where = _("section '{key}'").format(key=key)
        checker.unknown_keys(section_raw, SECTION_KEYS, where)
        items_raw = section_raw.get("items")
        if not isinstance(items_raw, list) or not items_raw:
            checker.fail(where, _("no items; expected at least one [[sections.items]] table"))
            items_raw = []
        items = []
        for index, item_value in enumerate(items_raw, start=1):
            item_where = _("item {number} in section '{key}'").format(number=index, key=key)
            item_raw = checker.table(item_value, item_where, "[[sections.items]]")
            items.append(_item(checker, item_raw, item_where, item_keys, form))
        sections.append(
            Section(key=key, title=checker.text(section_raw, "title", where), items=tuple(items))
        )
    return tuple(sections)


def parse_template(source_text: str, source: str) -> Template:
    """Parse and validate; raise TemplateInvalid listing every problem found."""
    try:
        raw = tomllib.loads(source_text)
    except tomllib.TOMLDecodeError as error:
        position = _POSITION.search(str(error))
        where = (
            _("line {line}, column {column}").format(line=position[1], column=position[2])
            if position
            else _("syntax")
        )
        detail = _POSITION.sub("", str(error)).strip()
        raise TemplateInvalid(
            source, [Problem(where, _("not valid TOML: {error}").format(error=detail))]
        ) from error

    checker = Checker()
    top = _("template")
    form = _format(checker, raw, top)
    checker.unknown_keys(raw, TOP_KEYS, top)
    template_id = raw.get("id")
    if not isinstance(template_id, str) or not KEY_PATTERN.fullmatch(template_id):
        checker.fail(
            top,
            _("'id' is {value!r}; expected lower-case letters, digits, '-', '_' or '.'").format(
                value=template_id
            ),
        )
    version = checker.integer(raw, "version", top, 1, 1_000_000)
    title = checker.text(raw, "title", top)
    role = checker.text(raw, "role", top)
    sections = _sections(checker, raw, top, form)
    _check_prerequisites(checker, [item for s in sections for item in s.items])
    if checker.problems:
        raise TemplateInvalid(source, checker.problems)
    return Template(id=str(template_id), version=version, title=title, role=role, sections=sections)


def load_template_file(path: Path) -> Template:
    try:
        source_text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(
            _("The template file {path} cannot be read: {error}").format(path=path, error=error)
        ) from error
    return parse_template(source_text, str(path))
