"""/healthz answers at once; /readyz is 503 until the assistant has warmed up."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from tests.api.conftest import FakeAssistant, LiveServer, wait_until

pytestmark = pytest.mark.unit


def test_readiness_flips_after_warm_up(serve: Callable[..., LiveServer], fake: FakeAssistant) -> None:
    fake.warm_gate = threading.Event()
    server = serve(fake)
    with server.client() as c:
        assert c.get("/healthz").json() == {"status": "ok"}
        r = c.get("/readyz")
        assert r.status_code == 503 and r.json()["status"] == "starting"
        fake.warm_gate.set()
        wait_until(lambda: c.get("/readyz").status_code == 200, "ready")
        assert c.get("/readyz").json()["status"] == "ready"


def test_failed_warm_up_reports_error(serve: Callable[..., LiveServer], fake: FakeAssistant) -> None:
    def broken() -> None:
        raise RuntimeError("model file missing")

    fake.warm_up = broken  # type: ignore[method-assign]
    server = serve(fake)
    with server.client() as c:
        wait_until(lambda: c.get("/readyz").json()["status"] == "error", "error state")
        assert c.get("/readyz").status_code == 503
        assert c.get("/healthz").status_code == 200


def test_probes_need_no_key(serve: Callable[..., LiveServer], fake: FakeAssistant) -> None:
    server = serve(fake, api_keys=["k"])
    with server.client() as c:
        assert c.get("/healthz").status_code == 200
        assert c.get("/v1/documents").status_code == 401
