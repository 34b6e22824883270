"""Read-only lists of enterprises, experts, institutes and programmes
(`api.services.directory`: an enterprise sees only its own firm among enterprises)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from duijie.api.services.directory import KINDS, MAX_LIMIT, SORTS, list_directory
from duijie.api.web.deps import StoreDep, ViewerDep

router = APIRouter(prefix="/api", tags=["directory"])


class DirectoryEntryOut(BaseModel):
    id: str
    kind: str
    name: str
    region: str | None
    category: str | None = Field(description="industry, institute type, an expert's title "
                                             "or a programme's level")
    affiliation: str | None = Field(description="an expert's affiliation, a programme's "
                                                "department")
    summary: str | None
    illustrative: bool = Field(description="invented for demos, not a fact")


class DirectoryOut(BaseModel):
    data: list[DirectoryEntryOut]
    count: int
    offset: int
    limit: int


SortOrder = Literal[tuple(f"{sign}{name}" for name in SORTS for sign in ("", "-"))]


def _route(what: str):
    def listing(store: StoreDep, viewer: ViewerDep,
                q: Annotated[str | None, Query(max_length=200)] = None,
                region: Annotated[str | None, Query(max_length=300)] = None,
                category: Annotated[str | None, Query(max_length=300)] = None,
                sort: SortOrder = "name",
                offset: Annotated[int, Query(ge=0, le=10**6)] = 0,
                limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50) -> dict:
        return list_directory(store, what, q=q, region=region, category=category, sort=sort,
                              offset=offset, limit=limit, viewer=viewer).to_dict()

    listing.__name__ = f"list_{what}"
    listing.__doc__ = (f"The {what} you may see, filtered by words (`q`), region and "
                       "category, sorted, a page at a time.")
    return listing


for _what in KINDS:
    router.add_api_route(f"/{_what}", _route(_what), methods=["GET"],
                         response_model=DirectoryOut, name=f"list_{_what}")
