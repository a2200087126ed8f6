#!/usr/bin/env python3
"""Set up somflow and run it: ``python3 run.py demo``, ``python3 run.py test`` or ``python3 run.py quick``.

Works on a fresh machine with Python 3.11+ and the system's package manager:
creates ``.venv`` with somflow and its test tools, installs the Debian
packages the tests need (when apt-get is there and they are missing), then
runs the demo, the whole test suite (``test``) or the quick loop (``quick``:
every test not marked ``slow``). Extra arguments go to pytest.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
DEMO = ROOT / "demo-workspace"

#: Debian packages the tests need, with a program that shows each is installed.
APT_PACKAGES = {
    "poppler-utils": "pdftoppm",
    "tesseract-ocr": "tesseract",
    "tesseract-ocr-pol": "tesseract",
    "postgresql": "pg_ctlcluster",  # the PostgreSQL store tests start their own server (initdb, pg_ctl)
    "chromium": "chromium",  # the browser tests of somflow serve (Selenium drives the system's browser)
    "chromium-driver": "chromedriver",
}


def sh(*cmd: str | Path, **kw) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, **kw)


def venv_bin(name: str) -> Path:
    folder = VENV / ("Scripts" if os.name == "nt" else "bin")
    return folder / (name + (".exe" if os.name == "nt" else ""))


def ensure_venv(extras: str) -> None:
    """Create .venv and (re)install somflow when pyproject.toml changed since the last install."""
    if not venv_bin("python").exists():
        venv.create(VENV, with_pip=True)
    stamp = VENV / ".somflow-installed"
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    if stamp.exists() and stamp.read_text() == wanted:
        return
    sh(venv_bin("python"), "-m", "pip", "install", "-q", "--disable-pip-version-check", "-e", f".{extras}", cwd=ROOT)
    stamp.write_text(wanted)


def ensure_system_packages() -> None:
    missing = [pkg for pkg, program in APT_PACKAGES.items() if shutil.which(program) is None]
    if not missing:
        return
    apt = shutil.which("apt-get")
    if apt is None:
        print(f"Install these system packages with your package manager, then run again: {' '.join(missing)}")
        sys.exit(1)
    sudo = [] if os.name != "posix" or os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    sh(*sudo, apt, "update", "-qq", env=env)
    sh(*sudo, apt, "install", "-y", "-qq", "--no-install-recommends", *missing, env=env)


def demo() -> int:
    """The main job on a demo workspace: print a declaration, file its scan from the inbox, show what is due."""
    ensure_venv("")
    somflow = venv_bin("somflow")
    if not (DEMO / "somflow.toml").exists():
        sh(somflow, "init", DEMO, "--demo")
    env = {**os.environ, "SOMFLOW_WORKSPACE": str(DEMO)}
    form = "oswiadczenie-o-niekaralnosci"
    example = DEMO / f"{form}.example.yaml"
    # `forms example --out` writes it owner-only, like everything somflow puts in a workspace
    sh(somflow, "forms", "example", form, "--out", example, env=env)
    printed = DEMO / f"{form}.pdf"
    sh(somflow, "plugins", env=env)
    sh(somflow, "fill", form, "--data", example, "--out", printed, env=env)
    shutil.copy(printed, DEMO / "inbox" / "skan-oswiadczenia.pdf")  # as if signed and scanned back
    sh(somflow, "ingest", env=env)
    sh(somflow, "deadlines", env=env)
    sh(somflow, "status", env=env)
    return 0


def test(args: list[str]) -> int:
    ensure_system_packages()
    ensure_venv("[test]")
    if not args:  # the whole suite (as CI runs it) starts with the linter and the formatter's check
        lint = [str(venv_bin("python")), "-m", "ruff"]
        if (
            subprocess.run([*lint, "check", "."], cwd=ROOT).returncode
            or subprocess.run([*lint, "format", "--check", "."], cwd=ROOT).returncode
        ):
            print("ruff: fix the findings above (ruff check --fix . && ruff format .), then run again.")
            return 1
    workers = ["-n", str(max(2, os.cpu_count() or 2))] if "-n" not in args else []
    code = subprocess.run([str(venv_bin("python")), "-m", "pytest", *workers, *args], cwd=ROOT).returncode
    if code == 5:  # pytest: no tests were collected
        print("No test ran: that is a failure.")
        return 1
    return code


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in ("demo", "test", "quick"):
        print(__doc__)
        return 2
    if sys.argv[1] == "demo":
        return demo()
    quick = ["-m", "not slow"] if sys.argv[1] == "quick" else []
    return test([*quick, *sys.argv[2:]])


if __name__ == "__main__":
    sys.exit(main())
