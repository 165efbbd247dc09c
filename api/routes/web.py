"""The web chat page (GET /), its assets (/static/...) and the embeddable widget (GET /widget.js)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse

from api.deps import SettingsDep

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

router = APIRouter(include_in_schema=False)


def page_csp(frame_ancestors: list[str]) -> str:
    """Content-Security-Policy of the chat page: everything from this server, embeddable by the portal."""
    ancestors = " ".join(["'self'", *frame_ancestors]) if frame_ancestors else "*"
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        f"base-uri 'none'; form-action 'self'; object-src 'none'; frame-ancestors {ancestors}"
    )


@router.get("/")
def index(settings: SettingsDep) -> FileResponse:
    """The chat page (Vietnamese, no CDN, no build step)."""
    return FileResponse(
        STATIC_DIR / "index.html",
        media_type="text/html; charset=utf-8",
        headers={"Content-Security-Policy": page_csp(settings.cors_origins), "Cache-Control": "no-cache"},
    )


@router.get("/widget.js")
def widget(request: Request) -> FileResponse:
    """One <script> tag puts a floating chat button on a portal page."""
    return FileResponse(
        STATIC_DIR / "widget.js",
        media_type="text/javascript; charset=utf-8",
        headers={
            "Cache-Control": "no-cache",
            "Access-Control-Allow-Origin": "*",
            "Cross-Origin-Resource-Policy": "cross-origin",
        },
    )
