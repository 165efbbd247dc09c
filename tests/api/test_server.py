"""serve(): refuses a keyless non-loopback bind unless open access is explicit."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.server import UnsafeBindError, check_exposure, serve
from tests.api.conftest import make_settings

pytestmark = pytest.mark.unit


def test_keyless_loopback_is_allowed_with_a_warning(tmp_path: Path) -> None:
    warnings = check_exposure(make_settings(tmp_path), "127.0.0.1")
    assert warnings and "loopback" in warnings[0]


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::"])
def test_keyless_public_bind_is_refused(tmp_path: Path, host: str) -> None:
    with pytest.raises(UnsafeBindError) as info:
        check_exposure(make_settings(tmp_path), host)
    assert "PLANBOT_OPEN_ACCESS" in info.value.user_message


def test_serve_refuses_before_starting(tmp_path: Path) -> None:
    with pytest.raises(UnsafeBindError):
        serve(make_settings(tmp_path), host="0.0.0.0", port=1)


def test_keys_or_open_access_allow_public_bind(tmp_path: Path) -> None:
    assert check_exposure(make_settings(tmp_path, api_keys=["k"]), "0.0.0.0") == []
    assert check_exposure(make_settings(tmp_path, admin_api_keys=["k"]), "0.0.0.0") == []
    warnings = check_exposure(make_settings(tmp_path, open_access=True), "0.0.0.0")
    assert warnings and "WITHOUT authentication" in warnings[0]
