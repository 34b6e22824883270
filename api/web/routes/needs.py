"""Needs over JSON: list, read, submit, edit, withdraw; similar needs and the
completeness check while one is typed. The rules are the use cases'
(`api.services.needs`); this module parses, calls and answers."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from duijie.api.services import needs as use
from duijie.api.services.need_shares import share_need as share_need_with
from duijie.api.web.deps import (
    CurrentSession,
    OrganiserSession,
    StoreDep,
    ViewerDep,
)
from duijie.graph.model import ISO_DATE, MAX_NAME, MAX_TEXT
from duijie.graph.vocab import Confidentiality, NeedStatus, NeedType

router = APIRouter(prefix="/api", tags=["needs"])

NeedId = Annotated[str, Path(min_length=1, max_length=200, pattern=r"^[^\s\x00-\x1f]+$")]


async def need_audit(request: Request, session: CurrentSession) -> use.Audit:
    """The audit callable of the use cases, bound to the signed-in account."""
    accounts = request.app.state.accounts

    def audit(action: str, need_id: str | None, detail: str | None = None) -> None:
        accounts.audit(session.user.id, action, "Need", need_id, detail)

    return audit


AuditDep = Annotated[use.Audit, Depends(need_audit)]


# -- models -----------------------------------------------------------------------------

class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class NeedFields(Strict):
    """What a person may set on a need. Money in 万元, dates as YYYY-MM-DD."""

    title: str | None = Field(None, min_length=1, max_length=MAX_NAME)
    text: str | None = Field(None, max_length=MAX_TEXT, description="the need, in full")
    description: str | None = Field(None, max_length=MAX_TEXT)
    need_type: NeedType | None = None
    trl: int | None = Field(None, ge=1, le=9, description="technology readiness level")
    budget_wan: float | None = Field(None, ge=0, le=10_000_000, description="万元")
    deadline: str | None = Field(None, pattern=ISO_DATE)
    priority: int | None = Field(None, ge=1, le=5)
    region: str | None = Field(None, max_length=MAX_NAME)
    tech_field: str | None = Field(None, max_length=MAX_NAME)
    confidentiality: Confidentiality | None = Field(None, description="密级")


class NeedCreate(NeedFields):
    title: str = Field(min_length=1, max_length=MAX_NAME)
    firm_id: str | None = Field(None, max_length=200, description=(
        "the firm (organisers); an enterprise account submits for its own firm"))
    submission_key: str | None = Field(None, min_length=8, max_length=64, pattern=r"^[\w-]+$",
                                       description="a one-time key of the form: sending it "
                                                   "twice answers 409, not a second need")


class NeedEdit(NeedFields):
    rev: int = Field(ge=1, description="the revision the need was read at (409 if stale)")


class NeedWithdraw(Strict):
    rev: int | None = Field(None, ge=1)


class SimilarRequest(Strict):
    title: str = Field("", max_length=MAX_NAME)
    text: str = Field("", max_length=MAX_TEXT)
    exclude: str | None = Field(None, max_length=200, description="the need being edited")
    k: int = Field(5, ge=1, le=20)


class NamedOut(BaseModel):
    id: str
    name: str = Field(description="an invented record's name carries its mark (示意)")
    illustrative: bool = Field(description="invented demo data (named 示意)")


class GapOut(BaseModel):
    key: str = Field(description="message key (api/web/messages/needs.toml)")
    field: str
    values: dict[str, str | int | float]


class NeedSummaryOut(BaseModel):
    id: str
    title: str
    need_type: str
    status: str
    confidentiality: str
    priority: int
    region: str | None
    trl: int | None
    budget_wan: float | None
    deadline: str | None
    submitted_at: str | None
    firm_id: str | None
    firm_name: str | None = Field(description="an invented firm's name carries its mark (示意)")
    rev: int
    illustrative: bool = Field(description="the need or its firm is invented demo data")
    firm_illustrative: bool = Field(description="its firm is invented demo data (示意)")
    title_illustrative: bool = Field(description="the need itself is invented: its title "
                                                 "is shown marked 示意")


class NeedDetailOut(NeedSummaryOut):
    text: str | None
    description: str | None
    tech_field: str | None
    department: str | None
    resolution: str | None
    topics: list[NamedOut]
    gaps: list[GapOut]
    can_edit: bool
    shared_with: list[NamedOut] = Field(description="experts an organiser shared it with "
                                                    "(shown to organisers only)")


class NeedSharesOut(BaseModel):
    need_id: str
    need_title: str
    experts: list[NamedOut]


class NeedListOut(BaseModel):
    data: list[NeedSummaryOut]
    count: int = Field(description="needs passing the filters that you may see")
    offset: int
    limit: int
    by_status: dict[str, int]


class SimilarHintOut(BaseModel):
    id: str
    title: str
    status: str
    firm_id: str | None
    firm_name: str | None
    score: float
    terms: list[str]
    illustrative: bool = Field(description="the need or its firm is invented (title 示意)")


class SimilarOut(BaseModel):
    data: list[SimilarHintOut]
    count: int


class NeedCheckOut(BaseModel):
    complete: bool
    gaps: list[GapOut]


SortOrder = Literal[tuple(f"{sign}{name}" for name in use.SORTS for sign in ("", "-"))]


def author_of(session: CurrentSession) -> str:
    return session.user.username


# -- routes -----------------------------------------------------------------------------

@router.get("/needs", response_model=NeedListOut)
def list_needs(store: StoreDep, viewer: ViewerDep, audit: AuditDep,
               status: NeedStatus | None = None, need_type: NeedType | None = None,
               region: Annotated[str | None, Query(max_length=MAX_NAME)] = None,
               firm_id: Annotated[str | None, Query(max_length=200)] = None,
               confidentiality: Confidentiality | None = None,
               q: Annotated[str | None, Query(max_length=use.MAX_QUERY_CHARS)] = None,
               sort: SortOrder = "-submitted_at",
               offset: Annotated[int, Query(ge=0, le=10**6)] = 0,
               limit: Annotated[int, Query(ge=1, le=use.MAX_LIMIT)] = 50) -> dict:
    """The needs you may see (an enterprise: its own), filtered, sorted, a page at a time."""
    query = use.NeedQuery(status, need_type, region, firm_id, confidentiality, q, sort,
                          offset, limit)
    return use.list_needs(store, query, viewer=viewer, audit=audit).to_dict()


@router.post("/needs", response_model=NeedDetailOut, status_code=201)
def submit_need(body: NeedCreate, store: StoreDep, viewer: ViewerDep, audit: AuditDep,
                session: CurrentSession) -> dict:
    """Submit a need: an enterprise for its own firm, an organiser for any firm."""
    fields = body.model_dump(mode="json", exclude_none=True,
                             exclude={"firm_id", "submission_key"})
    return use.submit_need(store, fields, firm_id=body.firm_id, viewer=viewer,
                           author=author_of(session), submission_key=body.submission_key,
                           audit=audit).to_dict()


@router.post("/needs/similar", response_model=SimilarOut)
def similar_needs(body: SimilarRequest, store: StoreDep, viewer: ViewerDep,
                  audit: AuditDep) -> dict:
    """Existing needs like the one being typed, among those you may see."""
    return use.similar_to(store, body.title, body.text, viewer=viewer, exclude=body.exclude,
                          k=body.k, audit=audit).to_dict()


@router.post("/needs/check", response_model=NeedCheckOut)
def check_need(body: NeedFields, session: CurrentSession) -> dict:
    """What a broker will miss in the need as typed (message keys with values)."""
    return use.check_need(body.model_dump(mode="json", exclude_none=True)).to_dict()


@router.get("/needs/{need_id}", response_model=NeedDetailOut)
def get_need(need_id: NeedId, store: StoreDep, viewer: ViewerDep, audit: AuditDep) -> dict:
    """One need (404 if it does not exist or is not yours to see)."""
    return use.get_need(store, need_id, viewer=viewer, audit=audit).to_dict()


@router.patch("/needs/{need_id}", response_model=NeedDetailOut)
def edit_need(need_id: NeedId, body: NeedEdit, store: StoreDep, viewer: ViewerDep,
              audit: AuditDep, session: CurrentSession) -> dict:
    """Change fields (null clears one); `rev` must be the revision you read (else 409)."""
    changes = body.model_dump(mode="json", exclude_unset=True, exclude={"rev"})
    return use.edit_need(store, need_id, changes, rev=body.rev, viewer=viewer,
                         author=author_of(session), audit=audit).to_dict()


@router.post("/needs/{need_id}/withdraw", response_model=NeedDetailOut)
def withdraw_need(need_id: NeedId, body: NeedWithdraw, store: StoreDep, viewer: ViewerDep,
                  audit: AuditDep, session: CurrentSession) -> dict:
    """Close the need (status not_pursued); it stays on record."""
    return use.withdraw_need(store, need_id, rev=body.rev, viewer=viewer,
                             author=author_of(session), audit=audit).to_dict()


@router.put("/needs/{need_id}/shares/{expert_id}", response_model=NeedSharesOut)
def share_need(need_id: NeedId, expert_id: NeedId, store: StoreDep, viewer: ViewerDep,
               audit: AuditDep, session: OrganiserSession) -> dict:
    """Share a need with an expert, who may then read it (organisers; never a
    confidential need). Audited."""
    return share_need_with(store, need_id, expert_id, viewer=viewer, audit=audit).to_dict()


@router.delete("/needs/{need_id}/shares/{expert_id}", response_model=NeedSharesOut)
def unshare_need(need_id: NeedId, expert_id: NeedId, store: StoreDep, viewer: ViewerDep,
                 audit: AuditDep, session: OrganiserSession) -> dict:
    """Take a share back: the expert no longer sees the need. Audited."""
    return share_need_with(store, need_id, expert_id, share=False, viewer=viewer,
                           audit=audit).to_dict()
