"""Only the tui package may import Textual; everything below it stays screen-free."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "handledare"


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_nothing_outside_tui_imports_textual():
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "tui" not in path.relative_to(PACKAGE).parts and "textual" in _imports(path)
    ]
    assert offenders == []


def test_no_posix_only_modules():
    forbidden = {"fcntl", "termios", "pwd", "grp", "resource"}
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(_imports(path) & forbidden)
        for path in PACKAGE.rglob("*.py")
        if _imports(path) & forbidden
    }
    assert offenders == {}
