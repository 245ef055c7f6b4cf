"""Where settings come from, in order, and what a broken file does."""

from __future__ import annotations

from pathlib import Path

import pytest

from handledare import config
from handledare.config import default_data_dir, load_settings, user_config_file


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_any_config(tmp_path: Path):
    settings = load_settings()
    assert settings.data_dir == default_data_dir()
    assert (settings.idle_lock_minutes, settings.language, settings.share_path) == (5, "sv", None)
    assert settings.problems == ()


def test_precedence_flag_env_user_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    _write(
        config.site_config_file(),
        f'data_dir = "{(tmp_path / "site-data").as_posix()}"\n'
        f'share_path = "{(tmp_path / "share").as_posix()}"\nidle_lock_minutes = 10\n',
    )
    assert load_settings().data_dir == tmp_path / "site-data"
    assert load_settings().share_path == tmp_path / "share"

    _write(
        user_config_file(),
        f'data_dir = "{(tmp_path / "user-data").as_posix()}"\nlanguage = "en"\n',
    )
    settings = load_settings()
    assert settings.data_dir == tmp_path / "user-data"
    assert (settings.language, settings.idle_lock_minutes) == ("en", 10)

    monkeypatch.setenv("HANDLEDARE_DATA_DIR", str(tmp_path / "env-data"))
    assert load_settings().data_dir == tmp_path / "env-data"
    assert load_settings(tmp_path / "flag-data").data_dir == tmp_path / "flag-data"


def test_broken_config_names_the_file_and_the_line_and_keeps_defaults():
    path = _write(user_config_file(), 'idle_lock_minutes = 10\nlanguage = "sv\n')
    settings = load_settings()
    assert settings.idle_lock_minutes == 5
    [problem] = settings.problems
    text = str(problem)
    assert str(path) in text and "line 2" in text and "Standardinställningar" in text


def test_invalid_values_are_reported_one_by_one_and_valid_ones_kept():
    _write(
        user_config_file(),
        'idle_lock_minutes = 0\nlanguage = "fi"\nworkstation_name = "Kontoret"\ncolour = 3\n',
    )
    settings = load_settings()
    assert settings.workstation_name == "Kontoret"
    assert (settings.idle_lock_minutes, settings.language) == (5, "sv")
    messages = [str(p) for p in settings.problems]
    assert len(messages) == 3
    assert any("idle_lock_minutes" in m and "1 till 120" in m for m in messages)
    assert any("okänd inställning 'colour'" in m for m in messages)


def test_papers_are_offered_a_folder_that_is_there(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Documents where the account has it; else the home folder, so that saving a paper to
    the folder offered does not fail (an account on Linux may have no Documents)."""
    documents = tmp_path / "Documents"
    monkeypatch.setattr(config.platformdirs, "user_documents_path", lambda: documents)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("USERPROFILE", str(tmp_path))
    assert config.documents_dir() == tmp_path
    documents.mkdir()
    assert config.documents_dir() == documents
