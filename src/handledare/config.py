"""Where the data lives and how this workstation is set up.

IT can point every user of a shared workstation at one data folder and one
share through the machine-wide config file; a user file, the environment
and the command line override it in that order. A broken file never stops
the program: it is reported and the defaults are used.
"""

from __future__ import annotations

import os
import platform
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from handledare.i18n import DEFAULT_LANGUAGE, LANGUAGES, _

APP_NAME = "handledare"
CONFIG_FILE_NAME = "config.toml"
DATA_DIR_ENV = "HANDLEDARE_DATA_DIR"
CONFIG_DIR_ENV = "HANDLEDARE_CONFIG_DIR"
DEFAULT_IDLE_LOCK_MINUTES = 5
# The municipality's rules on delegation: the longest a delegation may run, how long
# before its end (or a sign-off's) it counts as expiring, how long an erased person's
# delegation records are kept.
DEFAULT_DELEGATION_MAX_MONTHS = 12
DEFAULT_EXPIRY_WARNING_DAYS = 30
DEFAULT_DELEGATION_RETENTION_YEARS = 3
# Each setting that is a whole number, with the values it may take.
_RANGES = {
    "idle_lock_minutes": (1, 120),
    "delegation_max_months": (1, 12),
    "expiry_warning_days": (1, 180),
    "delegation_retention_years": (1, 20),
}


@dataclass(frozen=True)
class ConfigProblem:
    """A problem found in a config file, rendered in the language active when shown."""

    file: Path
    detail: str

    def __str__(self) -> str:
        return _("Config file {file}: {detail}. Default settings are used.").format(
            file=self.file, detail=self.detail
        )


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    share_path: Path | None = None
    idle_lock_minutes: int = DEFAULT_IDLE_LOCK_MINUTES
    language: str = DEFAULT_LANGUAGE
    workstation_name: str = field(default_factory=platform.node)
    delegation_max_months: int = DEFAULT_DELEGATION_MAX_MONTHS
    expiry_warning_days: int = DEFAULT_EXPIRY_WARNING_DAYS
    delegation_retention_years: int = DEFAULT_DELEGATION_RETENTION_YEARS
    # The employer named on certificates, e.g. "Södertälje kommun, vård och omsorg".
    organisation: str = ""
    problems: tuple[ConfigProblem, ...] = ()
    # The config files that were there and read (site first), for `handledare info`.
    config_files: tuple[Path, ...] = ()

    @property
    def database_path(self) -> Path:
        return self.data_dir / "handledare.db"


def default_data_dir() -> Path:
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def demo_data_dir() -> Path:
    """The demo database lives apart from the real one, so it can never mix with real people."""
    return platformdirs.user_data_path(APP_NAME, appauthor=False) / "demo"


def documents_dir() -> Path:
    """Where a printable paper is offered to be saved: the user's own Documents folder, or
    their home folder where there is none (an account on Linux may have none): a folder
    offered must be there, or saving to it fails."""
    documents = platformdirs.user_documents_path()
    return documents if documents.is_dir() else Path.home()


def user_config_file() -> Path:
    override = os.environ.get(CONFIG_DIR_ENV)
    base = Path(override) if override else platformdirs.user_config_path(APP_NAME, appauthor=False)
    return base / CONFIG_FILE_NAME


def site_config_file() -> Path:
    return platformdirs.site_config_path(APP_NAME, appauthor=False) / CONFIG_FILE_NAME


def _read_toml(path: Path, problems: list[ConfigProblem]) -> dict:
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        problems.append(ConfigProblem(path, _("not valid TOML ({error})").format(error=error)))
    except UnicodeDecodeError as error:
        problems.append(
            ConfigProblem(
                path,
                _("not UTF-8 text (byte {position}); save it as UTF-8").format(
                    position=error.start
                ),
            )
        )
    except OSError as error:
        problems.append(ConfigProblem(path, _("cannot be read ({error})").format(error=error)))
    return {}


def _checked(raw: dict, path: Path, problems: list[ConfigProblem]) -> dict:
    """Keep the values that are valid; report each one that is not."""
    checks = {
        "data_dir": (str, _("a folder path in quotes")),
        "share_path": (str, _("a folder path in quotes")),
        "idle_lock_minutes": (int, _("a whole number of minutes from 1 to 120")),
        "language": (str, _("one of: {choices}").format(choices=", ".join(LANGUAGES))),
        "workstation_name": (str, _("a name in quotes")),
        "delegation_max_months": (int, _("a whole number of months from 1 to 12")),
        "expiry_warning_days": (int, _("a whole number of days from 1 to 180")),
        "delegation_retention_years": (int, _("a whole number of years from 1 to 20")),
        "organisation": (str, _("a name in quotes")),
    }
    valid = {}
    for key, value in raw.items():
        if key not in checks:
            problems.append(ConfigProblem(path, _("unknown setting '{key}'").format(key=key)))
            continue
        kind, expected = checks[key]
        ok = isinstance(value, kind) and not isinstance(value, bool)
        if ok and key in _RANGES:
            low, high = _RANGES[key]
            ok = low <= value <= high
        if ok and key == "language":
            ok = value in LANGUAGES
        if ok and kind is str:
            ok = bool(value.strip())
        if ok:
            valid[key] = value
        else:
            problems.append(
                ConfigProblem(
                    path,
                    _("'{key}' has the value {value!r}, expected {expected}").format(
                        key=key, value=value, expected=expected
                    ),
                )
            )
    return valid


def load_settings(
    data_dir: Path | None = None,
    *,
    user_file: Path | None = None,
    site_file: Path | None = None,
) -> Settings:
    """Merge flag > environment > user file > machine-wide file > defaults."""
    problems: list[ConfigProblem] = []
    merged: dict = {}
    read: list[Path] = []
    for path in (site_file or site_config_file(), user_file or user_config_file()):
        merged.update(_checked(_read_toml(path, problems), path, problems))
        if path.is_file():
            read.append(path)

    if data_dir is not None:
        chosen_dir = Path(data_dir)
    elif os.environ.get(DATA_DIR_ENV):
        chosen_dir = Path(os.environ[DATA_DIR_ENV])
    elif "data_dir" in merged:
        chosen_dir = Path(merged["data_dir"])
    else:
        chosen_dir = default_data_dir()

    share = merged.get("share_path")
    return Settings(
        data_dir=chosen_dir.expanduser(),
        share_path=Path(share).expanduser() if share else None,
        idle_lock_minutes=merged.get("idle_lock_minutes", DEFAULT_IDLE_LOCK_MINUTES),
        language=merged.get("language", DEFAULT_LANGUAGE),
        workstation_name=merged.get("workstation_name", platform.node() or "arbetsstation"),
        delegation_max_months=merged.get("delegation_max_months", DEFAULT_DELEGATION_MAX_MONTHS),
        expiry_warning_days=merged.get("expiry_warning_days", DEFAULT_EXPIRY_WARNING_DAYS),
        delegation_retention_years=merged.get(
            "delegation_retention_years", DEFAULT_DELEGATION_RETENTION_YEARS
        ),
        organisation=merged.get("organisation", ""),
        problems=tuple(problems),
        config_files=tuple(read),
    )
