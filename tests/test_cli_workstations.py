"""The workstation commands and `sync status`, run as an administrator would: a process each."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from handledare.services import workstations
from sync_helpers import PIN, Workstation, seed, workstation

from conftest import ADMIN_PIN


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Workstation, Workstation, Path]:
    share = tmp_path / "share"
    share.mkdir()
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    seed(a)
    a.sync(share)
    b.sync(share)
    a.sync(share)
    return a, b, share


def _run(station: Workstation, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "handledare", "--data-dir", str(station.store.path.parent), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, "HANDLEDARE_CONFIG_DIR": str(station.store.path.parent / "cfg")},
        check=False,
    )


def test_sync_status_json_names_each_workstation_and_its_trust(pair):
    a, b, _share = pair
    done = _run(a, "sync", "status", "--json")
    assert done.returncode == 0, done.stderr
    status = json.loads(done.stdout)
    states = {w["name"]: w["state"] for w in status["workstations"]}
    assert states == {"a": "own", "b": "waiting"}
    [row_b] = [w for w in status["workstations"] if w["name"] == "b"]
    assert row_b["key"] and row_b["first_seen"] and row_b["id"] == b.store.workstation_id
    plain = _run(a, "sync", "status")
    assert plain.returncode == 0 and "väntar på godkännande" in plain.stdout


def test_approval_needs_the_admins_pin_and_is_refused_without(pair):
    a, _b, _share = pair
    wrong = _run(
        a, "workstation", "approve", "b", "--as", "Ingrid Admin", "--pin-stdin", stdin="1234\n"
    )
    assert (
        wrong.returncode == 1 and "Fel PIN-kod" in wrong.stderr and "Traceback" not in wrong.stderr
    )
    supervisor = _run(
        a, "workstation", "approve", "b", "--as", "Anna Lindqvist", "--pin-stdin", stdin=f"{PIN}\n"
    )
    assert supervisor.returncode == 1 and "administratör" in supervisor.stderr
    no_pin = _run(a, "workstation", "approve", "b", "--as", "Ingrid Admin")
    assert no_pin.returncode == 1 and "--pin-stdin" in no_pin.stderr
    done = _run(
        a,
        "workstation",
        "approve",
        "b",
        "--as",
        "Ingrid Admin",
        "--pin-stdin",
        stdin=f"{ADMIN_PIN}\n",
    )
    assert done.returncode == 0, done.stderr
    assert "Godkände b" in done.stdout
    listed = json.loads(_run(a, "workstation", "list", "--json").stdout)
    assert {w["name"]: w["state"] for w in listed} == {"a": "own", "b": "approved"}
    again = _run(
        a,
        "workstation",
        "approve",
        "b",
        "--as",
        "Ingrid Admin",
        "--pin-stdin",
        stdin=f"{ADMIN_PIN}\n",
    )
    assert again.returncode == 1 and "redan godkänd" in again.stderr


def test_a_revocation_needs_a_reason_and_rejection_is_final_for_waiting(pair):
    a, _b, _share = pair
    missing = _run(
        a,
        "workstation",
        "revoke",
        "b",
        "--as",
        "Ingrid Admin",
        "--pin-stdin",
        stdin=f"{ADMIN_PIN}\n",
    )
    assert missing.returncode == 1
    refused = _run(
        a, "workstation", "revoke", "b", "--reason", "stulen", "--as", "Ingrid Admin",
        "--pin-stdin", stdin=f"{ADMIN_PIN}\n",
    )  # fmt: skip
    assert refused.returncode == 1 and "godkänd" in refused.stderr
    done = _run(
        a,
        "workstation",
        "reject",
        "b",
        "--as",
        "Ingrid Admin",
        "--pin-stdin",
        stdin=f"{ADMIN_PIN}\n",
    )
    assert done.returncode == 0 and "Avvisade b" in done.stdout
    unknown = _run(
        a,
        "workstation",
        "approve",
        "zz",
        "--as",
        "Ingrid Admin",
        "--pin-stdin",
        stdin=f"{ADMIN_PIN}\n",
    )
    assert unknown.returncode == 1 and "zz" in unknown.stderr


def test_a_dry_run_says_what_it_would_send_and_receive(pair):
    a, b, share = pair
    workstations.approve(a.store, a.admin(), b.store.workstation_id, ADMIN_PIN)
    a.sync(share)
    b.sync(share)
    done = _run(
        b,
        "sync",
        "--share",
        str(share),
        "--dry-run",
        "--as",
        "Anna Lindqvist",
        "--pin-stdin",
        stdin=f"{PIN}\n",
    )
    assert done.returncode == 0
    assert "Provkörning" in done.stdout and "Skulle ta emot: 0 ändringar" in done.stdout
    assert "Skickat" not in done.stdout


def test_a_waiting_workstation_is_told_that_it_reads_and_sends_nothing(pair):
    _a, b, share = pair
    seed(b)
    done = _run(
        b, "sync", "--share", str(share), "--as", "Ingrid Admin", "--pin-stdin",
        stdin=f"{ADMIN_PIN}\n",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "inte godkänd än" in done.stdout and "Mottaget: 0" in done.stdout
    assert not list((share / "workstations" / b.store.workstation_id).glob("batch-*"))


def test_a_new_workstation_joins_by_cli_with_no_users_then_signs_in_like_everyone(pair, tmp_path):
    a, b, share = pair
    fresh = tmp_path / "c"

    def run_c(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "handledare", "--data-dir", str(fresh), *args],
            input=stdin,
            capture_output=True,
            text=True,
            env={**os.environ, "HANDLEDARE_CONFIG_DIR": str(tmp_path / "c-cfg")},
            check=False,
        )

    joined = run_c("sync", "--share", str(share), "--yes")  # a new database here
    assert joined.returncode == 0, joined.stderr
    a.sync(share)
    listed = json.loads(_run(a, "workstation", "list", "--json").stdout)
    [row] = [w for w in listed if w["state"] == "waiting" and w["id"] != b.store.workstation_id]
    approved = _run(
        a, "workstation", "approve", row["id"], "--as", "Ingrid Admin", "--pin-stdin",
        stdin=f"{ADMIN_PIN}\n",
    )  # fmt: skip
    assert approved.returncode == 0, approved.stderr
    a.sync(share)
    # Given the share key, it reads the share (and its users) at its next round, still
    # without users to sign in as; after that every round signs in.
    given = run_c("sync", "--share", str(share))
    assert given.returncode == 0 and "inte godkänd" not in given.stdout, given.stderr
    signed_in = run_c(
        "sync", "--share", str(share), "--as", "Anna Lindqvist", "--pin-stdin", stdin=f"{PIN}\n"
    )
    assert signed_in.returncode == 0, signed_in.stderr
    unsigned = run_c("sync", "--share", str(share))
    assert unsigned.returncode == 1 and "--as" in unsigned.stderr
