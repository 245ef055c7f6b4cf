"""Who is acting: always a user who has proved who they are with their PIN."""

from __future__ import annotations

from dataclasses import dataclass

from handledare.domain.enums import Role


@dataclass(frozen=True)
class Actor:
    user_id: str
    name: str
    role: Role
    unit_ids: frozenset[str] = frozenset()

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def covers_unit(self, unit_id: str) -> bool:
        return self.is_admin or unit_id in self.unit_ids
