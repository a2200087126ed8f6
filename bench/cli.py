"""Start-up benchmark: CPU time of whole ``somflow`` processes beside a bare ``import click``, in one run.

    .venv/bin/python bench/cli.py [--runs 10]

Each command runs ``--runs`` times as a child process on a fresh demo workspace
(``somflow init --demo``), with the bytecode caches a user's runs have (the
warm-up run writes them: ``PYTHONDONTWRITEBYTECODE`` is dropped from the
children's environment); the number is the median CPU time (user + system, from
``os.wait4``) of the child, which on a shared, busy machine is the work itself,
where wall time would include waiting for a core. The peer, ``python -c "import
click"``, runs in the same loop, interleaved with the commands, so both see the
same machine.

Goals (issue 20): ``--version`` and ``--help`` at most 2x the bare click import;
``status`` and ``deadlines`` at most 300 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from markdown_table import print_table

PYTHON = sys.executable
SOMFLOW = str(Path(PYTHON).with_name("somflow"))


def cpu_ms(argv: list[str], env: dict[str, str]) -> float:
    """CPU time (user + sys) of one child process, in milliseconds; fails loudly if the child fails."""
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{argv} failed ({proc.returncode}): {proc.stderr.read().decode(errors='replace')}")
    proc.stderr.close()
    return (usage.ru_utime + usage.ru_stime) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="somflow-bench-cli-") as tmp:
        workspace = Path(tmp) / "demo"
        subprocess.run([SOMFLOW, "init", str(workspace), "--demo"], check=True, capture_output=True)
        env = {**os.environ, "SOMFLOW_WORKSPACE": str(workspace), "SOMFLOW_LANG": "pl"}
        # A user's runs read the .pyc files the first run wrote; inherited from a test or CI
        # environment, PYTHONDONTWRITEBYTECODE would make every measured run compile somflow anew.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        cases = {
            'python -c "import click"': [PYTHON, "-c", "import click"],
            "somflow --version": [SOMFLOW, "--version"],
            "somflow --help": [SOMFLOW, "--help"],
            "somflow status": [SOMFLOW, "status"],
            "somflow deadlines": [SOMFLOW, "deadlines"],
        }
        times: dict[str, list[float]] = {name: [] for name in cases}
        for argv in cases.values():  # warm the file cache and bytecode once, unmeasured
            cpu_ms(argv, env)
        for _ in range(args.runs):
            for name, argv in cases.items():
                times[name].append(cpu_ms(argv, env))
    medians = {name: statistics.median(values) for name, values in times.items()}
    click_ms = medians['python -c "import click"']
    goals = {"somflow --version": ("≤ 2× click", 2 * click_ms), "somflow --help": ("≤ 2× click", 2 * click_ms)}
    goals |= {"somflow status": ("≤ 300 ms", 300.0), "somflow deadlines": ("≤ 300 ms", 300.0)}
    rows = []
    for name, median in medians.items():
        goal, limit = goals.get(name, ("peer", None))
        verdict = "" if limit is None else ("ok" if median <= limit else "over")
        rows.append([name, f"{median:.0f}", f"{median / click_ms:.1f}×", goal, verdict])
    print(
        f"CPU time of the whole process, median of {args.runs} runs (user+sys, os.wait4); load {os.getloadavg()[0]:.1f}"
    )
    print_table(["command", "CPU ms", "vs click", "goal", ""], rows)


if __name__ == "__main__":
    main()
