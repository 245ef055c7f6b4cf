"""Imports go at the top of a module. One inside a function is there for start time
only, and says so in a comment: on its line, on the line above, or above the run of
imports it belongs to (CONTRIBUTING.md)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent / "src" / "handledare"


def unexplained(source: str) -> list[int]:
    """The line numbers of imports inside functions that give no reason."""
    lines = source.splitlines()
    found = []
    for block in _blocks_in_functions(ast.parse(source)):
        previous_explained = False
        for statement in block:
            if not isinstance(statement, (ast.Import, ast.ImportFrom)):
                previous_explained = False
                continue
            explained = (
                _has_comment(lines, statement)
                or _comment_above(lines, statement)
                or previous_explained
            )
            if not explained:
                found.append(statement.lineno)
            previous_explained = explained
    return sorted(found)


def _blocks_in_functions(tree: ast.AST) -> Iterator[list[ast.stmt]]:
    """Every list of statements inside a function, each once (nested ones too)."""
    seen: set[int] = set()
    for function in ast.walk(tree):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(function):
            for field in ("body", "orelse", "finalbody"):
                block = getattr(node, field, None)
                if isinstance(block, list) and block and id(block) not in seen:
                    seen.add(id(block))
                    yield block


def _has_comment(lines: list[str], statement: ast.stmt) -> bool:
    end = statement.end_lineno or statement.lineno
    return any("#" in line for line in lines[statement.lineno - 1 : end])


def _comment_above(lines: list[str], statement: ast.stmt) -> bool:
    above = statement.lineno - 2
    return above >= 0 and lines[above].strip().startswith("#")


def test_every_import_inside_a_function_says_why():
    offenders = [
        f"{path.relative_to(SOURCE.parent)}:{number}"
        for path in sorted(SOURCE.rglob("*.py"))
        for number in unexplained(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "imports inside functions without a reason: " + ", ".join(offenders)


def test_the_check_finds_an_import_without_a_reason():
    source = """
import json


def load():
    from pathlib import Path

    return Path


def run():
    if True:
        import csv
    # Imported here: only this command needs it.
    import sqlite3
    import zipfile
    import shutil  # start time

    return csv, sqlite3, zipfile, shutil
"""
    assert unexplained(source) == [6, 13]


def test_a_reason_covers_the_run_of_imports_below_it_and_no_further():
    source = """
def run():
    # Imported here: the store loads SQLModel.
    from a import b
    from c import (
        d,
        e,
    )
    value = b
    from f import g

    return value, d, e, g
"""
    assert unexplained(source) == [10]
