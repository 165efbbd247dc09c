"""Start a real server process for a test, wait until it answers, and stop it afterwards."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import httpx


@contextmanager
def running_server(cmd: Sequence[str], *, log: Path, ready_url: str, timeout_s: float,
                   give_up: Callable[[str], NoReturn], poll_s: float = 0.2) -> Iterator[subprocess.Popen[bytes]]:
    """Run `cmd` (output to `log`) until `ready_url` answers 200; `give_up` (pytest.fail / pytest.skip) is called
    with the log's tail if it exits or is not up within `timeout_s`. Terminated (then killed) on exit."""
    with log.open("wb") as out:
        proc = subprocess.Popen(list(cmd), stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if proc.poll() is not None:
                give_up(f"{cmd[0]} exited ({proc.returncode}): {log.read_text(errors='replace')[-800:]}")
            try:
                if httpx.get(ready_url, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                give_up(f"{cmd[0]} not up in {timeout_s:.0f} s: {log.read_text(errors='replace')[-800:]}")
            time.sleep(poll_s)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
