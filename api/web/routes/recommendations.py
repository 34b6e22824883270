"""Recommendations over JSON: candidates for a need or a text, needs for a candidate.

The rules are the use cases' (`api.services.recommendations`): what a viewer may see of
a match (needs, paths, scores) is decided there; this module parses, calls and answers.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from duijie.api.services import recommendations as use
from duijie.api.web.deps import OrganiserSession, StoreDep, ViewerDep, require_role
from duijie.api.web.reason_models import ReasonOut
from duijie.api.web.routes.needs import AuditDep
from duijie.graph.accounts import Role
from duijie.graph.model import MAX_NAME, MAX_TEXT

router = APIRouter(prefix="/api", tags=["recommendations"])

Id = Annotated[str, Path(min_length=1, max_length=200, pattern=r"^[^\s\x00-\x1f]+$")]
CandidateKind = Literal["expert", "institute", "programme", "enterprise"]
K = Annotated[int, Query(ge=1, le=50, description="how many to return")]


class QueryOut(BaseModel):
    kind: str | None = Field(description="the kind asked for (Expert, Need, …)")
    need: str | None
    title: str | None
    text: str | None
    candidate: str | None
    name: str | None
    firm: str | None
    firm_name: str | None
    region: str | None
    note: str | None
    illustrative: bool = Field(description="a record the query names is invented (示意)")


class MatchedTermOut(BaseModel):
    term: str
    weight: float | None = Field(description="None unless you may see scores")
    doc: str | None
    doc_title: str | None


class PathOut(BaseModel):
    nodes: list[str]
    names: list[str]
    edges: list[str]
    score: float | None = Field(description="None unless you may see scores")
    text: str
    reason: ReasonOut | None = Field(description="what the path means, in words")


class ExplanationOut(BaseModel):
    matched_phrases: list[str]
    matched_terms: list[MatchedTermOut]
    paths: list[PathOut] = Field(description="graph paths you may see (another firm's "
                                             "records are never on them)")
    rules: dict[str, Any] | None = Field(description="a programme's eligibility check")
    reasons: list[ReasonOut] = Field(description="why it fits: matched words, then what "
                                                 "its paths mean")


class ItemOut(BaseModel):
    id: str
    kind: str
    name: str
    score: float | None = Field(description="None unless you may see scores")
    components: dict[str, float] = Field(description="empty unless you may see scores")
    region: str | None
    illustrative: bool = Field(description="invented demo data: the name carries 示意")
    explanation: ExplanationOut


class RankingOut(BaseModel):
    method: Literal["learned", "hybrid"] = Field(
        description="learned: re-ranked by the chance of signing learned from recorded "
                    "outcomes; hybrid: the text and graph score")
    key: str = Field(description="message key (analysis.toml) saying why")
    values: dict[str, Any] = Field(description="the numbers the message names: recorded "
                                               "outcomes and signings, the threshold, "
                                               "the model and its test figures")
    chance_of_signing: dict[str, float] = Field(
        description="learned chance of signing by candidate id (empty unless learned and "
                    "you may see scores)")


class RecommendOut(BaseModel):
    query: QueryOut
    count: int = Field(description="items shown")
    items: list[ItemOut]
    reason: str | None = Field(description="why the list is short or empty")
    excluded: dict[str, int] = Field(description="candidates left out, by reason "
                                                 "(organisers who see everything)")
    ranking: RankingOut | None = Field(description="which ranking was used (experts and "
                                                   "institutes for a stored need) and why")


class TextRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: str = Field(min_length=1, max_length=MAX_TEXT, description="the need, described")
    kind: CandidateKind = "expert"
    k: int = Field(10, ge=1, le=50)
    region: str | None = Field(None, max_length=MAX_NAME)
    firm_id: str | None = Field(None, max_length=200, description="the firm asking")
    available_only: bool = True


@router.get("/needs/{need_id}/recommendations", response_model=RecommendOut,
            dependencies=[require_role(Role.ORGANISER, Role.ENTERPRISE)])
def recommend_for_need(need_id: Id, store: StoreDep, viewer: ViewerDep, audit: AuditDep,
                       kind: CandidateKind = "expert", k: K = 10,
                       region: Annotated[str | None, Query(max_length=MAX_NAME)] = None
                       ) -> dict:
    """Experts, institutes, programmes or firms for a need, with reasons (404 if the need
    is not yours to see). An enterprise gets no scores and no other firm's records."""
    return use.recommend_for_need(store, need_id, kind=kind, k=k, region=region,
                                  viewer=viewer, audit=audit).to_dict()


@router.get("/candidates/{candidate_id}/needs", response_model=RecommendOut)
def needs_for_candidate(candidate_id: Id, store: StoreDep, viewer: ViewerDep, audit: AuditDep,
                        session: OrganiserSession, k: K = 10,
                        region: Annotated[str | None, Query(max_length=MAX_NAME)] = None
                        ) -> dict:
    """Needs that fit an expert, institute or programme (成果找需求), organisers only;
    confidential needs only within your scope."""
    return use.recommend_for_candidate(store, candidate_id, kind="need", k=k, region=region,
                                       viewer=viewer, audit=audit).to_dict()


@router.post("/recommendations/text", response_model=RecommendOut)
def recommend_for_text(body: TextRequest, store: StoreDep, viewer: ViewerDep, audit: AuditDep,
                       session: OrganiserSession) -> dict:
    """Candidates for a need described in words, not saved (organisers)."""
    return use.recommend_for_text(store, body.text, kind=body.kind, k=body.k,
                                  region=body.region, firm_id=body.firm_id,
                                  available_only=body.available_only,
                                  viewer=viewer, audit=audit).to_dict()
