"""The shared folder: its layout, careful reads and writes, and who owns which folder.

Shares are slow, sometimes gone, and touched by antivirus, indexers and sync
clients. Every write goes to a temporary name, is flushed to disk and then
renamed; nothing existing is ever overwritten or deleted; sharing violations
are retried a few times before they count as a failure.
"""

from __future__ import annotations

import errno
import json
import os
import platform
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from handledare.errors import EnvironmentProblem
from handledare.i18n import _
from handledare.sync.batch import FORMAT_VERSION, batch_name, sequence_of, split_names

T = TypeVar("T")
OWN_FILES = {"workstation.json", "clock.probe"}
TEMPLATE_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}-v[0-9]{1,7}\.toml")
_TRANSIENT_WINERRORS = {5, 32, 33}
_TRANSIENT_ERRNOS = {errno.EBUSY, errno.EACCES, errno.EAGAIN, errno.ETXTBSY}
RETRY_DELAYS = (0.05, 0.1, 0.2, 0.4, 0.8)


class ShareUnavailable(EnvironmentProblem):
    """The share cannot be read or written now; local work goes on."""


class WorkstationClash(EnvironmentProblem):
    """Another computer uses this workstation's id: sync stops until IT sorts it out."""


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


def _unavailable(root: Path, error: OSError) -> ShareUnavailable:
    return ShareUnavailable(
        _("The share {path} cannot be used: {error}. Work goes on here and is sent later.").format(
            path=root, error=error.strerror or error
        )
    )


@dataclass
class Listing:
    """A workstation folder: the names of its batch files, and anything else in it."""

    batches: set[str] = field(default_factory=set)
    strays: list[str] = field(default_factory=list)

    def has(self, sequence: int) -> bool:
        return batch_name(sequence) in self.batches

    def last(self) -> int:
        """The highest sequence number present (zero-padded, names sort like numbers)."""
        return sequence_of(max(self.batches)) if self.batches else 0


class Share:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.workstations = self.root / "workstations"

    def _guard(self, action: Callable[[], T]) -> T:
        try:
            return with_retries(action)
        except OSError as error:
            raise _unavailable(self.root, error) from error

    def open(self) -> None:
        """Check the share is there and of a format this version writes; set it up if new."""
        if not self.root.is_dir():
            raise ShareUnavailable(
                _("The share {path} is not reachable. Work goes on here and is sent later.").format(
                    path=self.root
                )
            )
        marker = self.root / "format.json"
        if marker.exists():
            found = self._guard(lambda: json.loads(marker.read_text("utf-8"))).get("format")
            if found != FORMAT_VERSION:
                raise ShareUnavailable(
                    _(
                        "The share {path} uses sync format {found}; this version knows {known}. "
                        "Install the newer handledare on this workstation."
                    ).format(path=self.root, found=found, known=FORMAT_VERSION)
                )
        else:
            self.write_new(marker, json.dumps({"format": FORMAT_VERSION}).encode())
        self._guard(lambda: self.workstations.mkdir(exist_ok=True))

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    def template_files(self) -> list[str]:
        """Names of the centrally published template files (strictly named, others ignored)."""
        if not self.templates.is_dir():
            return []
        names = self._guard(lambda: sorted(os.listdir(self.templates)))
        return [name for name in names if TEMPLATE_NAME.fullmatch(name)]

    def read_template(self, name: str) -> bytes:
        return self._guard((self.templates / name).read_bytes)

    def publish_template(self, name: str, data: bytes) -> bool:
        """Put a template file on the share; False if that name holds other content."""
        self._guard(lambda: self.templates.mkdir(exist_ok=True))
        target = self.templates / name
        return self.write_new(target, data) or self._guard(target.read_bytes) == data

    def folder(self, workstation_id: str) -> Path:
        return self.workstations / workstation_id

    def claim(self, workstation_id: str, name: str, machine: str) -> None:
        """Make this workstation's folder ours, or find that another computer has it."""
        folder = self.folder(workstation_id)
        self._guard(lambda: folder.mkdir(exist_ok=True))
        card = folder / "workstation.json"
        if card.exists():
            owner = self._guard(lambda: json.loads(card.read_text("utf-8")))
            if owner.get("machine") != machine:
                raise WorkstationClash(
                    _(
                        "Another computer ({other}) uses this workstation's id {id} on the share. "
                        "This happens when a disk image with handledare's data is copied. "
                        "Sync is stopped here. IT: give this computer its own data folder "
                        "(a fresh database gets a new id), or remove the copy."
                    ).format(other=owner.get("machine", "?").split("|")[0], id=workstation_id)
                )
            if owner.get("name") == name:
                return
        data = {"id": workstation_id, "name": name, "machine": machine}
        self.replace_own(card, json.dumps(data, ensure_ascii=False, indent=2).encode())

    def workstation_ids(self) -> list[str]:
        entries = self._guard(lambda: sorted(self.workstations.iterdir()))
        return [entry.name for entry in entries if entry.is_dir()]

    def listing(self, workstation_id: str) -> Listing:
        names = self._guard(lambda: os.listdir(self.folder(workstation_id)))
        return Listing(*split_names(names, OWN_FILES))

    def read(self, workstation_id: str, name: str) -> bytes:
        return self._guard((self.folder(workstation_id) / name).read_bytes)

    def _write_temp(self, folder: Path, stem: str, data: bytes) -> Path:
        temp = folder / f".{stem}-{uuid.uuid4().hex[:8]}.tmp"
        with temp.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        return temp

    def write_new(self, target: Path, data: bytes) -> bool:
        """Put a new immutable file in place; False if that name was already taken."""

        def write() -> bool:
            if target.exists():
                return False
            temp = self._write_temp(target.parent, target.stem, data)
            try:
                if target.exists():
                    return False
                os.replace(temp, target)
                return True
            finally:
                if temp.exists():
                    temp.unlink()

        return self._guard(write)

    def replace_own(self, target: Path, data: bytes) -> None:
        """Replace one of this workstation's own small files (never a batch)."""

        def write() -> None:
            temp = self._write_temp(target.parent, target.stem, data)
            os.replace(temp, target)

        self._guard(write)

    def publish(self, workstation_id: str, sequence: int, data: bytes) -> bool:
        """Write a batch; False if a file of that name exists with other content."""
        target = self.folder(workstation_id) / batch_name(sequence)
        if self.write_new(target, data):
            return True
        return self._guard(target.read_bytes) == data

    def clock_skew(self, workstation_id: str) -> float:
        """Seconds this computer's clock is ahead of the share's (negative: behind)."""
        probe = self.folder(workstation_id) / "clock.probe"
        before = time.time()
        self.replace_own(probe, str(before).encode())
        stamped = self._guard(lambda: probe.stat().st_mtime)
        return (before + time.time()) / 2 - stamped
