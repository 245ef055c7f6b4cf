"""The municipality's list of tasks a nurse can delegate: a small TOML file, checked like a
template (every problem listed with where it is)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from handledare.checklists.checker import Checker, Problem, TemplateInvalid
from handledare.domain.template import Text
from handledare.errors import InputError
from handledare.i18n import _

TOP_KEYS = ("format", "task")
TASK_KEYS = ("key", "title")


@dataclass(frozen=True)
class Task:
    key: str
    title: Text


def bundled_task_file() -> Path:
    return Path(str(files("handledare.checklists") / "delegation-tasks.toml"))


def parse_tasks(source_text: str, source: str) -> list[Task]:
    """Parse and check a task list; raise TemplateInvalid listing every problem found."""
    try:
        raw = tomllib.loads(source_text)
    except tomllib.TOMLDecodeError as error:
        raise TemplateInvalid(
            source, [Problem(_("syntax"), _("not valid TOML: {error}").format(error=error))]
        ) from error
    checker = Checker()
    top = _("task list")
    checker.unknown_keys(raw, TOP_KEYS, top)
    if raw.get("format", 1) != 1:
        checker.fail(top, _("'format' is {value!r}; expected 1").format(value=raw.get("format")))
    entries = raw.get("task")
    if not isinstance(entries, list) or not entries:
        checker.fail(top, _("expected at least one [[task]]"))
        entries = []
    seen: set[str] = set()
    tasks = []
    for number, entry in enumerate(entries, start=1):
        where = _("task {number}").format(number=number)
        entry = checker.table(entry, where, _("a task"))
        checker.unknown_keys(entry, TASK_KEYS, where)
        key = checker.key(entry, where, seen)
        tasks.append(Task(key, checker.text(entry, "title", where)))
    if checker.problems:
        raise TemplateInvalid(source, checker.problems)
    return tasks


def load_task_file(path: Path) -> list[Task]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(
            _("The task list {path} cannot be read: {error}").format(path=path, error=error)
        ) from error
    return parse_tasks(text, str(path))
