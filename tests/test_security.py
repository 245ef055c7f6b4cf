"""PINs: the rules a new PIN must meet, argon2id verifiers, old scrypt verifiers still read."""

from __future__ import annotations

import base64
import hashlib
import subprocess
import sys

import pytest

from handledare.domain.enums import Role
from handledare.security import hash_pin, needs_new_verifier, pin_problem, verify_pin

TOO_EASY = "PIN-koden är för lätt att gissa"


@pytest.mark.parametrize("pin", ["123", "123456789", "12a4", "", " 4827", "٤٨٢٧"])
def test_pins_must_be_4_to_8_ascii_digits(pin: str):
    assert pin_problem(pin) == "PIN-koden måste vara 4 till 8 siffror."


@pytest.mark.parametrize(
    "pin",
    ["0000", "1234", "123456", "1111", "99999999", "4321", "987654", "7890", "0987", "2580"],
)
def test_common_repeated_and_straight_pins_are_refused_for_everyone(pin: str):
    for role in Role:
        assert TOO_EASY in pin_problem(pin, role)


def test_admins_and_managers_need_six_digits():
    assert pin_problem("4827", Role.SUPERVISOR) is None
    for role in (Role.ADMIN, Role.MANAGER):
        assert "minst 6 siffror" in pin_problem("4827", role)
        assert pin_problem("482916", role) is None


def test_verifier_is_salted_argon2id_and_verifies():
    first, second = hash_pin("4827"), hash_pin("4827")
    assert first != second
    assert first.startswith("$argon2id$") and "4827" not in first
    assert verify_pin("4827", first) and verify_pin("4827", second)
    assert not verify_pin("4828", first)
    assert not verify_pin("4827", "garbage")
    assert not needs_new_verifier(first)


def old_scrypt_verifier(pin: str) -> str:
    """What versions before argon2id stored."""
    salt = b"0123456789abcdef"
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    encoded = base64.b64encode
    return f"scrypt$16384$8$1${encoded(salt).decode()}${encoded(digest).decode()}"


def test_old_scrypt_verifiers_still_verify_and_ask_to_be_replaced():
    old = old_scrypt_verifier("4827")
    assert verify_pin("4827", old) and not verify_pin("4828", old)
    assert needs_new_verifier(old)


def test_the_real_parameters_are_argon2id_with_64_mib():
    """The suite runs with a cheap hasher; a fresh interpreter has the real one."""
    made = subprocess.run(
        [sys.executable, "-c", "from handledare.security import hash_pin; print(hash_pin('4827'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert made.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_the_sign_in_screen_does_not_wait_for_argon2_to_load():
    """Importing argon2 takes a noticeable part of the start; it waits for the first PIN."""
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, handledare.tui.screens.gate; print(*sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert "handledare.security" in loaded and "argon2" not in loaded
