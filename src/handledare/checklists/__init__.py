"""Checklist templates: the TOML format, its validation, and the bundled templates."""

from importlib.resources import files
from pathlib import Path


def bundled_template_files() -> list[Path]:
    """The templates that ship with handledare."""
    folder = files("handledare.checklists") / "bundled"
    return sorted(Path(str(entry)) for entry in folder.iterdir() if entry.name.endswith(".toml"))
