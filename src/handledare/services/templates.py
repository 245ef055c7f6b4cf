"""Checklist templates: validate, import (versioned, immutable), list and read."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import col, select

from handledare.checklists import bundled_template_file, bundled_template_files
from handledare.checklists.parser import check_delegated_tasks, load_template_file
from handledare.domain.actor import Actor
from handledare.domain.events import EventType
from handledare.domain.template import Template
from handledare.errors import InputError, NotFoundError
from handledare.i18n import _
from handledare.security import require_admin
from handledare.services.delegation_views import task_titles
from handledare.store.eventlog import Store
from handledare.store.sql import connection_of
from handledare.store.tables import TemplateRow
from handledare.store.templates import template_of


@dataclass(frozen=True)
class TemplateSummary:
    id: str
    version: int
    title_sv: str
    item_count: int


@dataclass(frozen=True)
class ImportResult:
    template: Template
    imported: bool


def content_hash(template: Template) -> str:
    canonical = json.dumps(template.to_dict(), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def validate_file(path: Path) -> Template:
    """Parse and check a template file without importing it."""
    return load_template_file(path)


def import_template(
    store: Store, actor: Actor, template: Template, source: str | None = None
) -> ImportResult:
    """Import a version once; the same content again is a no-op, anything else is refused.

    An item's `delegation` must name a task of the list, once a list has been imported
    (before that nothing is known to check it against, and the list may come later)."""
    require_admin(actor)
    digest = content_hash(template)
    with store.write(actor.user_id) as tx:
        tasks = set(task_titles(tx.session))
        if tasks:
            check_delegated_tasks(template, tasks, source or template.id)
        existing = tx.session.get(TemplateRow, (template.id, template.version))
        if existing is not None:
            if existing.content_hash == digest:
                return ImportResult(template, imported=False)
            raise InputError(
                _(
                    "Template {id} version {version} is already imported with different "
                    "content. A changed template needs a new version number."
                ).format(id=template.id, version=template.version)
            )
        newest = tx.session.exec(
            select(TemplateRow.version)
            .where(TemplateRow.id == template.id)
            .order_by(col(TemplateRow.version).desc())
        ).first()
        if newest is not None and newest > template.version:
            raise InputError(
                _(
                    "Template {id} version {version} is older than version {newest}, "
                    "which is already imported."
                ).format(id=template.id, version=template.version, newest=newest)
            )
        tx.emit(
            EventType.TEMPLATE_IMPORTED,
            f"{template.id}@{template.version}",
            {"template": template.to_dict(), "content_hash": digest},
        )
    return ImportResult(template, imported=True)


def import_file(store: Store, actor: Actor, path: Path) -> ImportResult:
    return import_template(store, actor, load_template_file(path), str(path))


def import_file_or_bundled(store: Store, actor: Actor, name: str) -> ImportResult:
    """A template file, or a bundled template by its id (e.g. `hemtjanst-omsorg`)."""
    path = Path(name)
    if not path.exists():
        bundled = bundled_template_file(name)
        if bundled is None:
            raise InputError(
                _(
                    "There is no file {name}, and no bundled template has that id. "
                    "Bundled templates: {ids}."
                ).format(name=name, ids=", ".join(p.stem for p in bundled_template_files()))
            )
        path = bundled
    return import_file(store, actor, path)


def import_bundled(store: Store, actor: Actor) -> list[ImportResult]:
    return [import_file(store, actor, path) for path in bundled_template_files()]


def list_templates(store: Store) -> list[TemplateSummary]:
    with store.read() as session:
        rows = session.exec(select(TemplateRow).order_by(TemplateRow.id, col(TemplateRow.version)))
        return [
            TemplateSummary(
                row.id,
                row.version,
                row.title_sv,
                len(template_of(session, row.id, row.version).items()),
            )
            for row in rows
        ]


def versions_here(store: Store) -> set[tuple[str, int]]:
    """Each template version imported here, (id, version): what a sync round checks the
    share's template files against, without reading the templates themselves."""
    with store.read() as session:
        rows = connection_of(session).execute("SELECT id, version FROM templates")
        return {(template_id, int(version)) for template_id, version in rows}


def get_template(store: Store, template_id: str, version: int | None = None) -> Template:
    """A template version; the newest when no version is given."""
    with store.read() as session:
        query = select(TemplateRow.version).where(TemplateRow.id == template_id)
        if version is not None:
            query = query.where(TemplateRow.version == version)
        found = session.exec(query.order_by(col(TemplateRow.version).desc())).first()
        if found is None:
            raise NotFoundError(
                _("There is no template {id} (version {version}).").format(
                    id=template_id, version=version if version is not None else _("any")
                )
            )
        return template_of(session, template_id, found)


def newest_templates(store: Store) -> list[Template]:
    """The newest version of every template: what a new onboarding starts on by default."""
    newest: dict[str, int] = {}
    for summary in list_templates(store):
        newest[summary.id] = max(summary.version, newest.get(summary.id, 0))
    return [get_template(store, template_id, version) for template_id, version in newest.items()]
