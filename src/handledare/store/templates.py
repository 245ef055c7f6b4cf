"""Checklist templates as stored: each version parsed once per process."""

from __future__ import annotations

import json
import sqlite3

from sqlmodel import Session

from handledare.domain.template import Template
from handledare.store.sql import connection_of


class MissingDependency(LookupError):
    """An event refers to something whose events have not arrived yet."""


_parsed: dict[tuple[str, int, str], Template] = {}


def all_templates(session: Session) -> dict[tuple[str, int], Template]:
    """Every stored version by (id, version), in one query: a list's titles are looked up
    at every key typed in its filter."""
    connection = connection_of(session)
    rows = connection.execute("SELECT id, version, content_hash FROM templates").fetchall()
    return {(row[0], row[1]): _parsed_once(connection, *row) for row in rows}


def template_of(session: Session, template_id: str, version: int) -> Template:
    """Templates never change once imported, so each is parsed once per process (its
    digest, asked for in plain SQL on every write that needs it, says which)."""
    connection = connection_of(session)
    found = connection.execute(
        "SELECT content_hash FROM templates WHERE id = ? AND version = ?", (template_id, version)
    ).fetchone()
    if found is None:
        raise MissingDependency(f"template {template_id} v{version}")
    return _parsed_once(connection, template_id, version, found[0])


def _parsed_once(
    connection: sqlite3.Connection, template_id: str, version: int, digest: str
) -> Template:
    key = (template_id, version, digest)
    if key not in _parsed:
        (content,) = connection.execute(
            "SELECT content FROM templates WHERE id = ? AND version = ?", (template_id, version)
        ).fetchone()
        _parsed[key] = Template.from_dict(json.loads(content))
    return _parsed[key]
