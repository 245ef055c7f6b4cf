"""One rule of validity for sign-offs and delegations: both ends are whole days and count."""

from __future__ import annotations

from datetime import date

from handledare import i18n
from handledare.domain.validity import Validity, Window, best, sign_off_window


def test_a_window_holds_on_its_first_and_last_day_and_not_around_them():
    window = Window(date(2026, 3, 1), date(2027, 2, 28))
    assert not window.holds_on(date(2026, 2, 28))
    assert window.holds_on(date(2026, 3, 1))
    assert window.holds_on(date(2027, 2, 28))
    assert not window.holds_on(date(2027, 3, 1))


def test_the_states_over_a_window_with_a_30_day_warning():
    window = Window(date(2026, 3, 1), date(2026, 12, 31))
    assert window.state(date(2026, 2, 28)) is Validity.NOT_YET
    assert window.state(date(2026, 3, 1)) is Validity.CURRENT
    assert window.state(date(2026, 11, 30)) is Validity.CURRENT
    assert window.state(date(2026, 12, 1)) is Validity.EXPIRING
    assert window.state(date(2026, 12, 31)) is Validity.EXPIRING
    assert window.state(date(2027, 1, 1)) is Validity.EXPIRED
    assert window.state(date(2026, 11, 30), warning_days=31) is Validity.EXPIRING


def test_a_sign_off_without_expiry_stays_current():
    window = sign_off_window(date(2026, 3, 1), None)
    assert window.state(date(2036, 3, 1)) is Validity.CURRENT
    assert window.state(date(2026, 2, 1)) is Validity.NOT_YET


def test_a_window_cut_short_ends_on_the_earlier_day_only():
    window = Window(date(2026, 3, 1), date(2026, 12, 31))
    assert window.cut(date(2026, 6, 30)).last == date(2026, 6, 30)
    assert window.cut(date(2027, 6, 30)) is window
    assert window.cut(None) is window


def test_every_state_has_a_marker_and_a_word_in_both_languages():
    markers = {state.marker for state in Validity}
    assert len(markers) == len(Validity)
    assert Validity.EXPIRED.shown() == "✗ utgången"
    i18n.set_language("en")
    assert Validity.EXPIRING.shown() == "! expiring"
    assert Validity.NOT_YET.shown() == "… not yet"


def test_the_best_state_among_several_counts():
    assert best([Validity.EXPIRED, Validity.CURRENT]) is Validity.CURRENT
    assert best([Validity.EXPIRED, Validity.NOT_YET]) is Validity.NOT_YET
    assert best([]) is Validity.NONE
