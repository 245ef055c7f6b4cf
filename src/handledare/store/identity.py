"""This workstation's signing key: an Ed25519 private key in a file beside the database.

The key signs everything this workstation puts on the share; whoever holds
the file can sign as this workstation, so it is readable by its owner only.
On POSIX that is mode 0600. On Windows `os.chmod` cannot express that; the
file is protected by the folder's access list instead: the per-user data
folder (%LOCALAPPDATA%) is readable by that user and administrators only.
A data folder shared by all users of a machine (set by IT in the machine-wide
config) must get such an access list from IT (docs/sync-format.md).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from handledare.errors import EnvironmentProblem
from handledare.i18n import _

KEY_FILE = "workstation-key.pem"
OWNER_ONLY = 0o600


class KeyUnusable(EnvironmentProblem):
    """The signing key file cannot be read or made."""


def key_path(data_dir: Path) -> Path:
    return Path(data_dir) / KEY_FILE


def create_key(data_dir: Path) -> bool:
    """Make this workstation's key unless it has one; True if it was made now."""
    # Imported here: cryptography takes ~70 ms to load, which the app's start must not wait for.
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = key_path(data_dir)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, OWNER_ONLY)
    except FileExistsError:
        return False
    except OSError as error:
        raise _unusable(path, error) from error
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as error:
        path.unlink(missing_ok=True)
        raise _unusable(path, error) from error
    _owner_only(path)
    return True


def load_key(data_dir: Path):
    """The private key (made now if the database is older than signing), owner-only."""
    # Imported here: only a sync round signs, and the app's start must not load cryptography.
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = key_path(data_dir)
    create_key(data_dir)
    try:
        _owner_only(path)
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as error:
        raise _unusable(path, error) from error
    if not isinstance(key, Ed25519PrivateKey):
        raise _unusable(path, ValueError("not an Ed25519 key"))
    return key


def is_owner_only(path: Path) -> bool:
    """On POSIX, whether nobody but the owner may read the file (always True elsewhere)."""
    if os.name != "posix":
        return True
    return stat.S_IMODE(path.stat().st_mode) & 0o077 == 0


def _owner_only(path: Path) -> None:
    """Tighten a key file that a copy or an editor left readable by others (POSIX)."""
    if os.name == "posix" and not is_owner_only(path):
        os.chmod(path, OWNER_ONLY)


_BINARY = getattr(os, "O_BINARY", 0)


def _unusable(path: Path, error: Exception) -> KeyUnusable:
    return KeyUnusable(
        _(
            "This workstation's signing key {path} cannot be used: {error}. "
            "Nothing was sent; IT: check the data folder."
        ).format(path=path, error=getattr(error, "strerror", None) or error)
    )
