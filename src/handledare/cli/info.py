"""`handledare info`: which folder, config, share and database this workstation uses."""

from __future__ import annotations

from handledare.cli.output import say
from handledare.cli.parsing import Commands, command, uses_no_database
from handledare.config import Settings
from handledare.i18n import _


def register(commands: Commands) -> None:
    uses_no_database(
        command(
            commands,
            "info",
            _("where the data, settings and share are, and this workstation's id"),
            _info,
        )
    )


def _size(count: int) -> str:
    if count < 1024 * 1024:
        return f"{count / 1024:.1f} kB"
    return f"{count / 1024 / 1024:.1f} MB"


def _info(args, settings: Settings) -> int:
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.services.workstation_info import describe

    info = describe(settings)
    none = _("(none)")
    if info.database_bytes is None:
        database = _("{path} (no database yet)").format(path=info.database)
    else:
        database = _(
            "{path}, {size}, schema version {version} (this program knows {known})"
        ).format(
            path=info.database,
            size=_size(info.database_bytes),
            version=info.schema_version,
            known=info.known_schema_version,
        )
    rows = [
        (_("Data folder"), [str(info.data_dir)]),
        (_("Database"), [database]),
        (_("Config files read"), [str(path) for path in info.config_files_read] or [none]),
        (
            _("Config files not there"),
            [str(path) for path in info.config_files_looked_for] or [none],
        ),
        (_("Share"), [str(info.share) if info.share else _("(none configured)")]),
        (_("Workstation name"), [info.workstation_name]),
        (_("Workstation id"), [info.workstation_id or _("(given when the database is made)")]),
    ]
    width = max(len(label) for label, _values in rows) + 2
    for label, values in rows:
        for index, value in enumerate(values):
            say(f"{label if index == 0 else '':<{width}}{value}")
    if info.problem:
        say(info.problem)
    return 0
