"""The embeddings job over HTTP: `POST /api/embeddings` starts encoding the candidates'
documents in the background (office organisers: it serves every region), `GET
/api/embeddings` says what is stored and how the latest job went (stage ``encoding
384/604``, then its result). Recommendations read the stored vectors as soon as the job
has written them (`api.services.embeddings`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from duijie.api.jobs import job_dict
from duijie.api.services.embeddings import (
    compute_embeddings,
    embeddings_path,
    embeddings_status,
)
from duijie.api.web.deps import AccountsDep, JobsDep, OrganiserSession, StoreDep
from duijie.api.web.event_models import JobFields
from duijie.graph.errors import Forbidden, InvalidInput, at
from duijie.matcher.semantic import load_encoder

router = APIRouter(prefix="/api", tags=["embeddings"])
KIND = "embeddings"


class EmbeddingsComputedOut(BaseModel):
    path: str
    model: str
    profiles: int
    texts: int
    encoded: int
    cancelled: bool


class EmbeddingsJobOut(JobFields):
    result: EmbeddingsComputedOut | None


class EmbeddingsOut(BaseModel):
    available: bool
    path: str | None
    model: str
    stored: int
    job: EmbeddingsJobOut | None


@router.post("/embeddings", response_model=EmbeddingsJobOut, status_code=202)
def start_embeddings(store: StoreDep, session: OrganiserSession, jobs: JobsDep,
                     accounts: AccountsDep) -> dict[str, Any]:
    """Encode, in the background, every candidate document that has no stored vector
    yet; 409 while one runs, 503 without ``duijie[semantic]``."""
    if session.user.scope:
        raise Forbidden(key="access.embeddings_unscoped", where=at("field.role"))
    path = embeddings_path(store)
    if path is None:
        raise InvalidInput("this store keeps no file to hold embeddings beside",
                           where="embeddings")
    load_encoder()  # refuse now (503) when the extra is missing
    user = session.user.id

    def run(progress, cancelled):
        result = compute_embeddings(store, path, progress=progress, cancelled=cancelled)
        accounts.audit(user, "embeddings", "Store", None,
                       f"{result.encoded} of {result.texts} texts encoded")
        return result

    return job_dict(jobs.start(run, kind=KIND, subject="store", name="embeddings",
                               owner=user))


@router.get("/embeddings", response_model=EmbeddingsOut)
def embeddings_state(store: StoreDep, session: OrganiserSession, jobs: JobsDep
                     ) -> dict[str, Any]:
    """What is stored, and the latest embeddings job (None before the first)."""
    latest = jobs.table.list(KIND, limit=1)
    return {**embeddings_status(store).to_dict(),
            "job": job_dict(latest[0]) if latest else None}
