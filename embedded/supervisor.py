"""The embedded default's process supervisor: the `Procfile`'s entries, as honcho ran them.

Each entry's command has its `$VARIABLES` filled in from the environment and is started
directly, without a shell, in its own session, so a Ctrl-C at the terminal reaches only the
launcher, which stops every process in order. Each output line is shown prefixed with its
entry's name. When one process ends, every other one is stopped: the system runs whole or
not at all, and the launcher exits with that process's code.

One small thread per process copies its output; nothing else runs here. Honcho did the
same with a Python process per entry (15 MiB each, a dozen of them) and a shell in front
of every command.
"""
from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

_VARIABLE = re.compile(r"\$(\w+)|\$\{(\w+)\}")
GRACE_SECONDS = 20  # gunicorn's graceful timeout is shorter; a worker finishes its batch in hand well within


@dataclass(frozen=True)
class Entry:
    """One line of the Procfile: a name and the command it runs."""

    name: str
    command: str

    def argv(self, env: dict[str, str]) -> list[str]:
        """The command's words, its `$VARIABLES` taken from `env` (ValueError naming one unset)."""
        def value(match: re.Match) -> str:
            name = match.group(1) or match.group(2)
            if name not in env:
                raise ValueError(f"the Procfile's {self.name} needs {name}, which is not set")
            return env[name]
        return shlex.split(_VARIABLE.sub(value, self.command))


def read_procfile(path: Path) -> list[Entry]:
    """The entries of a Procfile, in order (comments and blank lines skipped)."""
    entries = []
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#") and ":" in line:
            name, command = line.split(":", 1)
            entries.append(Entry(name.strip(), command.strip()))
    return entries


class Supervisor:
    """Runs entries until one ends or `stop()` is called, then stops them all."""

    def __init__(self, entries: list[Entry], env: dict[str, str], cwd: Path):
        self.entries = entries
        self.env = env
        self.cwd = cwd
        self.running: dict[str, subprocess.Popen] = {}
        self.ended = threading.Event()
        self._print = threading.Lock()
        self._width = max((len(entry.name) for entry in entries), default=0)

    def start(self) -> None:
        """Start every entry (ValueError before any starts if a command names an unset variable)."""
        commands = [(entry.name, entry.argv(self.env)) for entry in self.entries]
        for name, argv in commands:
            process = subprocess.Popen(argv, cwd=self.cwd, env=self.env, stdout=subprocess.PIPE,
                                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
            self.running[name] = process
            self.say(name, f"started with pid {process.pid}")
            threading.Thread(target=self._copy_output, args=(name, process), daemon=True).start()

    def say(self, name: str, line: str) -> None:
        """One line of output, prefixed as honcho did: time, entry name, bar."""
        with self._print:
            sys.stdout.write(f"{time.strftime('%H:%M:%S')} {name:<{self._width}} | {line}\n")
            sys.stdout.flush()

    def _copy_output(self, name: str, process: subprocess.Popen) -> None:
        for raw in process.stdout:
            self.say(name, raw.decode(errors="replace").rstrip("\n"))
        process.wait()
        self.say(name, f"stopped (exit code {process.returncode})")
        self.ended.set()

    def first_ended(self) -> tuple[str, int] | None:
        """The name and exit code of a process that ended, if any did."""
        for name, process in self.running.items():
            if process.poll() is not None:
                return name, process.returncode
        return None

    def wait(self) -> int:
        """Block until a process ends (or `stop()`), stop the others; the exit code to leave with."""
        self.ended.wait()
        ended = self.first_ended()
        self.stop()
        return ended[1] if ended and ended[1] else 0

    def stop(self) -> None:
        """SIGTERM to every process still running, SIGKILL to any left after GRACE_SECONDS."""
        self.ended.set()
        for process in self.running.values():
            if process.poll() is None:
                _signal(process, signal.SIGTERM)
        deadline = time.monotonic() + GRACE_SECONDS
        for name, process in self.running.items():
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.say(name, "did not stop in time: killed")
                _signal(process, signal.SIGKILL)
                process.wait()


def _signal(process: subprocess.Popen, sig: int) -> None:
    # The whole session of the entry: gunicorn's master and its workers, or a command's children.
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass
