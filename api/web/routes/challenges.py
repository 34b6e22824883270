"""Challenge lists over JSON: `/api/challenges` (themes) and an organiser's rename, merge
and split. A stale theme answers 409, a region or industry with no firms 404."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from duijie.api.services import challenges
from duijie.api.web.deps import OrganiserSession, StoreDep, ViewerDep
from duijie.graph.model import MAX_NAME

router = APIRouter(prefix="/api", tags=["challenges"])

ThemeId = Annotated[str, Path(min_length=1, max_length=200, pattern=r"^[^\s\x00-\x1f]+$")]
Place = Annotated[str | None, Query(max_length=MAX_NAME)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ThemeRename(Strict):
    name: str = Field(min_length=1, max_length=MAX_NAME)
    rev: int = Field(ge=0)


class ThemeMerge(Strict):
    themes: list[Annotated[str, Field(max_length=200)]] = Field(min_length=2, max_length=50)
    revs: list[Annotated[int, Field(ge=0)]] = Field(min_length=2, max_length=50)
    name: str | None = Field(None, min_length=1, max_length=MAX_NAME)


class ThemeSplit(Strict):
    needs: list[Annotated[str, Field(max_length=200)]] = Field(min_length=1, max_length=10_000)
    rev: int = Field(ge=0)
    name: str | None = Field(None, min_length=1, max_length=MAX_NAME)


@router.get("/challenges", response_model=challenges.ChallengeLists)
def list_challenges(store: StoreDep, session: OrganiserSession, viewer: ViewerDep,
                    region: Place = None, industry: Place = None,
                    suppliers: Annotated[int, Query(ge=0, le=50)] = 5) -> dict:
    """Themes of similar needs across firms, their firms and best-placed helpers."""
    return challenges.challenge_lists(store, region=region, industry=industry,
                                      suppliers=suppliers, viewer=viewer).to_dict()


@router.post("/challenges/recompute", response_model=challenges.ChallengeRun)
def recompute(store: StoreDep, session: OrganiserSession, viewer: ViewerDep) -> dict:
    """Cluster the open needs again and store the themes (an organiser without a scope;
    edited themes keep their needs). Listings read the stored themes."""
    return challenges.recompute_challenges(store, viewer=viewer).to_dict()


@router.post("/challenges/{theme_id}/rename", response_model=challenges.ThemeEdited)
def rename(store: StoreDep, session: OrganiserSession, viewer: ViewerDep, theme_id: ThemeId,
           body: ThemeRename) -> dict:
    """Name a theme; a theme changed since it was listed answers 409."""
    return challenges.rename_theme(store, theme_id, body.name, rev=body.rev,
                                   viewer=viewer).to_dict()


@router.post("/challenges/merge", response_model=challenges.ThemeEdited)
def merge(store: StoreDep, session: OrganiserSession, viewer: ViewerDep,
          body: ThemeMerge) -> dict:
    """Merge themes into the first one named."""
    return challenges.merge_themes(store, body.themes, revs=body.revs, name=body.name,
                                   viewer=viewer).to_dict()


@router.post("/challenges/{theme_id}/split", response_model=challenges.ThemeEdited)
def split(store: StoreDep, session: OrganiserSession, viewer: ViewerDep, theme_id: ThemeId,
          body: ThemeSplit) -> dict:
    """Move some needs of a theme into a new theme."""
    return challenges.split_theme(store, theme_id, body.needs, rev=body.rev, name=body.name,
                                  viewer=viewer).to_dict()
