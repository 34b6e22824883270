"""The office's other jobs over JSON: the problem ledger, firm profiles, programme push,
contact duty. The rules are the use cases' (`problems`, `firms`, `contacts`); this
module parses, calls and answers."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from duijie.api.services import contact_plan, contacts, firms, officials, problem_list, problems
from duijie.api.web.deps import OrganiserSession, StoreDep, ViewerDep
from duijie.graph.model import ISO_DATE, MAX_NAME, MAX_TEXT
from duijie.graph.vocab import ProblemState

router = APIRouter(prefix="/api", tags=["office"])

NodeId = Annotated[str, Path(min_length=1, max_length=200, pattern=r"^[^\s\x00-\x1f]+$")]
Day = Annotated[str | None, Field(None, pattern=ISO_DATE, description="YYYY-MM-DD")]
Text = Annotated[str | None, Field(None, max_length=MAX_TEXT)]
ProblemSort = Literal[problem_list.SORTS]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ProblemCreate(Strict):
    firm_id: str = Field(max_length=200)
    title: str = Field(min_length=1, max_length=MAX_NAME)
    text: Text = None
    need_type: problems.ProblemType = "problem"
    region: str | None = Field(None, max_length=MAX_NAME)
    opened_on: Day = None
    department: str | None = Field(None, max_length=MAX_NAME)
    person: str | None = Field(None, max_length=MAX_NAME)
    due: Day = None
    raised_in: str | None = Field(None, max_length=200)


class ProblemAssign(Strict):
    department: str | None = Field(None, max_length=MAX_NAME)
    person: str | None = Field(None, max_length=MAX_NAME)
    due: Day = None
    escalate_to: str | None = Field(None, max_length=MAX_NAME)
    on: Day = None


class ProblemStep(Strict):
    text: str = Field(min_length=1, max_length=MAX_TEXT)
    on: Day = None
    by: str | None = Field(None, max_length=MAX_NAME)
    answer: Text = None


class ProblemClose(Strict):
    answer: Text = None
    seen: Day = Field(None, description="the day the firm saw the answer (required)")
    closed_on: Day = None


class OfficialCreate(Strict):
    name: str = Field(min_length=1, max_length=MAX_NAME)
    department: str = Field(min_length=1, max_length=MAX_NAME)
    fields: list[Annotated[str, Field(max_length=MAX_NAME)]] = Field([], max_length=500)
    regions: list[Annotated[str, Field(max_length=MAX_NAME)]] = Field([], max_length=500)
    capacity: int = Field(20, ge=0, le=10_000)
    title: str | None = Field(None, max_length=MAX_NAME)
    official_id: str | None = Field(None, max_length=200, pattern=r"^off:[^\s\x00-\x1f]+$")


class ContactPlanRequest(Strict):
    firm_ids: list[Annotated[str, Field(max_length=200)]] | None = Field(None, max_length=100_000)
    fresh: bool = False
    fair: bool = False


class RaisedProblem(Strict):
    title: str = Field(min_length=1, max_length=MAX_NAME)
    need_type: problems.ProblemType = "problem"
    text: Text = None


class ContactCreate(Strict):
    official_id: str = Field(max_length=200)
    firm_id: str = Field(max_length=200)
    on: Day = None
    note: Text = None
    problems: list[RaisedProblem] = Field([], max_length=50)


def _author(session) -> str:
    return session.user.username


# -- the problem ledger -----------------------------------------------------------------

@router.get("/problems", response_model=problem_list.ProblemPage)
def list_problems(store: StoreDep, viewer: ViewerDep,
                  department: Annotated[str | None, Query(max_length=MAX_NAME)] = None,
                  state: ProblemState | None = None,
                  need_type: problems.ProblemType | None = None,
                  firm_id: Annotated[str | None, Query(max_length=200)] = None,
                  region: Annotated[str | None, Query(max_length=MAX_NAME)] = None,
                  raised_in: Annotated[str | None, Query(max_length=200)] = None,
                  overdue: bool = False, escalated: bool = False,
                  q: Annotated[str | None, Query(max_length=MAX_NAME)] = None,
                  sort: ProblemSort = "urgency",
                  offset: Annotated[int, Query(ge=0, le=10**6)] = 0,
                  limit: Annotated[int, Query(ge=1, le=problem_list.MAX_LIMIT)] = 50,
                  today: date | None = None) -> dict:
    """The ledger (an enterprise: its own problems), a page at a time: filtered, searched
    (`q`), sorted (`urgency`: open first, most overdue first, then by due date)."""
    query = problem_list.ProblemQuery(
        department, state.value if state else None, need_type, firm_id, region, raised_in,
        overdue, escalated, q, sort, offset, limit, today.isoformat() if today else None)
    return problem_list.problem_page(store, query, viewer=viewer).to_dict()


@router.get("/problems/ledger.xlsx", response_class=Response,
            responses={200: {"content": {problems.XLSX_TYPE: {}}}})
def ledger_xlsx(store: StoreDep, session: OrganiserSession, viewer: ViewerDep,
                department: Annotated[str | None, Query(max_length=MAX_NAME)] = None,
                today: date | None = None) -> Response:
    """A department's ledger as XLSX (序号, 企业, 问题, 责任单位, 办理情况, 状态)."""
    ledger = problems.list_problems(store, department=department, viewer=viewer,
                                    today=today.isoformat() if today else None)
    return Response(problems.ledger_workbook(ledger), media_type=problems.XLSX_TYPE,
                    headers={"Content-Disposition": problems.ledger_filename(ledger)})


@router.get("/problems/{need_id}", response_model=problems.ProblemView)
def get_problem(store: StoreDep, viewer: ViewerDep, need_id: NodeId) -> dict:
    return problems.get_problem(store, need_id, viewer=viewer).to_dict()


@router.post("/problems", response_model=problems.ProblemView, status_code=201)
def add_problem(store: StoreDep, session: OrganiserSession, viewer: ViewerDep,
                body: ProblemCreate) -> dict:
    """Record a firm's problem; the routing rules choose its department and due date."""
    return problems.add_problem(store, **body.model_dump(), viewer=viewer,
                                author=_author(session)).to_dict()


@router.post("/problems/{need_id}/assign", response_model=problems.ProblemView)
def assign_problem(store: StoreDep, session: OrganiserSession, viewer: ViewerDep,
                   need_id: NodeId, body: ProblemAssign) -> dict:
    return problems.assign_problem(store, need_id, **body.model_dump(), viewer=viewer).to_dict()


@router.post("/problems/{need_id}/steps", response_model=problems.ProblemView)
def add_step(store: StoreDep, session: OrganiserSession, viewer: ViewerDep, need_id: NodeId,
             body: ProblemStep) -> dict:
    return problems.add_step(store, need_id, **body.model_dump(), viewer=viewer).to_dict()


@router.post("/problems/{need_id}/close", response_model=problems.ProblemView)
def close_problem(store: StoreDep, session: OrganiserSession, viewer: ViewerDep,
                  need_id: NodeId, body: ProblemClose) -> dict:
    """Close (销号): only with an answer recorded and the day the firm saw it."""
    return problems.close_problem(store, need_id, **body.model_dump(), viewer=viewer).to_dict()


# -- firms and programmes ---------------------------------------------------------------

@router.get("/firms/{firm_id}/profile", response_model=firms.FirmProfile)
def firm_profile(store: StoreDep, viewer: ViewerDep, firm_id: NodeId,
                 today: date | None = None) -> dict:
    """What the office knows of a firm, and programmes now and one condition away.
    An enterprise account opens its own profile only."""
    return firms.firm_profile(store, firm_id, viewer=viewer,
                              today=today.isoformat() if today else None).to_dict()


@router.get("/programmes/{programme_id}/push", response_model=firms.PushResult)
def push_programme(store: StoreDep, session: OrganiserSession, viewer: ViewerDep,
                   programme_id: NodeId, today: date | None = None) -> dict:
    """Every firm that qualifies and neither holds the programme nor applied."""
    return firms.push_programme(store, programme_id, viewer=viewer,
                                today=today.isoformat() if today else None).to_dict()


# -- contact duty -----------------------------------------------------------------------

@router.get("/officials", response_model=officials.OfficialList)
def list_officials(store: StoreDep, session: OrganiserSession) -> dict:
    return officials.official_list(store).to_dict()


@router.post("/officials", response_model=officials.OfficialView, status_code=201)
def add_official(store: StoreDep, session: OrganiserSession, body: OfficialCreate) -> dict:
    return officials.add_official(store, **body.model_dump(), author=_author(session)).to_dict()


@router.post("/contacts/plan", response_model=contact_plan.ContactPlanResult)
def plan_contacts(store: StoreDep, session: OrganiserSession, body: ContactPlanRequest) -> dict:
    """Give every firm (or those named) one official by fit, under each capacity."""
    return contact_plan.plan_contacts(store, **body.model_dump(), author=_author(session)).to_dict()


@router.post("/contacts", response_model=contacts.ContactRecorded, status_code=201)
def record_contact(store: StoreDep, session: OrganiserSession, body: ContactCreate) -> dict:
    """Record a contact and the problems the firm raised (they enter the ledger)."""
    return contacts.record_contact(
        store, body.official_id, body.firm_id, on=body.on, note=body.note,
        problems=[p.model_dump() for p in body.problems], author=_author(session)).to_dict()


@router.get("/contacts/duty", response_model=contacts.DutyReport)
def contact_duty(store: StoreDep, session: OrganiserSession,
                 official_id: Annotated[str | None, Query(max_length=200)] = None,
                 today: date | None = None) -> dict:
    """Per official: firms assigned and contacted, contacts made, problems raised."""
    return contacts.contact_duty(store, official_id=official_id,
                                 today=today.isoformat() if today else None).to_dict()
