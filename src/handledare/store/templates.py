"""Checklist templates as stored: each version parsed once per process."""

from __future__ import annotations

import json

from sqlmodel import Session, select

from handledare.domain.template import Template
from handledare.store.tables import TemplateRow


class MissingDependency(LookupError):
    """An event refers to something whose events have not arrived yet."""


_parsed: dict[tuple[str, int, str], Template] = {}


def template_of(session: Session, template_id: str, version: int) -> Template:
    """Templates never change once imported, so each is parsed once per process."""
    digest = session.exec(
        select(TemplateRow.content_hash).where(
            TemplateRow.id == template_id, TemplateRow.version == version
        )
    ).first()
    if digest is None:
        raise MissingDependency(f"template {template_id} v{version}")
    key = (template_id, version, digest)
    if key not in _parsed:
        row = session.get(TemplateRow, (template_id, version))
        if row is None:
            raise MissingDependency(f"template {template_id} v{version}")
        _parsed[key] = Template.from_dict(json.loads(row.content))
    return _parsed[key]
