"""Translation and locale-aware formatting.

Message ids are English; Swedish is the default language. The active
language is process-wide and can change at runtime (a new user signs in),
so `_()` looks the catalog up on every call instead of binding it once.
"""

from __future__ import annotations

import gettext
from datetime import date, datetime, timedelta
from pathlib import Path

DOMAIN = "handledare"
LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"

_catalogs: dict[str, gettext.NullTranslations] = {}
_active_language = DEFAULT_LANGUAGE


def locales_dir() -> Path:
    """Wheels carry the catalogs inside the package; a source tree keeps them at its top."""
    packaged = Path(__file__).parent / "locales"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "locales"


def _catalog(language: str) -> gettext.NullTranslations:
    if language not in _catalogs:
        _catalogs[language] = gettext.translation(
            DOMAIN, localedir=locales_dir(), languages=[language], fallback=True
        )
    return _catalogs[language]


def set_language(language: str | None) -> str:
    """Switch the whole program's language; unknown languages fall back to Swedish."""
    global _active_language
    _active_language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    return _active_language


def current_language() -> str:
    return _active_language


def _(message: str) -> str:
    return _catalog(_active_language).gettext(message)


def translate(message: str, language: str) -> str:
    """`message` in a given language, whatever the active one; English where no catalog is."""
    return _catalog(language).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _catalog(_active_language).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a string for extraction where it must stay untranslated until shown."""
    return message


def language_name(code: str, in_language: str | None = None) -> str:
    """A language's name, in the active language by default: `engelska` for `en` in Swedish."""
    # Babel is loaded on first use (some 25 ms): the sign-in screen formats nothing.
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(code).get_display_name(in_language or _active_language) or code
    except (ValueError, UnknownLocaleError):
        return code


def is_language(code: str) -> bool:
    """A language code that names a language: `sv`, `en`, `ar`, `so`, `ti`, ..."""
    # Babel is loaded on first use (some 25 ms): the sign-in screen formats nothing.
    from babel import Locale, UnknownLocaleError

    if not isinstance(code, str) or not code.isascii() or not code.isalpha():
        return False
    if not 2 <= len(code) <= 3 or code != code.lower():
        return False
    try:
        Locale.parse(code)
    except (ValueError, UnknownLocaleError):
        return False
    return True


def format_minutes(minutes: int, language: str | None = None) -> str:
    """A duration as people say it: `45 min`, `6 h`, `1 h 30 min`."""
    say = _catalog(language or _active_language).gettext
    hours, rest = divmod(minutes, 60)
    if not hours:
        return say(N_("{minutes} min")).format(minutes=rest)
    if not rest:
        return say(N_("{hours} h")).format(hours=hours)
    return say(N_("{hours} h {minutes} min")).format(hours=hours, minutes=rest)


def format_date(value: date, language: str | None = None) -> str:
    # Babel is loaded on first use (some 25 ms): the sign-in screen formats nothing.
    from babel.dates import format_date as babel_format_date

    return babel_format_date(value, format="medium", locale=language or _active_language)


def format_month(year_month: str, *, with_year: bool = False) -> str:
    """`2026-11` as `nov.` (or `nov. 2026`) in the active language."""
    from babel.dates import format_date as babel_format_date  # start time, as format_date

    first = date.fromisoformat(f"{year_month}-01")
    return babel_format_date(first, format="LLL y" if with_year else "LLL", locale=_active_language)


def format_datetime(value: datetime) -> str:
    """Local date and time, e.g. `22 nov. 2026 14:03` (the 24-hour clock in Swedish)."""
    # Babel is loaded on first use (some 25 ms): the sign-in screen formats nothing.
    from babel.dates import format_time

    local = value.astimezone()
    time_text = format_time(local, format="short", locale=_active_language)
    return f"{format_date(local.date())} {time_text}"


def load_formats(language: str | None = None) -> None:
    """Babel and a language's data (the active one's by default), loaded in a worker before
    a list is first drawn: the first date formatted on the UI thread would otherwise wait
    for them (~100 ms)."""
    from babel.dates import format_timedelta  # as below: loading Babel is what this is for

    format_date(date(2000, 1, 1), language)
    format_timedelta(timedelta(days=1), add_direction=True, locale=language or _active_language)


def format_relative(value: datetime, now: datetime) -> str:
    # Babel is loaded on first use (some 25 ms): the sign-in screen formats nothing.
    from babel.dates import format_timedelta

    delta = value - now
    return format_timedelta(delta, add_direction=True, locale=_active_language)
