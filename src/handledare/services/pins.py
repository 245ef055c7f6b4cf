"""Every PIN typed anywhere is checked here: counted, locked out, upgraded, changed, unlocked.

Sign-in, the lock screen, signing off, revoking, approving and the command
line all come through `sign_in`, so a wrong PIN counts the same wherever it is
typed. The count and the lockout are kept in this workstation's database
(`pin_failures`), so a restart does not clear them; each lockout and each
unlock is also an event, so the audit trail shows them on every workstation.
Why they are enforced only where they happened: SECURITY.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from handledare.domain.actor import Actor
from handledare.domain.enums import Role
from handledare.domain.events import EventType
from handledare.errors import InputError, PermissionRefused, WrongPinError
from handledare.i18n import _, format_datetime, ngettext
from handledare.security import (
    ATTEMPTS_BEFORE_LOCKOUT,
    hash_pin,
    lockout_delay,
    needs_new_verifier,
    pin_problem,
    require_admin,
    verify_pin,
)
from handledare.services.common import get_row
from handledare.store.eventlog import Store
from handledare.store.tables import PinFailureRow, UserRow, UserUnitRow


class LockedOut(InputError):
    """Too many wrong PINs: this user waits until `until`, or an administrator unlocks."""

    def __init__(self, name: str, until: datetime, now: datetime):
        minutes = max(1, math.ceil((until - now).total_seconds() / 60))
        super().__init__(
            ngettext(
                "Too many wrong PINs for {name}. Try again in {minutes} minute (at {time}), "
                "or ask an administrator to unlock.",
                "Too many wrong PINs for {name}. Try again in {minutes} minutes (at {time}), "
                "or ask an administrator to unlock.",
                minutes,
            ).format(name=name, minutes=minutes, time=format_datetime(until))
        )
        self.until = until


@dataclass(frozen=True)
class SignedIn:
    actor: Actor
    # The PIN no longer meets the rules (set before they existed): ask for a new one.
    weak_pin: bool


def actor_of(session: Session, row: UserRow) -> Actor:
    units = session.exec(select(UserUnitRow.unit_id).where(UserUnitRow.user_id == row.id))
    return Actor(row.id, row.name, Role(row.role), frozenset(units))


def _locked_until(failure: PinFailureRow | None, now: datetime) -> datetime | None:
    if failure is None or failure.locked_until is None:
        return None
    until = datetime.fromisoformat(failure.locked_until)
    return until if until > now else None


def sign_in(store: Store, user_id: str, pin: str, refused: str | None = None) -> SignedIn:
    """Check the PIN of `user_id`, counting a wrong one; `refused` says what was not done.

    The check runs inside a write transaction, so attempts from several windows or
    processes are counted one after another and none slips past a lockout. An empty PIN
    (an Enter too many) is no guess: it is refused without a check or a count.
    """
    if not pin:
        raise InputError(_("Enter your PIN."))
    with store.write(user_id) as tx:
        row = get_row(tx.session, UserRow, user_id)
        if row.ended_on is not None and row.ended_on < tx.wall.astimezone().date().isoformat():
            raise PermissionRefused(
                _("{name}'s account was ended on {date}; it cannot be used.").format(
                    name=row.name, date=row.ended_on
                )
            )
        failure = tx.session.get(PinFailureRow, user_id)
        until = _locked_until(failure, tx.wall)
        if until is None and verify_pin(pin, row.pin_hash):
            if failure is not None:
                tx.session.delete(failure)
            signed_in = SignedIn(
                actor_of(tx.session, row), pin_problem(pin, Role(row.role)) is not None
            )
        elif until is None:
            signed_in = None
            failures = (failure.failures if failure else 0) + 1
            delay = lockout_delay(failures)
            until = tx.wall + delay if delay else None
            if failure is None:
                failure = PinFailureRow(user_id=user_id, failures=failures)
                tx.session.add(failure)
            failure.failures = failures
            failure.locked_until = until.isoformat() if until else None
            if delay and until is not None:
                tx.emit(
                    EventType.USER_LOCKED_OUT,
                    user_id,
                    {
                        "failures": failures,
                        "minutes": int(delay.total_seconds() // 60),
                        "until": until.isoformat(timespec="seconds"),
                    },
                )
        else:
            signed_in = None
        now, name, stored = tx.wall, row.name, row.pin_hash
    if until is not None:
        raise LockedOut(name, until, now)
    if signed_in is None:
        left = ATTEMPTS_BEFORE_LOCKOUT - failures % ATTEMPTS_BEFORE_LOCKOUT
        raise WrongPinError(
            " ".join(
                part
                for part in (
                    _("Wrong PIN."),
                    refused,
                    ngettext("{count} try left.", "{count} tries left.", left).format(count=left),
                )
                if part
            )
        )
    if needs_new_verifier(stored):
        _set_verifier(store, signed_in.actor, user_id, hash_pin(pin), upgrade=True)
    return signed_in


def _set_verifier(store: Store, actor: Actor, user_id: str, verifier: str, upgrade: bool) -> None:
    payload: dict[str, str | bool] = {"pin_hash": verifier}
    if upgrade:
        payload["upgrade"] = True
    with store.write(actor.user_id) as tx:
        get_row(tx.session, UserRow, user_id)
        tx.emit(EventType.USER_PIN_CHANGED, user_id, payload)


def change_pin(store: Store, actor: Actor, user_id: str, new_pin: str) -> None:
    """A user changes their own PIN; an administrator may set anyone's."""
    if actor.user_id != user_id:
        require_admin(actor)
    with store.read() as session:
        role = Role(get_row(session, UserRow, user_id).role)
    problem = pin_problem(new_pin, role)
    if problem:
        raise InputError(problem)
    _set_verifier(store, actor, user_id, hash_pin(new_pin), upgrade=False)


@dataclass(frozen=True)
class Lockout:
    user_id: str
    name: str
    failures: int
    until: datetime | None


def lockouts(store: Store) -> list[Lockout]:
    """Users with wrong PINs counted on this workstation, locked out or not (yet)."""
    now = store.now()
    with store.read() as session:
        rows = session.exec(
            select(PinFailureRow, UserRow.name)
            .join(UserRow, col(UserRow.id) == PinFailureRow.user_id)
            .order_by(UserRow.name)
        ).all()
        return [
            Lockout(failure.user_id, name, failure.failures, _locked_until(failure, now))
            for failure, name in rows
        ]


def unlock(store: Store, actor: Actor, user_id: str) -> None:
    """An administrator clears a user's wrong PINs and lockout on this workstation."""
    require_admin(actor)
    with store.write(actor.user_id) as tx:
        user = get_row(tx.session, UserRow, user_id)
        failure = tx.session.get(PinFailureRow, user_id)
        if failure is None:
            raise PermissionRefused(
                _("{name} has no wrong PINs counted here, so there is nothing to unlock.").format(
                    name=user.name
                )
            )
        tx.session.delete(failure)
        tx.emit(EventType.USER_UNLOCKED, user_id, {"failures": failure.failures})
