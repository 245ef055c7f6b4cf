"""Format 2 from the command line, run as a separate process as a script would run it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader

from handledare.services import onboarding

from conftest import ADMIN_PIN, SUPERVISOR_PIN, World, data_with_admin, sign_items

ADMIN = ("--as", "Ingrid Admin", "--pin-stdin")
SUPERVISOR = ("--as", "Anna Lindqvist", "--pin-stdin")


def handledare(data: Path, *args: str, pin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "handledare", "--data-dir", str(data), *args],
        input=f"{pin}\n" if pin else "",
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_bundled_template_is_imported_by_its_id(tmp_path: Path):
    data = data_with_admin(tmp_path / "data")
    done = handledare(data, "template", "import", "hemtjanst-omsorg", *ADMIN, pin=ADMIN_PIN)
    assert done.returncode == 0, done.stderr
    assert "hemtjanst-omsorg version 2" in done.stdout
    again = handledare(data, "template", "import", "hemtjanst-omsorg", *ADMIN, pin=ADMIN_PIN)
    assert again.returncode == 0, "importing the same content again does nothing"
    wrong = handledare(data, "template", "import", "hemtjanst", *ADMIN, pin=ADMIN_PIN)
    assert wrong.returncode == 1
    assert "Medföljande mallar: grundkunskaper-aldreomsorg, hemtjanst-omsorg, sabo-omsorg" in (
        wrong.stderr
    )
    listed = handledare(data, "template", "list", "--json")
    assert [(t["id"], t["version"]) for t in json.loads(listed.stdout)] == [("hemtjanst-omsorg", 2)]


def test_status_says_what_waits_for_what_until_it_is_signed_off(world: World, tmp_path: Path):
    data = world.store.path.parent
    oid = onboarding.start_onboarding(
        world.store, world.supervisor, world.person.id, "hemtjanst-omsorg"
    )
    shown = handledare(data, "status", "Amina Hassan", *SUPERVISOR, pin=SUPERVISOR_PIN)
    assert shown.returncode == 0, shown.stderr
    assert (
        "◌ 5.2 Kunskapstest: basala hygienrutiner väntar på "
        "2.2 Webbutbildningen Basala hygienrutiner"
    ) in shown.stdout
    as_json = handledare(data, "status", "Amina Hassan", "--json", *SUPERVISOR, pin=SUPERVISOR_PIN)
    [started] = json.loads(as_json.stdout)["onboardings"]
    assert started["waiting"]["hyg-test"] == ["webb-hygien"]

    sign_items(world.store, world.supervisor, oid, ["webb-hygien"])
    shown = handledare(data, "status", "Amina Hassan", *SUPERVISOR, pin=SUPERVISOR_PIN)
    assert shown.returncode == 0, shown.stderr
    assert "◌ 5.2" not in shown.stdout and "◌ 5.3" not in shown.stdout
    assert "◌ 7.2 Förflyttningsprinciper" in shown.stdout

    out = tmp_path / "plan.pdf"
    printed = handledare(
        data, "plan", "Amina Hassan", "--out", str(out), *SUPERVISOR, pin=SUPERVISOR_PIN
    )
    assert printed.returncode == 0, printed.stderr
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    assert "Min introduktion" in text and "Amina Hassan" in text
