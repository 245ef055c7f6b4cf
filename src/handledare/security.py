"""PINs (argon2id verifiers, the rules a new PIN must meet, the lockout delays) and roles.

Why argon2id through argon2-cffi: a PIN has at most 10^8 values, so the only
defence of a stolen verifier is the cost of each guess. argon2id is memory-hard
(a GPU or an ASIC gains little over an office PC) and is the first choice of
RFC 9106 and OWASP; argon2-cffi is the maintained binding of its reference
implementation. The parameters are RFC 9106's second recommended set, which
argon2-cffi ships as `RFC_9106_LOW_MEMORY`: 64 MiB, 3 passes, 4 lanes, a
16-byte random salt and a 32-byte tag (about a third of a second here).

Verifiers made by earlier versions (scrypt, 16 MiB) are still accepted, and
replaced by an argon2id verifier at the user's next successful sign-in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import timedelta

from handledare.domain.actor import Actor
from handledare.domain.enums import Role
from handledare.errors import PermissionRefused
from handledare.i18n import _

PIN_MAX_LENGTH = 8
_PIN_PATTERN = re.compile(rf"[0-9]{{4,{PIN_MAX_LENGTH}}}")
# Roles that can approve substitutes or administer everything need a longer PIN.
LONG_PIN_ROLES = (Role.ADMIN, Role.MANAGER)
LONG_PIN_LENGTH = 6
# Common PINs that the other rules let through (from published analyses of leaked PINs).
_COMMON_PINS = frozenset(
    {"1004", "1122", "1212", "1313", "2000", "2580", "6969", "0852", "112233", "121212", "123123"}
)
# Keypad order with 0 after 9, so that 7890 and 0987 count as straight sequences too.
_ASCENDING = "01234567890"

# The hasher in use, made at first use: importing argon2 takes longer than the app's
# start may (the sign-in screen's PIN field needs only the rules). The tests, which
# cannot afford 64 MiB per user, put a cheaper one here.
hasher_in_use = None


def _hasher():
    global hasher_in_use
    if hasher_in_use is None:
        # Imported when first used: argon2 loads its C binding, which the start does not need.
        from argon2 import PasswordHasher, profiles

        hasher_in_use = PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)
    return hasher_in_use


# A user who has typed a wrong PIN this many times in a row waits LOCKOUT_DELAYS
# (the first time, the second, ...; the last one for every time after that).
ATTEMPTS_BEFORE_LOCKOUT = 5
LOCKOUT_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(minutes=60),
)


def pin_problem(pin: str, role: Role | None = None) -> str | None:
    """Why a new PIN cannot be used by someone with `role`, or None when it can."""
    if not _PIN_PATTERN.fullmatch(pin):
        return _("The PIN must be 4 to 8 digits.")
    if pin in _COMMON_PINS or len(set(pin)) == 1 or pin in _ASCENDING or pin in _ASCENDING[::-1]:
        return _(
            "This PIN is too easy to guess (the same digit repeated, a straight "
            "sequence or a common PIN). Choose another."
        )
    if role in LONG_PIN_ROLES and len(pin) < LONG_PIN_LENGTH:
        return _("Administrators and unit managers need a PIN of at least 6 digits.")
    return None


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    """A fresh random salt each time; a given salt only for reproducible generated data."""
    return _hasher().hash(pin, salt=salt)


def verify_pin(pin: str, stored: str) -> bool:
    """Constant-time check against an argon2id verifier, or an old scrypt one."""
    from argon2.exceptions import (  # start time: loads all of argon2 (see _hasher)
        InvalidHashError,
        VerificationError,
    )

    if stored.startswith("scrypt$"):
        return _verify_scrypt(pin, stored)
    try:
        return _hasher().verify(stored, pin)
    except (VerificationError, InvalidHashError):  # a wrong PIN is a VerificationError too
        return False


def needs_new_verifier(stored: str) -> bool:
    """True for a verifier made with weaker settings than today's: replace it at sign-in."""
    from argon2.exceptions import InvalidHashError  # start time: see _hasher

    if stored.startswith("scrypt$"):
        return True
    try:
        return _hasher().check_needs_rehash(stored)
    except InvalidHashError:
        return True


def _verify_scrypt(pin: str, stored: str) -> bool:
    """The verifiers of earlier versions: scrypt with the parameters stored beside them."""
    try:
        _scheme, n, r, p, salt, digest = stored.split("$")
        actual = hashlib.scrypt(
            pin.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=64 * 1024 * 1024,
            dklen=32,
        )
    except ValueError:
        return False
    return hmac.compare_digest(actual, base64.b64decode(digest))


def lockout_delay(failures: int) -> timedelta | None:
    """How long a user waits after `failures` wrong PINs in a row; None if not locked now."""
    if failures <= 0 or failures % ATTEMPTS_BEFORE_LOCKOUT:
        return None
    lockouts = failures // ATTEMPTS_BEFORE_LOCKOUT
    return LOCKOUT_DELAYS[min(lockouts, len(LOCKOUT_DELAYS)) - 1]


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
