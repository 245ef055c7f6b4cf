"""Reading a checklist template from TOML, with precise errors.

Every problem names the file, where in it (item key, section or line),
what is wrong and what was expected, and all problems are reported at
once so an admin can fix a file in one go.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TypeVar

from handledare.domain.enums import Level, Step
from handledare.domain.template import Item, Section, Template, Text
from handledare.errors import InputError
from handledare.i18n import DEFAULT_LANGUAGE, _, ngettext

FORMAT_VERSION = 1
_KEY_PATTERN = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")
_LANGUAGE_PATTERN = re.compile(r"[a-z]{2,3}")
_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
Choice = TypeVar("Choice", bound=Enum)


@dataclass(frozen=True)
class Problem:
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


class TemplateInvalid(InputError):
    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        self.problems = problems
        lines = [
            ngettext(
                "{source}: {count} problem",
                "{source}: {count} problems",
                len(problems),
            ).format(source=source, count=len(problems))
        ]
        lines += [f"  {source}: {problem}" for problem in problems]
        super().__init__("\n".join(lines))


class _Checker:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, where: str, what: str) -> None:
        self.problems.append(Problem(where, what))

    def text(self, table: dict, field: str, where: str) -> Text:
        value = table.get(field)
        if isinstance(value, str):
            value = {DEFAULT_LANGUAGE: value}
        if not isinstance(value, dict):
            self.fail(
                where,
                _("'{field}' is missing; expected a text, e.g. {field}.sv = \"...\"").format(
                    field=field
                ),
            )
            return Text.of({DEFAULT_LANGUAGE: ""})
        clean = {}
        for language, text in value.items():
            if not _LANGUAGE_PATTERN.fullmatch(language):
                self.fail(
                    where,
                    _("'{field}.{lang}': unknown language code; expected e.g. sv, en").format(
                        field=field, lang=language
                    ),
                )
            elif not isinstance(text, str) or not text.strip():
                self.fail(
                    where,
                    _("'{field}.{lang}' must be a non-empty text").format(
                        field=field, lang=language
                    ),
                )
            else:
                clean[language] = text.strip()
        if DEFAULT_LANGUAGE not in clean:
            self.fail(
                where,
                _("'{field}.sv' is missing; Swedish text is required").format(field=field),
            )
            clean[DEFAULT_LANGUAGE] = ""
        return Text.of(clean)

    def integer(self, table: dict, field: str, where: str, low: int, high: int) -> int:
        value = table.get(field)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(
                where,
                _("'{field}' is {value!r}; expected a whole number from {low} to {high}").format(
                    field=field, value=value, low=low, high=high
                ),
            )
            return low
        return value

    def flag(self, table: dict, field: str, where: str) -> bool:
        value = table.get(field, False)
        if not isinstance(value, bool):
            self.fail(
                where,
                _("'{field}' is {value!r}; expected true or false").format(
                    field=field, value=value
                ),
            )
            return False
        return value

    def choice(self, table: dict, field: str, where: str, enum: type[Choice]) -> Choice:
        value = table.get(field)
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(member.value for member in enum)
            self.fail(
                where,
                _("'{field}' is {value!r}; expected one of: {allowed}").format(
                    field=field, value=value, allowed=allowed
                ),
            )
            return next(iter(enum))

    def key(self, table: dict, where: str, seen: set[str]) -> str:
        key = table.get("key")
        if not isinstance(key, str) or not _KEY_PATTERN.fullmatch(key):
            self.fail(
                where,
                _(
                    "'key' is {value!r}; expected lower-case letters, digits, '-', '_' or '.'"
                ).format(value=key),
            )
            return str(key)
        if key in seen:
            self.fail(where, _("the key '{key}' is used more than once").format(key=key))
        seen.add(key)
        return key


def _item(checker: _Checker, raw: dict, where: str, seen: set[str]) -> Item:
    key = checker.key(raw, where, seen)
    where = _("item '{key}'").format(key=key) if key in seen else where
    valid_for = raw.get("valid_for_days")
    if valid_for is not None:
        valid_for = checker.integer(raw, "valid_for_days", where, 1, 3650)
    return Item(
        key=key,
        title=checker.text(raw, "title", where),
        guidance=checker.text(raw, "guidance", where),
        step=checker.choice(raw, "step", where, Step),
        level=checker.choice(raw, "level", where, Level),
        minutes=checker.integer(raw, "minutes", where, 1, 480),
        required_before_alone=checker.flag(raw, "required_before_alone", where),
        needs_practical=checker.flag(raw, "needs_practical", where),
        valid_for_days=valid_for,
    )


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

    checker = _Checker()
    top = _("template")
    if raw.get("format", FORMAT_VERSION) != FORMAT_VERSION:
        checker.fail(
            top,
            _("'format' is {value!r}; this version of handledare reads format {known}").format(
                value=raw.get("format"), known=FORMAT_VERSION
            ),
        )
    template_id = raw.get("id")
    if not isinstance(template_id, str) or not _KEY_PATTERN.fullmatch(template_id):
        checker.fail(
            top,
            _("'id' is {value!r}; expected lower-case letters, digits, '-', '_' or '.'").format(
                value=template_id
            ),
        )
    version = checker.integer(raw, "version", top, 1, 1_000_000)
    title = checker.text(raw, "title", top)
    role = checker.text(raw, "role", top)

    sections_raw = raw.get("sections")
    if not isinstance(sections_raw, list) or not sections_raw:
        checker.fail(top, _("no sections; expected at least one [[sections]] table"))
        sections_raw = []
    section_keys: set[str] = set()
    item_keys: set[str] = set()
    sections = []
    for number, section_raw in enumerate(sections_raw, start=1):
        where = _("section {number}").format(number=number)
        key = checker.key(section_raw, where, section_keys)
        where = _("section '{key}'").format(key=key)
        items_raw = section_raw.get("items")
        if not isinstance(items_raw, list) or not items_raw:
            checker.fail(where, _("no items; expected at least one [[sections.items]] table"))
            items_raw = []
        items = tuple(
            _item(
                checker,
                item_raw,
                _("item {number} in section '{key}'").format(number=index, key=key),
                item_keys,
            )
            for index, item_raw in enumerate(items_raw, start=1)
        )
        sections.append(
            Section(key=key, title=checker.text(section_raw, "title", where), items=items)
        )

    if checker.problems:
        raise TemplateInvalid(source, checker.problems)
    return Template(
        id=str(template_id), version=version, title=title, role=role, sections=tuple(sections)
    )


def load_template_file(path: Path) -> Template:
    try:
        source_text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(
            _("The template file {path} cannot be read: {error}").format(path=path, error=error)
        ) from error
    return parse_template(source_text, str(path))
