"""A real uvicorn server with several worker processes, for tests that cross processes."""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import httpx

# Generous on purpose: a busy CI machine may take long to import the app; a test must not fail
# because the machine is loaded, only because the server is broken (its log then says why).
READY_LIMIT_SECONDS = 240


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A started server: its base URL, process and log file."""

    base: str
    process: subprocess.Popen[bytes]
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


@contextmanager
def running_server(
    database_url: str,
    workers: int = 4,
    app: str = "service.app:app",
    env: dict[str, str] | None = None,
) -> Iterator[str]:
    """Start uvicorn with the app on the test database; yield its base URL."""
    with started_server(database_url, workers, app, env) as server:
        yield server.base


@contextmanager
def started_server(
    database_url: str,
    workers: int = 4,
    app: str = "service.app:app",
    env: dict[str, str] | None = None,
    command: list[str] | None = None,
    ready_path: str = "/readyz",
) -> Iterator[Server]:
    """Start a server (uvicorn by default, or `command` with {port} filled in); yield it."""
    port = free_port()
    # A small pool per worker: several test servers may share one PostgreSQL (100 clients).
    full_env = {
        **os.environ,
        "SUPPLIERDEV_DATABASE_URL": database_url,
        "SUPPLIERDEV_MAX_CONCURRENT_REQUESTS": "8",
        **(env or {}),
    }
    argv = [part.format(port=port) for part in command] if command else None
    argv = argv or [
        sys.executable,
        "-m",
        "uvicorn",
        app,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    # The log goes to a file, never a pipe nobody reads (a full pipe would stall the server).
    log = Path(tempfile.mkstemp(prefix="supplierdev-server-", suffix=".log")[1])
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            argv,
            env=full_env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so no worker outlives the test
        )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        wait_until_ready(server, ready_path)
        yield server
    finally:
        stop(server.process)
        log.unlink(missing_ok=True)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server and its workers; kill them if a graceful stop hangs."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            pass
    kill_group(process.pid)
    if process.poll() is None:
        process.wait(timeout=60)


def kill_group(pgid: int) -> None:
    """SIGKILL whatever is left in a process group (nothing, after a clean stop)."""
    with suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)


def wait_until_ready(server: Server, ready_path: str = "/readyz") -> None:
    """Wait for the readiness path to answer 200; on failure, raise with the server's log."""
    deadline = time.monotonic() + READY_LIMIT_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"server exited with {server.process.returncode}:\n{server.log_text()}"
            )
        try:
            if httpx.get(f"{server.base}{ready_path}", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(
        f"server did not become ready in {READY_LIMIT_SECONDS} s; its log:\n{server.log_text()}"
    )


def group_members(pgid: int) -> list[int]:
    """The live processes of a process group (zombies excluded), read from /proc."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def describe(pids: list[int]) -> list[str]:
    """The command lines of processes, for a failure message."""
    lines = []
    for pid in pids:
        try:
            lines.append(
                f"{pid}: " + Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            )
        except OSError:
            lines.append(f"{pid}: gone")
    return lines


def wait_for_empty_group(pgid: int, limit_seconds: float = 60) -> list[int]:
    """The members left in a group once it empties or the (generous) limit passes: processes
    that are exiting take a moment to leave it."""
    deadline = time.monotonic() + limit_seconds
    left = group_members(pgid)
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = group_members(pgid)
    return left
