"""HTTP metrics (requests and latency by route and answer mode, queue depth, 503s) and GET /metrics."""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from api.queue import ModelQueue
from api.security import authenticate, is_loopback, require_admin_role
from rag.errors import NotFoundError

REQUESTS = Counter("planbot_http_requests_total", "HTTP requests, by route template, method, status and answer "
                   "mode (empty when the route gives no answer).", ["route", "method", "status", "mode"])
LATENCY = Histogram("planbot_http_request_seconds", "HTTP request duration (streams: until the last byte).",
                    ["route", "mode"], buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120))
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
MOUNTS = ("/static", "/docs-assets")  # static file mounts: one label each, whatever the file


def route_label(scope: MutableMapping[str, Any]) -> str:
    """The matched route's template (bounded cardinality), never the raw path."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path
    path = str(scope.get("path", ""))
    for mount in MOUNTS:
        if path.startswith(mount + "/"):
            return mount
    return "unmatched"


def record_request(scope: MutableMapping[str, Any], status: int, seconds: float) -> None:
    """Count one finished request (called by the access-log middleware)."""
    state = scope.get("state") or {}
    mode = str(state.get("answer_mode") or "")
    route = route_label(scope)
    REQUESTS.labels(route=route, method=str(scope.get("method", "")), status=str(status), mode=mode).inc()
    LATENCY.labels(route=route, mode=mode).observe(seconds)


class QueueCollector(Collector):
    """The model queue of one app, read at scrape time."""

    def __init__(self, queue: ModelQueue) -> None:
        self.queue = queue

    def collect(self) -> Iterator[Metric]:
        yield GaugeMetricFamily("planbot_queue_depth", "Model calls running or waiting.", value=self.queue.admitted)
        yield GaugeMetricFamily("planbot_queue_capacity", "Model calls admitted at most (running + waiting).",
                                value=self.queue.capacity)
        yield GaugeMetricFamily("planbot_queue_typical_service_seconds", "Median of recent model-call durations.",
                                value=self.queue.typical_service_s())
        yield CounterMetricFamily("planbot_queue_rejected", "Requests refused with 503 because the queue was full.",
                                  value=self.queue.rejected)


def app_registry(queue: ModelQueue) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=True)
    registry.register(QueueCollector(queue))
    return registry


router = APIRouter(tags=["Vận hành"])


@router.get(
    "/metrics",
    summary="Số liệu vận hành (định dạng Prometheus)",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE: {"schema": {"type": "string"}}}}},
)
def metrics(request: Request) -> Response:
    """Prometheus text format. Allowed from this machine (loopback) or with an admin key."""
    settings = request.app.state.settings
    if not settings.metrics_enabled:
        raise NotFoundError("metrics disabled", user_message="Không tìm thấy đường dẫn được yêu cầu.")
    client = request.client.host if request.client else None
    proxied = any(h in request.headers for h in ("x-forwarded-for", "forwarded", "x-real-ip"))
    if proxied or not is_loopback(client):  # through a reverse proxy on this machine the caller is remote
        principal = authenticate(request, settings)
        request.state.principal = principal
        require_admin_role(principal)
    body = generate_latest(REGISTRY) + generate_latest(request.app.state.metrics_registry)
    return Response(body, media_type=CONTENT_TYPE, headers={"Cache-Control": "no-store"})
