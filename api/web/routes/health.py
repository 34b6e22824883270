"""Liveness and readiness, for a load balancer or an orchestrator."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from duijie.api.web.deps import StoreDep

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str


class Ready(BaseModel):
    status: str
    nodes: int


@router.get("/health", response_model=Health)
def health() -> Health:
    """The process answers (no store access)."""
    return Health(status="ok")


@router.get("/ready", response_model=Ready)
def ready(store: StoreDep) -> Ready:
    """The store answers; 503 with a problem document when it does not."""
    counts = store.counts()
    return Ready(status="ready", nodes=sum(counts["nodes"].values()))
