"""Checklist templates: the TOML format, its validation, and the bundled templates."""

from importlib.resources import files
from pathlib import Path


def bundled_template_files() -> list[Path]:
    """The templates that ship with handledare."""
    folder = files("handledare.checklists") / "bundled"
    return sorted(Path(str(entry)) for entry in folder.iterdir() if entry.name.endswith(".toml"))


def bundled_template_file(template_id: str) -> Path | None:
    """A bundled template by its id; each file is named after the id it holds."""
    return next((path for path in bundled_template_files() if path.stem == template_id), None)
