"""Sync with the central share: the service the CLI and the app call."""

from __future__ import annotations

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
from handledare.sync.engine import SyncReport, run_round
from handledare.sync.pull import Skipped
from handledare.sync.share import Share, ShareUnavailable, machine_fingerprint


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
        _import_published_templates(store, share, report)
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


def _import_published_templates(store: Store, share: Share, report: SyncReport) -> None:
    """New template versions on the share are imported; onboardings keep their versions."""
    known = {(t.id, t.version) for t in templates.list_templates(store)}
    for name in share.template_files():
        stem_id, _sep, version = name.removesuffix(".toml").rpartition("-v")
        if (stem_id, int(version)) in known:
            continue
        path = f"templates/{name}"
        try:
            template = parse_template(share.read_template(name).decode("utf-8"), path)
            if template_file_name(template) != name:
                raise InputError(_("the file name does not match the id and version inside"))
            templates.import_template(store, Actor.command_line(), template)
        except (InputError, UnicodeDecodeError) as error:
            reason = error.message if isinstance(error, InputError) else str(error)
            report.skipped.append(Skipped(path, reason))


def waiting_changes(store: Store) -> int:
    """Local changes not yet on the share."""
    return journal.waiting_count(store)
