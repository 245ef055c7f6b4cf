"""This workstation's keys: files beside the database, readable by their owner only.

The signing key (Ed25519) signs everything this workstation puts on the
share; whoever holds it can sign as this workstation. The receiving key
(X25519) opens the share key sealed to this workstation; whoever holds it
can read the share. Both are readable by their owner only.
On POSIX that is mode 0600. On Windows `os.chmod` cannot express that; the
file is protected by the folder's access list instead: the per-user data
folder (%LOCALAPPDATA%) is readable by that user and administrators only.
A data folder shared by all users of a machine (set by IT in the machine-wide
config) must get such an access list from IT (docs/sync-format.md).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from handledare.errors import EnvironmentProblem
from handledare.i18n import _

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

KEY_FILE = "workstation-key.pem"
SEAL_KEY_FILE = "workstation-receiving-key.pem"
OWNER_ONLY = 0o600


class KeyUnusable(EnvironmentProblem):
    """The signing key file cannot be read or made."""


def key_path(data_dir: Path) -> Path:
    return Path(data_dir) / KEY_FILE


def seal_key_path(data_dir: Path) -> Path:
    return Path(data_dir) / SEAL_KEY_FILE


def create_key(data_dir: Path) -> bool:
    """Make this workstation's signing key unless it has one; True if it was made now."""
    # Imported here: cryptography takes ~70 ms to load, which the app's start must not wait for.
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return _create(key_path(data_dir), Ed25519PrivateKey.generate)


def create_seal_key(data_dir: Path) -> bool:
    """Make this workstation's receiving key unless it has one; True if it was made now."""
    # Imported here: cryptography takes ~70 ms to load, which the app's start must not wait for.
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    return _create(seal_key_path(data_dir), X25519PrivateKey.generate)


def load_key(data_dir: Path) -> Ed25519PrivateKey:
    """The signing key (made now if the database is older than signing), owner-only."""
    # Imported here: only a sync round signs, and the app's start must not load cryptography.
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = key_path(data_dir)
    create_key(data_dir)
    key = _load(path)
    if not isinstance(key, Ed25519PrivateKey):
        raise _unusable(path, ValueError("not an Ed25519 key"))
    return key


def load_seal_key(data_dir: Path) -> X25519PrivateKey:
    """The receiving key (made now if the database is older than encryption), owner-only."""
    # Imported here: only a sync round opens share keys, and the app's start must not wait.
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    path = seal_key_path(data_dir)
    create_seal_key(data_dir)
    key = _load(path)
    if not isinstance(key, X25519PrivateKey):
        raise _unusable(path, ValueError("not an X25519 key"))
    return key


def _create(path: Path, generate: Callable[[], Ed25519PrivateKey | X25519PrivateKey]) -> bool:
    # Imported here: cryptography takes ~70 ms to load, which the app's start must not wait for.
    from cryptography.hazmat.primitives import serialization

    pem = generate().private_bytes(
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


def _load(path: Path) -> PrivateKeyTypes:
    # Imported here: only a sync round uses the keys, and the app's start must not wait.
    from cryptography.hazmat.primitives import serialization

    try:
        _owner_only(path)
        return serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as error:
        raise _unusable(path, error) from error


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
            "This workstation's key {path} cannot be used: {error}. "
            "Nothing was sent; IT: check the data folder."
        ).format(path=path, error=getattr(error, "strerror", None) or error)
    )
