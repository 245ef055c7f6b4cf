"""PINs are checked for form and stored only as salted slow hashes."""

from __future__ import annotations

import pytest

from handledare.security import hash_pin, pin_problem, verify_pin


@pytest.mark.parametrize("pin", ["123", "123456789", "12a4", "", " 1234", "١٢٣٤"])
def test_pins_must_be_4_to_8_ascii_digits(pin: str):
    assert pin_problem(pin) == "PIN-koden måste vara 4 till 8 siffror."


@pytest.mark.parametrize("pin", ["1234", "00000000"])
def test_valid_pins(pin: str):
    assert pin_problem(pin) is None


def test_hash_is_salted_scrypt_and_verifies():
    first, second = hash_pin("1234"), hash_pin("1234")
    assert first != second
    assert first.startswith("scrypt$") and "1234" not in first
    assert verify_pin("1234", first) and verify_pin("1234", second)
    assert not verify_pin("1235", first)
    assert not verify_pin("1234", "garbage")
