"""What the whole `make run` system holds at rest: resident memory and processes.

Starts `python -m embedded` (what `make run` runs) in a fresh data folder on free ports, waits
until it has printed the demo login and has been idle a while, then sums the resident memory
(RSS, and PSS, which shares a shared page among the processes using it) of every process of
its tree and counts them. Goal (issue 11): at most 600 MiB RSS. There is no baseline in the
same run to divide by: the goal is a size, so the ratio printed is RSS / goal.

Last line: one summary a CI log can keep. Run: `.venv/bin/python -m bench.footprint`.
"""
from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from embedded.__main__ import free_port

ROOT = Path(__file__).resolve().parents[1]
GOAL_MIB = 600
PAGE = os.sysconf("SC_PAGE_SIZE")


def start_system(var_dir: Path, extra_env: dict | None = None, timeout: float = 180) -> tuple[subprocess.Popen, dict]:
    """`python -m embedded` in `var_dir` on free ports; its portal URL and demo login once printed."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("NATS_URL", "SMTP_PORT", "SMTP_HOST", "PORT") and not k.endswith(("_DATABASE_URL", "_PORT"))}
    env.update({"CUSTODIAN_VAR": str(var_dir), "PORT": str(free_port()), "LOG_LEVEL": "WARNING",
                **(extra_env or {})})
    process = subprocess.Popen([sys.executable, "-m", "embedded"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
    found: dict = {"log": []}

    def read():
        for line in process.stdout:
            found["log"].append(line)
            if match := re.match(r"^Portal: (\S+)$", line.strip()):
                found["url"] = match.group(1).rstrip("/")
            if match := re.match(r"^Demo login: (\S+) / (\S+)$", line.strip()):
                found["login"] = match.groups()
    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + timeout
    while "login" not in found:
        if process.poll() is not None or time.monotonic() > deadline:
            stop_system(process)
            raise SystemExit("the system did not start:\n" + "".join(found["log"][-40:]))
        time.sleep(0.2)
    return process, found


def stop_system(process: subprocess.Popen) -> None:
    """Ctrl-C, as a person at the terminal would; killed if it does not stop within 60 s."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _parents() -> dict[int, int]:
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                # The command name may hold spaces and parentheses: the fields start after the last ')'.
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    return parents


def tree(root: int) -> list[int]:
    """`root` and every process descending from it."""
    parents = _parents()
    found, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        found.extend(frontier)
    return found


def memory_kib(pid: int) -> tuple[int, int]:
    """The resident and proportional set sizes of `pid`, in KiB (0, 0 once it is gone)."""
    try:
        rss = int((Path(f"/proc/{pid}/statm")).read_text().split()[1]) * PAGE // 1024
        pss = next((int(line.split()[1]) for line in (Path(f"/proc/{pid}/smaps_rollup")).read_text().splitlines()
                    if line.startswith("Pss:")), 0)
    except (OSError, ValueError):
        return 0, 0
    return rss, pss


def command(pid: int) -> str:
    """What `pid` runs, shortened to its program and first arguments."""
    try:
        words = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return "?"
    return " ".join(word.decode(errors="replace") for word in words[:4] if word)[:90]


def measure(root: int) -> tuple[float, float, list[tuple[int, int, str]]]:
    """RSS and PSS of the whole tree of `root` in MiB, and each process's RSS (KiB) and command."""
    rows = []
    rss_total = pss_total = 0
    for pid in tree(root):
        rss, pss = memory_kib(pid)
        if rss:
            rows.append((pid, rss, command(pid)))
            rss_total += rss
            pss_total += pss
    return rss_total / 1024, pss_total / 1024, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rest", type=float, default=10, help="seconds to wait idle after start-up (default 10)")
    parser.add_argument("--each", action="store_true", help="list every process with its RSS")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="custodian-footprint-") as var:
        started = time.monotonic()
        process, found = start_system(Path(var) / "var")
        try:
            ready = time.monotonic() - started
            time.sleep(args.rest)
            rss, pss, rows = measure(process.pid)
        finally:
            stop_system(process)
    if args.each:
        for pid, kib, what in sorted(rows, key=lambda row: -row[1]):
            print(f"{kib / 1024:8.1f} MiB  {pid:>7}  {what}")
    print(f"started and seeded in {ready:.1f} s; at rest after {args.rest:.0f} s more")
    print(f"processes: {len(rows)}; RSS {rss:.0f} MiB (goal {GOAL_MIB} MiB); PSS {pss:.0f} MiB")
    print(f"footprint: {rss:.0f} MiB RSS in {len(rows)} processes, {rss / GOAL_MIB:.2f}x the {GOAL_MIB} MiB goal "
          f"({'met' if rss <= GOAL_MIB else 'not met'}); PSS {pss:.0f} MiB")


if __name__ == "__main__":
    main()
