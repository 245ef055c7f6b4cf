"""The shared folder: careful reads and writes, each failure named with its path.

Shares are slow, sometimes gone, and touched by antivirus, indexers and sync
clients. Every write goes to a temporary name, is flushed to disk and then
renamed; sharing violations are retried a few times before they count as a
failure. Every file operation goes through `ShareFiles`, one method each, so
that tests can make any one of them fail.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import platform
import re
import secrets
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from time import monotonic
from typing import TypeVar

from handledare.errors import EnvironmentProblem
from handledare.i18n import _
from handledare.sync.layout import CARD, Listing, batch_name, set_aside_name

T = TypeVar("T")
MARKER = "format.json"
TEMPLATE_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}-v[0-9]{1,7}\.toml")
_TRANSIENT_WINERRORS = {5, 32, 33}
_TRANSIENT_ERRNOS = {errno.EBUSY, errno.EACCES, errno.EAGAIN, errno.ETXTBSY}
RETRY_DELAYS = (0.05, 0.1, 0.2, 0.4, 0.8)
# A folder's modification time changes when a file is added to it, renamed in it or removed
# from it, so a folder whose time is what it was at its last listing holds the same names:
# a round with nothing new reads 200 folders' times instead of listing thousands of batch
# files in each. Two things could hide a change behind an unchanged time: a file added in
# the same tick of the file system's clock as the time read before a listing leaves the
# time as it was, and an SMB client answers a listing from its cache for a while (ten
# seconds by default on Windows). So a time is trusted only once a listing made
# SETTLE_SECONDS after the time was first read has seen it unchanged (both moments on this
# computer's clock: a server's clock that is wrong does not matter; the app syncs every
# three minutes, so that listing is its next round's). Every folder is listed again
# LIST_AGAIN_SECONDS after its last listing whatever its time says, and a folder whose names
# changed while its time had been trusted unchanged is listed at every round from then on:
# on a file system that does not keep folders' times, batches may come late but always come.
SETTLE_SECONDS = 60.0
LIST_AGAIN_SECONDS = 15 * 60.0


@dataclass(frozen=True)
class _Listed:
    """A folder's last listing, a digest of the names it was made from, and the folder's
    time."""

    modified: int  # the folder's modification time (ns), read just before the names
    since: float  # when that time was first read here (monotonic seconds)
    at: float  # just before the names were read
    names_digest: bytes  # the names in the order listed (the names themselves take MBs)
    listing: Listing
    times_kept: bool = True  # False once the names changed behind a trusted time

    @property
    def settled(self) -> bool:
        """Made long enough after its time was first read for the time to be trusted."""
        return self.at - self.since >= SETTLE_SECONDS

    def holds(self, modified: int, now: float) -> bool:
        """Whether the folder, with this time now, still holds these names."""
        return (
            self.times_kept
            and modified == self.modified
            and self.settled
            and now - self.at < LIST_AGAIN_SECONDS
        )


_last_listed: dict[Path, _Listed] = {}


def _digest(names: list[str]) -> bytes:
    """The names as listed, in 32 bytes (no file name holds a NUL)."""
    return hashlib.blake2b(
        "\0".join(names).encode("utf-8", "surrogatepass"), digest_size=32
    ).digest()


class ShareUnavailable(EnvironmentProblem):
    """The share cannot be read or written now; local work goes on."""


class WorkstationClash(EnvironmentProblem):
    """Another computer uses this workstation's id: sync stops until IT sorts it out."""


class NotAFile(Exception):
    """A folder, or something else that cannot be read, where a file belongs."""


def machine_fingerprint() -> str:
    """Host name and network address; a copied disk image keeps the id but not these."""
    node = uuid.getnode()
    address = "" if (node >> 40) & 1 else f"{node:012x}"  # a random node is no address
    return f"{platform.node()}|{address}"


def _transient(error: OSError) -> bool:
    return getattr(error, "winerror", None) in _TRANSIENT_WINERRORS or error.errno in (
        _TRANSIENT_ERRNOS
    )


def with_retries(action: Callable[[], T], delays: tuple[float, ...] = RETRY_DELAYS) -> T:
    """Retry sharing violations (another program holds the file) with a bounded backoff."""
    for delay in delays:
        try:
            return action()
        except OSError as error:
            if not _transient(error):
                raise
            time.sleep(delay)
    return action()


# The operations that change the share; a round with nothing new makes none of them.
WRITES = frozenset({"write_temporary", "rename_new", "replace", "make_folder", "remove"})


class ShareFiles:
    """The file operations a round makes on the share, each recorded with its path: over
    SMB every one of them costs milliseconds, so a round is measured in them."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Path]] = []

    @property
    def operations(self) -> int:
        return len(self.calls)

    def kinds(self) -> Counter[str]:
        """How many of each operation, by method name."""
        return Counter(kind for kind, _path in self.calls)

    def writes(self) -> list[tuple[str, Path]]:
        return [(kind, path) for kind, path in self.calls if kind in WRITES]

    def _count(self, kind: str, path: Path) -> None:
        self.calls.append((kind, path))

    def names(self, folder: Path) -> list[str]:
        self._count("names", folder)
        return os.listdir(folder)

    def folders(self, folder: Path) -> list[str]:
        self._count("folders", folder)
        with os.scandir(folder) as entries:
            return [entry.name for entry in entries if entry.is_dir()]

    def is_folder(self, path: Path) -> bool:
        self._count("is_folder", path)
        try:
            return os.stat(path).st_mode & 0o170000 == 0o040000
        except FileNotFoundError:
            return False

    def read(self, path: Path) -> bytes:
        self._count("read", path)
        with open(path, "rb") as handle:
            return handle.read()

    def write_temporary(self, folder: Path, stem: str, data: bytes) -> Path:
        self._count("write_temporary", folder)
        temp = folder / f".{stem}-{secrets.token_hex(4)}.tmp"
        with open(temp, "xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        return temp

    def rename_new(self, source: Path, target: Path) -> bool:
        """Rename unless the target exists; False (and nothing renamed) if it does."""
        self._count("rename_new", target)
        if os.path.lexists(target):
            return False
        os.replace(source, target)
        return True

    def replace(self, source: Path, target: Path) -> None:
        self._count("replace", target)
        os.replace(source, target)

    def make_folder(self, path: Path) -> None:
        self._count("make_folder", path)
        path.mkdir(exist_ok=True)

    def modified(self, path: Path) -> float:
        self._count("modified", path)
        return os.stat(path).st_mtime

    def folder_time(self, folder: Path) -> int:
        """A folder's modification time in nanoseconds: one look, no listing."""
        self._count("folder_time", folder)
        return os.stat(folder).st_mtime_ns

    def remove(self, path: Path) -> None:
        self._count("remove", path)
        os.unlink(path)


class Share:
    def __init__(self, root: Path, files: ShareFiles | None = None):
        self.root = Path(root)
        self.workstations = self.root / "workstations"
        self.templates = self.root / "templates"
        self.files = files or ShareFiles()

    def _guard(self, path: Path, action: Callable[[], T]) -> T:
        try:
            return with_retries(action)
        except OSError as error:
            raise ShareUnavailable(
                _(
                    "The share {path} cannot be used: {error}. Work goes on here and is sent later."
                ).format(path=error.filename or path, error=error.strerror or error)
            ) from error

    def _read_file(self, path: Path) -> bytes:
        """A file's bytes; NotAFile when a folder (or such) sits there; else ShareUnavailable."""
        try:
            return self._guard(path, lambda: self.files.read(path))
        except ShareUnavailable as problem:
            cause = problem.__cause__
            if isinstance(cause, IsADirectoryError) or (
                not isinstance(cause, FileNotFoundError) and self._is_folder(path)
            ):
                raise NotAFile(path) from problem
            raise

    def _is_folder(self, path: Path) -> bool:
        return self._guard(path, lambda: self.files.is_folder(path))

    def _listed(self, folder: Path, names: Callable[[Path], list[str]]) -> list[str]:
        """What a folder holds, nothing when there is no folder yet: one operation, not a
        look whether it is there first."""
        try:
            return self._guard(folder, lambda: names(folder))
        except ShareUnavailable as problem:
            if isinstance(problem.__cause__, (FileNotFoundError, NotADirectoryError)):
                return []
            raise

    # ----- the share as a whole ---------------------------------------------------------

    def reachable(self) -> None:
        if not self._is_folder(self.root):
            raise ShareUnavailable(
                _("The share {path} is not reachable. Work goes on here and is sent later.").format(
                    path=self.root
                )
            )

    def read_marker(self) -> bytes | None:
        """`format.json`, or None when the share has none yet."""
        path = self.root / MARKER
        try:
            return self._read_file(path)
        except NotAFile as error:
            raise ShareUnavailable(
                _(
                    "The share {path} cannot be used: a folder or other non-file is where "
                    "format.json belongs. IT: move it away."
                ).format(path=path)
            ) from error
        except ShareUnavailable as problem:
            if isinstance(problem.__cause__, FileNotFoundError):
                return None
            raise

    def write_marker(self, data: bytes, *, replace: bool) -> bool:
        """Put `format.json` in place: only if there is none, or (upgrading) over it."""
        path = self.root / MARKER
        return self.write_new(path, data) if not replace else self.replace_own(path, data)

    def workstation_ids(self) -> list[str]:
        return sorted(self._listed(self.workstations, self.files.folders))

    # ----- one workstation's folder -----------------------------------------------------

    def folder(self, workstation_id: str) -> Path:
        return self.workstations / workstation_id

    def make_own_folder(self, workstation_id: str) -> None:
        for path in (self.workstations, self.folder(workstation_id)):
            self._guard(path, partial(self.files.make_folder, path))

    def listing(self, workstation_id: str) -> Listing:
        """The folder's names sorted out; the same Listing as last time (shared: not to be
        changed) when the folder's time says it holds the same names, or when listing it
        again gives names of the same digest (a fraction of sorting thousands of names out
        again)."""
        folder = self.folder(workstation_id)
        modified = self._guard(folder, lambda: self.files.folder_time(folder))
        now = monotonic()
        last = _last_listed.get(folder)
        if last is not None and last.holds(modified, now):
            return last.listing
        names = self._guard(folder, lambda: self.files.names(folder))
        digest = _digest(names)
        if last is None:
            _last_listed[folder] = _Listed(modified, now, now, digest, Listing.of(names))
            return _last_listed[folder].listing
        same_names, same_time = last.names_digest == digest, last.modified == modified
        listing = last.listing if same_names else Listing.of(names)
        kept = last.times_kept and not (same_time and last.settled and not same_names)
        since = last.since if same_time else now
        _last_listed[folder] = _Listed(modified, since, now, digest, listing, kept)
        return listing

    def read(self, workstation_id: str, name: str) -> bytes:
        """A file of a workstation's folder; NotAFile when something else sits there."""
        return self._read_file(self.folder(workstation_id) / name)

    def modified(self, workstation_id: str, name: str) -> float:
        """When the share says the file was last written, by the share's clock."""
        path = self.folder(workstation_id) / name
        return self._guard(path, lambda: self.files.modified(path))

    def publish(self, workstation_id: str, sequence: int, data: bytes) -> bool:
        """Write a batch; False if that name is taken (by whatever)."""
        return self.write_new(self.folder(workstation_id) / batch_name(sequence), data)

    def write_card(self, workstation_id: str, data: bytes) -> None:
        self.replace_own(self.folder(workstation_id) / CARD, data)

    def set_aside(self, workstation_id: str, name: str) -> str:
        """Move a file that is not ours out of the way of our next batch; its new name."""
        folder = self.folder(workstation_id)
        new_name = set_aside_name(name, secrets.token_hex(4))
        self._guard(folder / name, lambda: self.files.replace(folder / name, folder / new_name))
        return new_name

    def remove_temporary(self, workstation_id: str, names: list[str]) -> None:
        """Our own temporary files left by an interrupted write: the only files removed."""
        for name in names:
            path = self.folder(workstation_id) / name
            self._guard(path, partial(self.files.remove, path))

    # ----- writing ------------------------------------------------------------------------

    def write_new(self, target: Path, data: bytes) -> bool:
        """Put a new immutable file in place; False if that name was already taken."""
        temp = self._guard(
            target.parent, lambda: self.files.write_temporary(target.parent, target.stem, data)
        )
        renamed = False
        try:
            renamed = self._guard(target, lambda: self.files.rename_new(temp, target))
        finally:
            if not renamed:
                self._discard(temp)
        return renamed

    def replace_own(self, target: Path, data: bytes) -> bool:
        """Replace one of this workstation's own files (its card; a batch only when rewriting
        it after an erasure or restoring it)."""
        temp = self._guard(
            target.parent, lambda: self.files.write_temporary(target.parent, target.stem, data)
        )
        try:
            self._guard(target, lambda: self.files.replace(temp, target))
        except ShareUnavailable:
            self._discard(temp)
            raise
        return True

    def _discard(self, temp: Path) -> None:
        """A temporary file not renamed goes; if even that fails, the next round removes it."""
        with contextlib.suppress(OSError):
            self.files.remove(temp)

    # ----- templates ----------------------------------------------------------------------

    def template_files(self) -> list[str]:
        """Names of the centrally published template files (strictly named, others ignored)."""
        names = self._listed(self.templates, self.files.names)
        return sorted(name for name in names if TEMPLATE_NAME.fullmatch(name))

    def read_template(self, name: str) -> bytes:
        return self._read_file(self.templates / name)

    def publish_template(self, name: str, data: bytes) -> bool:
        """Put a template file on the share; False if that name holds other content."""
        self._guard(self.templates, lambda: self.files.make_folder(self.templates))
        target = self.templates / name
        return self.write_new(target, data) or self._read_file(target) == data
