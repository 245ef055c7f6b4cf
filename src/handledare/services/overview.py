"""Figures for a first glance at what the store holds."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import select

from handledare.store.eventlog import Store
from handledare.store.tables import OnboardingRow, PersonRow, UnitRow, UserRow


def counts(store: Store) -> dict[str, int]:
    with store.read() as session:
        return {
            name: session.exec(select(func.count()).select_from(table)).one()
            for name, table in (
                ("units", UnitRow),
                ("users", UserRow),
                ("people", PersonRow),
                ("onboardings", OnboardingRow),
            )
        }
