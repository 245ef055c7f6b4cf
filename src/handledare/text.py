"""Showing names and notes literally.

Names are stored exactly as typed, but terminal control characters and
bidirectional overrides would change what the screen shows, so they are
made visible as escapes before printing.
"""

import re
import unicodedata

_BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def printable(value: str) -> str:
    """Return `value` with control characters replaced by visible escapes."""
    out = []
    for char in value:
        if char in _BIDI_CONTROLS or unicodedata.category(char) == "Cc":
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def fold(value: str) -> str:
    """Compare names ignoring case, accents and surrounding or repeated spaces."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.split())


_UNSAFE_IN_FILE_NAMES = re.compile(r"[^\w\- ]")


def file_name_part(value: str) -> str:
    """Text made safe inside a file name on Windows and Linux: letters, digits, `-`, `_`
    and spaces stay, anything else becomes `_`."""
    return _UNSAFE_IN_FILE_NAMES.sub("_", value).strip()
