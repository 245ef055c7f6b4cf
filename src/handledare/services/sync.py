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
from handledare.store import replication
from handledare.store.eventlog import Store
from handledare.sync.engine import Skipped, SyncReport, run_round
from handledare.sync.share import Share, ShareUnavailable, WorkstationClash, machine_fingerprint


def sync_now(
    store: Store,
    settings: Settings,
    share_path: Path | None = None,
    *,
    dry_run: bool = False,
    machine: str | None = None,
) -> SyncReport:
    """One round against the configured share (or the one given)."""
    root = share_path or settings.share_path
    if root is None:
        raise ShareUnavailable(
            _("No share is configured. Set share_path in the config file, or give --share.")
        )
    share = Share(root)
    report = run_round(
        store,
        share,
        name=settings.workstation_name,
        machine=machine or machine_fingerprint(),
        dry_run=dry_run,
    )
    if not dry_run:
        _check_published_templates(share, report)
    return report


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
    share.open()
    name = template_file_name(template)
    if not share.publish_template(name, path.read_bytes()):
        raise InputError(
            _(
                "The share already has {name} with other content. "
                "A changed template needs a new version number."
            ).format(name=name)
        )
    return template


def _check_published_templates(share: Share, report: SyncReport) -> None:
    """Report a template file on the share that is broken or misnamed.

    The template itself reaches every workstation as the publishing administrator's
    `template.imported` event in their batches, with them as its actor; a file put
    on the share by anyone else is never imported on its own.
    """
    for name in share.template_files():
        path = f"templates/{name}"
        try:
            template = parse_template(share.read_template(name).decode("utf-8"), path)
            if template_file_name(template) != name:
                raise InputError(_("the file name does not match the id and version inside"))
        except (InputError, UnicodeDecodeError) as error:
            reason = error.message if isinstance(error, InputError) else str(error)
            report.skipped.append(Skipped(path, reason))


def waiting_changes(store: Store) -> int:
    """Local changes not yet on the share."""
    with store.read() as session:
        return replication.waiting_count(session, store.workstation_id)


@dataclass(frozen=True)
class RoundOutcome:
    """What a round in the background came to, for the app's status line."""

    report: SyncReport | None = None
    offline: str | None = None  # the share is out of reach: normal, work goes on locally
    stopped: str | None = None  # another computer uses this workstation's id: sync stops
    waiting: int = 0


def try_sync(store: Store, settings: Settings) -> RoundOutcome:
    """One round, where a share out of reach or an id clash is an outcome to show, not an error."""
    try:
        report = sync_now(store, settings)
    except WorkstationClash as error:
        return RoundOutcome(stopped=error.message)
    except ShareUnavailable as error:
        return RoundOutcome(offline=error.message, waiting=waiting_changes(store))
    return RoundOutcome(report=report, waiting=report.waiting)
