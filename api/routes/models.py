"""GET /v1/models and /v1/models/{id}: OpenAI's model listing, so chat front-ends (Open WebUI, LibreChat) that
list models before chatting can connect. One model is exposed: the grounded assistant itself."""

from __future__ import annotations

import time
from typing import Annotated, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from api.deps import ReaderDep
from api.routes.ask import ERRORS
from api.schemas import ErrorResponse
from rag.errors import NotFoundError

router = APIRouter(prefix="/v1", tags=["Tương thích OpenAI"])

MODEL_ID = "planbot"
_CREATED = int(time.time())


class ModelCard(BaseModel):
    """One model as OpenAI's API describes it."""

    id: str = Field(examples=[MODEL_ID])
    object: Literal["model"] = "model"
    created: int
    owned_by: str = "planbot"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


def model_card() -> ModelCard:
    return ModelCard(id=MODEL_ID, created=_CREATED)


@router.get("/models", response_model=ModelList, summary="Danh sách mô hình (tương thích OpenAI)", responses=ERRORS)
def list_models(principal: ReaderDep) -> ModelList:
    """The one model this server answers as; any `model` value is accepted by /v1/chat/completions."""
    return ModelList(data=[model_card()])


@router.get(
    "/models/{model_id}",
    response_model=ModelCard,
    summary="Thông tin một mô hình (tương thích OpenAI)",
    responses={**ERRORS, 404: {"model": ErrorResponse, "description": "Không có mô hình này"}},
)
def get_model(principal: ReaderDep, model_id: Annotated[str, Path(max_length=200)]) -> ModelCard:
    """The model card for `planbot`; 404 for any other id."""
    if model_id != MODEL_ID:
        raise NotFoundError(f"unknown model {model_id!r}",
                            user_message=f"Không có mô hình «{model_id}». Mô hình duy nhất: «{MODEL_ID}».")
    return model_card()
