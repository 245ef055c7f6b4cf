"""Sync with the central share: the service the CLI and the app call."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from handledare.checklists.parser import parse_template
from handledare.config import Settings
from handledare.domain.actor import Actor
from handledare.domain.template import Template
from handledare.errors import InputError
from handledare.i18n import _
from handledare.services import templates
from handledare.store import journal
from handledare.store.eventlog import Store
from handledare.sync import status
from handledare.sync.engine import Progress as Progress
from handledare.sync.engine import Progressed, SyncReport, run_round
from handledare.sync.opening import check_format
from handledare.sync.pull import Found
from handledare.sync.share import (
    NotAFile,
    Share,
    ShareFiles,
    ShareUnavailable,
    WorkstationClash,
    machine_fingerprint,
)
from handledare.sync.status import ShareStatus, WorkstationStatus
from handledare.sync.trust import TrustState

# What the app and the command line meet of sync, through this service.
__all__ = [
    "RoundOutcome",
    "ShareStatus",
    "ShareUnavailable",
    "SyncReport",
    "TrustState",
    "WorkstationClash",
    "WorkstationStatus",
    "describe_offset",
    "publish_template",
    "share_status",
    "sync_now",
    "try_sync",
    "waiting_changes",
]


def sync_now(
    store: Store,
    settings: Settings,
    share_path: Path | None = None,
    *,
    dry_run: bool = False,
    machine: str | None = None,
    files: ShareFiles | None = None,
    progress: Progressed | None = None,
) -> SyncReport:
    """One round against the configured share (or the one given); `files` lets a test put
    faults between the round and the folder; `progress` hears how far a pull is."""
    root = share_path or settings.share_path
    if root is None:
        raise ShareUnavailable(
            _("No share is configured. Set share_path in the config file, or give --share.")
        )
    return run_round(
        store,
        Share(root, files),
        name=settings.workstation_name,
        machine=machine or machine_fingerprint(),
        dry_run=dry_run,
        templates=lambda share, report: _check_published_templates(store, share, report),
        progress=progress,
    )


def share_status(store: Store) -> ShareStatus:
    """What this workstation knows of the share's health, without reaching the share."""
    return status.share_status(store)


def template_file_name(template: Template) -> str:
    return f"{template.id}-v{template.version}.toml"


def publish_template(
    store: Store, actor: Actor, settings: Settings, path: Path, share_path: Path | None = None
) -> Template:
    """Import a template here and put it on the share, where every workstation picks it up."""
    root = share_path or settings.share_path
    if root is None:
        raise ShareUnavailable(
            _("No share is configured. Set share_path in the config file, or give --share.")
        )
    template = templates.import_file(store, actor, path).template
    share = Share(root)
    share.reachable()
    check_format(share)
    name = template_file_name(template)
    if not share.publish_template(name, path.read_bytes()):
        raise InputError(
            _(
                "The share already has {name} with other content. "
                "A changed template needs a new version number."
            ).format(name=name)
        )
    return template


def _check_published_templates(store: Store, share: Share, report: SyncReport) -> None:
    """Report a template file on the share that is broken or misnamed.

    The template itself reaches every workstation as the publishing administrator's
    `template.imported` event in their batches, with them as its actor; a file put
    on the share by anyone else is never imported on its own. A file of a version
    already here is not read again: a round with nothing new only lists the folder.
    """
    names = share.template_files()
    known = templates.versions_here(store) if names else set()
    for name in names:
        stem_id, _sep, version = name.removesuffix(".toml").rpartition("-v")
        if (stem_id, int(version)) in known:
            continue
        path = f"templates/{name}"
        try:
            template = parse_template(share.read_template(name).decode("utf-8"), path)
            if template_file_name(template) != name:
                raise InputError(_("the file name does not match the id and version inside"))
        except (InputError, UnicodeDecodeError) as error:
            reason = error.message if isinstance(error, InputError) else str(error)
            report.problems.append(Found(path, reason, "template"))
        except NotAFile:
            reason = _("a folder or other non-file is where a template file belongs")
            report.problems.append(Found(path, reason, "template"))


def waiting_changes(store: Store) -> int:
    """Local changes not yet on the share."""
    return journal.waiting_count(store)


def describe_offset(seconds: float) -> str:
    """A clock offset as people say it: "3 min ahead", "40 s behind", "in step"."""
    size = abs(seconds)
    if size < 2:
        return _("in step")
    if size < 120:
        amount = _("{n} s").format(n=round(size))
    elif size < 7200:
        amount = _("{n} min").format(n=round(size / 60))
    else:
        amount = _("{n} h").format(n=round(size / 3600))
    return (_("{amount} ahead") if seconds > 0 else _("{amount} behind")).format(amount=amount)


@dataclass(frozen=True)
class RoundOutcome:
    """What a round in the background came to, for the app's status line."""

    report: SyncReport | None = None
    offline: str | None = None  # the share is out of reach: normal, work goes on locally
    stopped: str | None = None  # another computer uses this workstation's id: sync stops
    waiting: int = 0
    status: ShareStatus | None = None  # what is known of the share, reached or not


def try_sync(store: Store, settings: Settings, progress: Progressed | None = None) -> RoundOutcome:
    """One round, where a share out of reach or an id clash is an outcome to show, not an error."""
    try:
        report = sync_now(store, settings, progress=progress)
    except WorkstationClash as error:
        return RoundOutcome(stopped=error.message)
    except ShareUnavailable as error:
        return RoundOutcome(
            offline=error.message, waiting=waiting_changes(store), status=share_status(store)
        )
    return RoundOutcome(report=report, waiting=report.waiting, status=report.status)
