"""`planbot serve` refuses an unsafe bind with one Vietnamese line, no traceback (no server is started)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from planbot.cli import app

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("command", ["serve", "run"])
def test_keyless_public_bind_is_one_vietnamese_line(tmp_path: Path, command: str) -> None:
    env = {"PLANBOT_DATA_DIR": str(tmp_path / "data"), "PLANBOT_API_KEYS": "", "PLANBOT_ADMIN_API_KEYS": "",
           "PLANBOT_OPEN_ACCESS": "false"}
    result = CliRunner().invoke(app, [command, "--host", "0.0.0.0"], env=env)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Lỗi: ") and "127.0.0.1" in lines[0]
