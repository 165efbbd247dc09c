"""Liveness and readiness probes (no auth)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.schemas import Health, Readiness

router = APIRouter(tags=["Vận hành"])


@router.get("/healthz", response_model=Health, summary="Tiến trình đang chạy")
async def healthz() -> Health:
    """Answers at once, even while the model is loading."""
    return Health()


@router.get(
    "/readyz",
    response_model=Readiness,
    summary="Chỉ mục và mô hình đã sẵn sàng",
    responses={503: {"model": Readiness, "description": "Đang khởi động hoặc lỗi khởi động"}},
)
async def readyz(request: Request) -> JSONResponse:
    """200 once the index and the model are loaded, 503 before (or after a failed start)."""
    state: dict[str, str | None] = request.app.state.readiness
    assistant = getattr(request.app.state, "assistant", None)
    status = state.get("status") or "starting"
    if status == "ready" and (assistant is None or not assistant.ready):
        status = "starting"
    body = Readiness(status=status, detail=state.get("detail"))  # type: ignore[arg-type]
    return JSONResponse(body.model_dump(), status_code=200 if status == "ready" else 503)
