"""Checking one value of a template file at a time, collecting every problem.

Each problem names where it is (the item key, or the section and position)
and what was expected, so that an admin can fix a file in one go.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeVar

from handledare.domain.template import Text
from handledare.errors import InputError
from handledare.i18n import DEFAULT_LANGUAGE, _, ngettext

KEY_PATTERN = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")
_LANGUAGE_PATTERN = re.compile(r"[a-z]{2,3}")
_LINK_PATTERN = re.compile(r"https?://[^\s\"<>]+")
MAX_LINK = 500
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


def did_you_mean(word: str, choices: list[str]) -> str | None:
    found = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return found[0] if found else None


class Checker:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, where: str, what: str) -> None:
        self.problems.append(Problem(where, what))

    def unknown_keys(
        self, table: dict[str, Any], known: tuple[str, ...], where: str, newer: tuple[str, ...] = ()
    ) -> None:
        """Every key must be one the format knows: a typo must never pass silently.

        `newer` are keys of a later format than the file declares.
        """
        for key in table:
            if key in known:
                continue
            if key in newer:
                self.fail(
                    where, _("'{key}' needs format = 2 at the top of the file").format(key=key)
                )
                continue
            suggestion = did_you_mean(key, [*known, *newer])
            if suggestion:
                self.fail(
                    where,
                    _("unknown key '{key}'; did you mean '{suggestion}'?").format(
                        key=key, suggestion=suggestion
                    ),
                )
            else:
                self.fail(
                    where,
                    _("unknown key '{key}'; expected one of: {known}").format(
                        key=key, known=", ".join(known)
                    ),
                )

    def table(self, value: object, where: str, what: str) -> dict[str, Any]:
        """A value that must be a table; a problem and an empty table otherwise."""
        if isinstance(value, dict):
            return value
        self.fail(
            where, _("expected a table for {what}, not {value!r}").format(what=what, value=value)
        )
        return {}

    def text(self, table: dict[str, Any], field: str, where: str) -> Text:
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

    def integer(self, table: dict[str, Any], field: str, where: str, low: int, high: int) -> int:
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

    def optional_integer(
        self, table: dict[str, Any], field: str, where: str, low: int, high: int
    ) -> int | None:
        return self.integer(table, field, where, low, high) if field in table else None

    def flag(self, table: dict[str, Any], field: str, where: str) -> bool:
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

    def choice(
        self,
        table: dict[str, Any],
        field: str,
        where: str,
        enum: type[Choice],
        default: Choice | None = None,
    ) -> Choice:
        value = table.get(field)
        if value is None and default is not None:
            return default
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
            return default if default is not None else next(iter(enum))

    def link(self, table: dict[str, Any], where: str) -> str | None:
        value = table.get("link")
        if value is None:
            return None
        if (
            not isinstance(value, str)
            or len(value) > MAX_LINK
            or not _LINK_PATTERN.fullmatch(value)
        ):
            self.fail(
                where,
                _(
                    "'link' is {value!r}; expected a web address starting with https:// "
                    "(at most {limit} characters, no spaces)"
                ).format(value=value, limit=MAX_LINK),
            )
            return None
        return value

    def key_list(self, table: dict[str, Any], field: str, where: str) -> tuple[str, ...]:
        value = table.get(field, [])
        if not isinstance(value, list) or not all(
            isinstance(key, str) and KEY_PATTERN.fullmatch(key) for key in value
        ):
            self.fail(
                where,
                _(
                    "'{field}' is {value!r}; expected a list of item keys, e.g. "
                    '{field} = ["hyg-1"]'
                ).format(field=field, value=value),
            )
            return ()
        for key in sorted({key for key in value if value.count(key) > 1}):
            self.fail(where, _("'{field}' names '{key}' twice").format(field=field, key=key))
        return tuple(dict.fromkeys(value))

    def key(self, table: dict[str, Any], where: str, seen: set[str]) -> str:
        key = table.get("key")
        if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key):
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
