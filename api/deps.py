"""FastAPI dependencies: the shared objects live on app.state, routes get them through these aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.errors import NotReadyError
from api.queue import ModelQueue
from api.security import Principal, RateLimiter, authenticate, require_admin_role
from rag.assistant import Assistant
from rag.config import Settings


def get_settings(request: Request) -> Settings:
    """The app's settings."""
    settings: Settings = request.app.state.settings
    return settings


def get_assistant(request: Request) -> Assistant:
    """The shared assistant (created in the lifespan)."""
    assistant: Assistant | None = getattr(request.app.state, "assistant", None)
    if assistant is None:
        raise NotReadyError("assistant not created yet")
    return assistant


def get_queue(request: Request) -> ModelQueue:
    """The bounded queue in front of the model."""
    queue: ModelQueue = request.app.state.model_queue
    return queue


def _limiter(request: Request) -> RateLimiter:
    limiter: RateLimiter = request.app.state.rate_limiter
    return limiter


def require_reader(request: Request) -> Principal:
    """Authenticate (any role) and count the request against the caller's rate limit."""
    principal = authenticate(request, get_settings(request))
    request.state.principal = principal
    _limiter(request).check(principal.identity)
    return principal


def require_admin(request: Request) -> Principal:
    """Authenticate, require the admin role, and rate-limit."""
    principal = authenticate(request, get_settings(request))
    request.state.principal = principal
    require_admin_role(principal)
    _limiter(request).check(principal.identity)
    return principal


SettingsDep = Annotated[Settings, Depends(get_settings)]
AssistantDep = Annotated[Assistant, Depends(get_assistant)]
QueueDep = Annotated[ModelQueue, Depends(get_queue)]
ReaderDep = Annotated[Principal, Depends(require_reader)]
AdminDep = Annotated[Principal, Depends(require_admin)]
