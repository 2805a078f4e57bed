"""Processes the benchmark starts (Redis, gunicorn, a Celery worker, nginx), their
addresses, and the peak memory of their workers.

Every process is started in a session of its own, stopped by its own id (its group),
and only ever listens on loopback.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def port_open(port: int, host: str = HOST) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


class Process:
    """One started program, its output in a log file of the run."""

    def __init__(self, name: str, argv: list[str], *, env: dict[str, str], log: Path, cwd: Path):
        self.name = name
        self.log = log
        self.stopped = False
        self._log_file = log.open("wb")
        self.popen = subprocess.Popen(  # noqa: S603 - fixed argument lists of our own
            argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def running(self) -> bool:
        return self.popen.poll() is None

    def tail(self, lines: int = 15) -> str:
        self._log_file.flush()
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def wait_until(self, ready: Callable[[], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running():
                raise RuntimeError(
                    f"{self.name} stopped before {what} (exit {self.popen.returncode}); "
                    f"the end of {self.log}:\n{self.tail()}"
                )
            try:
                if ready():
                    return
            except Exception:  # noqa: S110 - not ready yet, whatever the reason
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name}: no {what} within {timeout:.0f} s; see {self.log}")

    def stop(self, timeout: float = 20.0) -> None:
        """TERM to the process (its own clean shutdown), then KILL to what is left of its
        group. Once only: a group id is not ours any more after that."""
        if self.stopped:
            return
        self.stopped = True
        if self.running():
            try:
                self.popen.send_signal(signal.SIGTERM)
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                pass
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signal.SIGKILL)  # what is left of its own group
        if self.popen.poll() is None:
            self.popen.wait(timeout=5)
        self._log_file.close()


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces, so split after its ")".
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def peak_rss_mib(pid: int) -> float | None:
    """The process's peak resident memory (VmHWM), in MiB, or None once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class PeakMemory:
    """Samples the peak resident memory of groups of processes until stopped.

    Each group is a function returning the pids to read (gunicorn's workers, the Celery
    worker's processes). A process's own peak (VmHWM) is kept by the kernel, so a
    sample every half second misses nothing but a process that lived less than that.
    """

    def __init__(self, interval: float = 0.5):
        self.interval = interval
        self.groups: dict[str, Callable[[], list[int]]] = {}
        self.peaks: dict[str, float] = {}
        self.pids: dict[str, set[int]] = {}
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="peak-memory", daemon=True)
        self._thread.start()

    def watch(self, name: str, pids: Callable[[], list[int]]) -> None:
        with self._lock:
            self.groups[name] = pids
            self.pids.setdefault(name, set())

    def sample(self) -> None:
        with self._lock:
            groups = dict(self.groups)
        for name, pids in groups.items():
            try:
                current = pids()
            except OSError:
                continue
            for pid in current:
                peak = peak_rss_mib(pid)
                if peak is None:
                    continue
                with self._lock:
                    self.pids[name].add(pid)
                    self.peaks[name] = max(self.peaks.get(name, 0.0), peak)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def stop(self) -> None:
        self.sample()
        self._stop.set()
        self._thread.join(timeout=5)
