"""`handledare demo`: a demo municipality in a folder of its own, to try the app on."""

from __future__ import annotations

import shutil
from dataclasses import replace

from handledare.cli.access import open_store
from handledare.cli.output import say, table
from handledare.cli.parsing import Commands, command, uses_no_database
from handledare.config import Settings, demo_data_dir
from handledare.errors import InputError
from handledare.i18n import _, language_name

DEMO_MARKER = "DEMO.txt"


def register(commands: Commands) -> None:
    # It makes the demo folder's database itself, never the real one.
    demo = uses_no_database(
        command(commands, "demo", _("open the app on a demo municipality"), _demo)
    )
    demo.description = _(
        "Opens the app on a demo municipality with made-up people; the sign-in screen lists "
        "the demo users and their PINs. The demo is kept in a folder of its own, {folder} "
        "(or the folder given with --data-dir), and never touches the real data or a share."
    ).format(folder=demo_data_dir())
    demo.add_argument("--reset", action="store_true", help=_("delete the demo data and start over"))
    demo.add_argument(
        "--no-tui", action="store_true", help=_("only create the demo data and list the users")
    )


def _demo(args, settings: Settings) -> int:
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.services.exports import write_whole
    from handledare.store.database import make_data_folder

    data_dir = args.data_dir or demo_data_dir()
    # Never a real share: demo people must not travel to other workstations.
    settings = replace(settings, data_dir=data_dir, share_path=None)
    marker = data_dir / DEMO_MARKER
    if args.reset:
        if settings.database_path.exists() and not marker.exists():
            raise InputError(
                _("{folder} does not hold demo data, so --reset will not delete it.").format(
                    folder=data_dir
                )
            )
        shutil.rmtree(data_dir, ignore_errors=True)
    make_data_folder(data_dir)
    if settings.database_path.exists() and not marker.exists():
        raise InputError(
            _("{folder} already holds real data; the demo needs a folder of its own.").format(
                folder=data_dir
            )
        )
    text = _("This folder holds demo data made by 'handledare demo'.\n")
    write_whole(marker, lambda partial: partial.write_text(text, "utf-8"))
    if args.no_tui:
        return _fill_here(settings)
    from handledare.tui.launch import run_app  # start time: Textual only when the app opens

    # The app builds the demo itself, behind a progress bar, and lists the users to sign in.
    return run_app(settings, demo=True)


def _fill_here(settings: Settings) -> int:
    """Without the app: build the demo if needed, then list who can sign in."""
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.services import demo, people

    store = open_store(settings)
    if people.has_users(store):
        say(
            _("The demo data in {folder} is already there (use --reset to start over).").format(
                folder=settings.data_dir
            )
        )
    else:
        say(_("Creating the demo municipality in {folder} ...").format(folder=settings.data_dir))
        demo.fill_demo(store)
    store.close()
    say(_("Demo users:"))
    table(
        [_("Name"), _("Role"), _("Unit"), _("Language"), _("PIN")],
        [
            [
                login.name,
                login.role.label,
                ", ".join(login.units) or _("all"),
                language_name(login.language),
                login.pin,
            ]
            for login in demo.demo_logins()
        ],
    )
    return 0
