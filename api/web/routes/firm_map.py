"""A firm's own map over JSON: `GET /api/firms/{id}/map` (the innovation map's shape). The
firm's own account and the organisers in its scope open it; another firm's id answers
404, as an unknown one does. The firm's page draws it (`firm_map_pages`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from duijie.api.services.firm_map import firm_map
from duijie.api.services.innovation_map import InnovationMap
from duijie.api.web.deps import CurrentSession, StoreDep, ViewerDep

router = APIRouter(prefix="/api", tags=["firms"])
FirmId = Annotated[str, Path(min_length=1, max_length=200, pattern=r"^[^\s\x00-\x1f]+$")]


@router.get("/firms/{firm_id}/map", response_model=InnovationMap)
def get_firm_map(firm_id: FirmId, store: StoreDep, session: CurrentSession,
                 viewer: ViewerDep, strong: Annotated[float, Query(ge=0, le=1)] = 0.6,
                 per_need: Annotated[int, Query(ge=1, le=50)] = 3) -> dict:
    """One firm's needs, the experts and institutes that can serve them and the meetings
    and signings it had with them, as the innovation map draws them (nothing of any
    other firm)."""
    return firm_map(store, firm_id, strong=strong, per_need=per_need,
                    viewer=viewer).to_dict()
