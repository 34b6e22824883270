"""The office's settings and records over JSON: the routing table (分办规则), officials'
capacity, departments and fields, a firm's programme applications, and problems a
firm raised at a meeting. The rules are the use cases' (`routing`, `contacts`,
`firms`, `problems`); this module parses, calls and answers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import Field

from duijie.api.services import firms, officials, problems, routing
from duijie.api.web.deps import OrganiserSession, StoreDep, ViewerDep
from duijie.api.web.routes.office import Day, NodeId, Strict, Text
from duijie.graph.model import MAX_NAME

router = APIRouter(prefix="/api", tags=["office"])

Names = list[Annotated[str, Field(max_length=MAX_NAME)]]


class RoutingRuleIn(Strict):
    need_type: str = Field("*", max_length=40, description="problem, policy, financing, "
                           "talent, technology or *")
    region: str = Field("*", max_length=MAX_NAME, description="a region, or * for anywhere")
    department: str = Field(max_length=MAX_NAME)
    due_days: int = Field(30, ge=1, le=3650)


class RoutingUpdate(Strict):
    rules: list[RoutingRuleIn] = Field(max_length=5000)
    departments: Names = Field([], max_length=500)
    escalate_after_days: int = Field(15, ge=0, le=3650)
    default_due_days: int = Field(30, ge=1, le=3650)
    rev: int = Field(ge=0, description="the revision read (0: the packaged table)")


class OfficialUpdate(Strict):
    rev: int = Field(ge=0, description="the official's revision as read")
    department: str | None = Field(None, max_length=MAX_NAME)
    capacity: int | None = Field(None, ge=0, le=10_000)
    fields: Names | None = Field(None, max_length=500)
    regions: Names | None = Field(None, max_length=500)
    title: str | None = Field(None, max_length=MAX_NAME)


class ProgrammeStatusIn(Strict):
    programme_id: str = Field(max_length=200)
    status: firms.ProgrammeStatus = "applied"
    on: Day = None


class MeetingProblem(Strict):
    title: str = Field(min_length=1, max_length=MAX_NAME)
    need_type: problems.ProblemType = "problem"
    text: Text = None
    opened_on: Day = None


@router.get("/routing", response_model=routing.RoutingTableView)
def get_routing(store: StoreDep, session: OrganiserSession) -> dict:
    """The routing table in force (problem type × region → department), with its
    revision and the departments a rule or an official may name."""
    return routing.routing_table(store).to_dict()


@router.put("/routing", response_model=routing.RoutingTableView)
def put_routing(store: StoreDep, session: OrganiserSession, viewer: ViewerDep,
                body: RoutingUpdate) -> dict:
    """Replace the routing table, all or nothing (organisers without a region scope); a
    stale `rev` is refused (409)."""
    return routing.save_routing(
        store, rules=[r.model_dump() for r in body.rules], departments=body.departments,
        escalate_after_days=body.escalate_after_days, default_due_days=body.default_due_days,
        rev=body.rev, author=session.user.username, viewer=viewer).to_dict()


@router.patch("/officials/{official_id}", response_model=officials.OfficialView)
def update_official(store: StoreDep, session: OrganiserSession, official_id: NodeId,
                    body: OfficialUpdate) -> dict:
    """Change an official's department, capacity, fields, regions or title (capacity 0
    and unknown departments are refused; a stale `rev` is 409)."""
    return officials.update_official(store, official_id, **body.model_dump(),
                                     author=session.user.username).to_dict()


@router.post("/firms/{firm_id}/programmes", response_model=firms.ProgrammeStanding)
def record_programme(store: StoreDep, session: OrganiserSession, viewer: ViewerDep,
                     firm_id: NodeId, body: ProgrammeStatusIn) -> dict:
    """Record that the firm applied for a programme, holds it, or neither (`none`): a
    push never offers a programme to a firm that applied or holds it."""
    return firms.record_programme(store, firm_id, body.programme_id, status=body.status,
                                  on=body.on, author=session.user.username,
                                  viewer=viewer).to_dict()


@router.post("/meetings/{meeting_id}/problems", response_model=problems.ProblemView,
             status_code=201)
def raise_in_meeting(store: StoreDep, session: OrganiserSession, viewer: ViewerDep,
                     meeting_id: NodeId, body: MeetingProblem) -> dict:
    """A problem the firm raised at this meeting: the meeting's firm, routed by the rules."""
    return problems.raise_in_meeting(store, meeting_id, **body.model_dump(),
                                     author=session.user.username, viewer=viewer).to_dict()
