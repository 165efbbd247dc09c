"""A throwaway PostgreSQL cluster for tests: Debian's `initdb`/`pg_ctl` in a temp dir, on a free loopback port.

PostgreSQL refuses to run as root (CI runs as root): then the cluster runs as the `postgres` user (created by
Debian's package) through `runuser`. Skips with the reason when the binaries, the user or psycopg are missing.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


def _bin_dir() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(versions[-1]).parent if versions else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def postgres_cluster() -> Iterator[str]:
    """Start a cluster; yields its SQLAlchemy URL (postgresql+psycopg://…); stops and deletes it afterwards."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed (pip install 'psycopg[binary]')")
    bin_dir = _bin_dir()
    if bin_dir is None or not (bin_dir / "initdb").exists():
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not found: scripts/install.sh --dev installs them")
    prefix: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            pytest.skip("running as root without runuser: PostgreSQL refuses to run as root")
        try:
            import pwd

            pw = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and no 'postgres' user to run PostgreSQL as")
        prefix = ["runuser", "-u", "postgres", "--"]
    root = Path(tempfile.mkdtemp(prefix="planbot-pg-"))  # not under pytest's 0700 root-owned temp dir
    if prefix:
        os.chown(root, pw.pw_uid, pw.pw_gid)
    data, log = root / "data", root / "server.log"
    port = _free_port()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*prefix, *args], capture_output=True, text=True, timeout=120, check=False)

    try:
        done = run(str(bin_dir / "initdb"), "-D", str(data), "-U", "planbot", "--auth=trust", "-E", "UTF8",
                   "--no-locale")
        if done.returncode != 0:
            pytest.skip(f"initdb failed: {done.stderr[-500:]}")
        options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        done = run(str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w", "-t", "60",
                   "start")
        if done.returncode != 0:
            text = log.read_text(errors="replace")[-500:] if log.exists() else done.stderr[-500:]
            pytest.skip(f"pg_ctl start failed: {text}")
        yield f"postgresql+psycopg://planbot@127.0.0.1:{port}/postgres"
    finally:
        if data.exists():
            run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)
