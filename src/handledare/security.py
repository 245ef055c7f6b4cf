"""PINs (salted scrypt hashes, constant-time compare) and the role rules every service applies."""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import os
import re

from handledare.domain.actor import Actor
from handledare.domain.enums import Role
from handledare.errors import PermissionRefused
from handledare.i18n import _

PIN_MAX_LENGTH = 8
_PIN_PATTERN = re.compile(rf"[0-9]{{4,{PIN_MAX_LENGTH}}}")
# scrypt with n=2**14, r=8 costs about 16 MiB and tens of milliseconds: slow
# enough to make guessing a stolen hash expensive, fast enough for a sign-in.
_N, _R, _P = 2**14, 8, 1


def pin_problem(pin: str) -> str | None:
    """Why a PIN cannot be used, or None when it can."""
    if not _PIN_PATTERN.fullmatch(pin):
        return _("The PIN must be 4 to 8 digits.")
    return None


def _derive(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    """A fresh random salt each time; a given salt only for reproducible generated data."""
    salt = os.urandom(16) if salt is None else salt
    return f"scrypt${_N}${_R}${_P}${_b64(salt)}${_b64(_derive(pin, salt, _N, _R, _P))}"


def verify_pin(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        actual = _derive(pin, base64.b64decode(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(actual, base64.b64decode(digest))


def require_admin(actor: Actor | None) -> None:
    if actor is None or not actor.is_admin:
        raise PermissionRefused(_("Only an administrator may do this."))


def require_unit(actor: Actor, unit_id: str) -> None:
    """Supervisors and managers act only in their own units; admins everywhere."""
    if not actor.covers_unit(unit_id):
        raise PermissionRefused(_("You do not work in this unit, so you cannot do this here."))


def require_role(actor: Actor, *roles: Role) -> None:
    if actor.role not in roles:
        raise PermissionRefused(
            _("This needs the role: {roles}.").format(roles=", ".join(r.label for r in roles))
        )


def require_verified_user(actor: Actor) -> str:
    """Signing needs a person, not the command line."""
    if actor.user_id is None:
        raise PermissionRefused(_("Only a signed-in user can sign with a PIN."))
    return actor.user_id


class SignInGuard:
    """Counts wrong PINs per user; after too many, that user waits a while.

    Kept in memory on purpose: the shared workstation runs one app, and a
    restart is a deliberate act that IT can see.
    """

    def __init__(self, max_failures: int = 5, lockout_seconds: float = 60.0):
        self.max_failures = max_failures
        self.lockout_seconds = lockout_seconds
        self._failures: dict[str, int] = {}
        self._locked_until: dict[str, float] = {}

    def seconds_left(self, user_id: str, now: float) -> int:
        """Whole seconds until the user may try again; 0 when they may now."""
        until = self._locked_until.get(user_id, 0.0)
        return max(0, math.ceil(until - now))

    def failed(self, user_id: str, now: float) -> int:
        """Record a wrong PIN; return the tries left before a lockout (0: locked now)."""
        count = self._failures.get(user_id, 0) + 1
        if count >= self.max_failures:
            self._locked_until[user_id] = now + self.lockout_seconds
            self._failures[user_id] = 0
            return 0
        self._failures[user_id] = count
        return self.max_failures - count

    def succeeded(self, user_id: str) -> None:
        self._failures.pop(user_id, None)
        self._locked_until.pop(user_id, None)
