"""The innovation map over JSON: `/api/map?industry=…&region=…` (organisers). A region or
industry with no firms answers 404, neither of them 422."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from duijie.api.services import innovation_map
from duijie.api.web.deps import OrganiserSession, StoreDep, ViewerDep
from duijie.graph.model import MAX_NAME

router = APIRouter(prefix="/api", tags=["innovation map"])

Place = Annotated[str | None, Query(max_length=MAX_NAME)]


@router.get("/map", response_model=innovation_map.InnovationMap)
def get_map(store: StoreDep, session: OrganiserSession, viewer: ViewerDep,
            industry: Place = None, region: Place = None,
            strong: Annotated[float, Query(ge=0, le=1)] = 0.6,
            per_need: Annotated[int, Query(ge=1, le=50)] = 3) -> dict:
    """Firms, needs, the experts and institutes that can serve them, their links, the gaps,
    centrality and communities of an industry or a region."""
    return innovation_map.innovation_map(store, industry=industry, region=region,
                                         strong=strong, per_need=per_need,
                                         viewer=viewer).to_dict()
