"""Property-based fuzzing of every operation in the OpenAPI schema: no input may produce a 5xx."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.api.conftest import FakeAssistant, LiveServer

schemathesis = pytest.importorskip("schemathesis", reason="pip install schemathesis")
hypothesis = pytest.importorskip("hypothesis")

pytestmark = pytest.mark.unit

MAX_EXAMPLES = 25


def fuzz_operation(server: LiveServer, operation: Any, mode: Any, max_examples: int) -> dict[int, int] | None:
    """Status counts of generated cases for one operation and mode (None when nothing can be generated)."""
    from hypothesis import HealthCheck, given, settings
    from schemathesis.checks import not_a_server_error

    counts: dict[int, int] = {}

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        response = case.call(base_url=server.url, timeout=30)
        counts[response.status_code] = counts.get(response.status_code, 0) + 1
        case.validate_response(response, checks=[not_a_server_error])

    try:
        run()
    except hypothesis.errors.Unsatisfiable:  # nothing to make invalid (e.g. no parameters at all)
        return None
    return counts


def fuzz(server: LiveServer, max_examples: int) -> dict[str, dict[int, int]]:
    """Run generated cases (valid and invalid) against every operation; return status counts per operation."""
    schema = schemathesis.openapi.from_url(server.url + "/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 11
    seen: dict[str, dict[int, int]] = {}
    for operation in operations:
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            counts = fuzz_operation(server, operation, mode, max_examples)
            if counts is not None:
                seen[f"{operation.method.upper()} {operation.path} ({mode.value})"] = counts
    return seen


def test_no_server_errors_on_generated_requests(serve: Callable[..., LiveServer], fake: FakeAssistant) -> None:
    server = serve(fake, max_upload_bytes=64 * 1024)
    seen = fuzz(server, MAX_EXAMPLES)
    assert not [(op, s) for op, counts in seen.items() for s in counts if s >= 500]
    # The fuzzer reached both accepted and rejected inputs.
    assert any(s < 300 for counts in seen.values() for s in counts)
    assert any(400 <= s < 500 for counts in seen.values() for s in counts)
