"""Who is acting: a signed-in user, or the workstation's own command line."""

from __future__ import annotations

from dataclasses import dataclass

from handledare.domain.enums import Role


@dataclass(frozen=True)
class Actor:
    user_id: str | None
    name: str
    role: Role
    unit_ids: frozenset[str] = frozenset()

    @classmethod
    def command_line(cls) -> Actor:
        """The CLI is run by whoever administers the workstation, with admin rights.

        It cannot sign off or approve: those need a user verified by PIN.
        """
        return cls(user_id=None, name="handledare-cli", role=Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def covers_unit(self, unit_id: str) -> bool:
        return self.is_admin or unit_id in self.unit_ids
