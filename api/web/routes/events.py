"""Docking events over JSON: events, participants, pair rules, planning as a job,
schedule, publish, meetings, agenda downloads, outcomes and follow-ups.

Organisers write; an enterprise or an expert reads only the events it takes part in
and its own meetings (another firm's meeting is "not found"). The rules are the use
cases' (`api.services.event_views`); routes pass the viewer and return `to_dict()`.
Planning and choosing whom to invite run as jobs (`api.jobs.SharedJobs`, recorded in
a table every worker reads): POST answers 202 with the job, `GET /api/jobs/{id}` its
stage and result from any worker, `DELETE` cancels it (a cancelled plan writes
nothing). A plan, a publication and an outcome are written to the audit log.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query, Response

from duijie.api.jobs import SharedJobs, job_dict
from duijie.api.services.access import Viewer
from duijie.api.services.event_views import (
    agenda_for,
    editable_event,
    editable_meeting,
    event_detail,
    event_set_grid,
    events_for,
    follow_ups_for,
    invite_for,
    meeting_detail,
    meeting_list,
)
from duijie.api.services.events import (
    EventCreated,
    EventList,
    RuleRecorded,
    event_create,
    event_rule,
    update_event,
)
from duijie.api.services.invitations import event_invite
from duijie.api.services.outcomes import event_add_follow_up, event_outcome
from duijie.api.services.planning import Published, event_plan, event_publish, event_schedule
from duijie.api.web.deps import AccountsDep, JobsDep, OrganiserSession, StoreDep, ViewerDep
from duijie.api.web.event_models import (
    EventCreateIn,
    EventDetailOut,
    EventUpdateIn,
    FollowUpAddedOut,
    FollowUpIn,
    FollowUpsOut,
    GridIn,
    InvitationIn,
    InvitedOut,
    InviteIn,
    JobOut,
    MeetingListOut,
    MeetingOut,
    OutcomeIn,
    OutcomeOut,
    PlanIn,
    RuleIn,
    ScheduleIn,
    ScheduleOut,
)
from duijie.graph.accounts import AccountStore
from duijie.graph.errors import NotFound
from duijie.graph.job_table import JobRow
from duijie.graph.store import GraphStore

router = APIRouter(prefix="/api", tags=["events"])

AgendaFormat = Literal["csv", "xlsx", "ics", "html"]


def job_out(job: JobRow) -> dict[str, Any]:
    return job_dict(job)


def start_plan(store: GraphStore, accounts: AccountStore, jobs: SharedJobs, event_id: str,
               user_id: str, *, use_recommender: bool = True, solver: str = "auto") -> JobRow:
    """Start planning an event as a job; a second plan of the same event while one runs
    (in any worker) is a conflict. The finished plan is written to the audit log."""

    def plan(progress, cancelled):
        result = event_plan(store, event_id, use_recommender=use_recommender, solver=solver,
                            progress=progress, cancelled=cancelled)
        accounts.audit(user_id, "plan", "Event", event_id,
                       f"{len(result.plan.meetings)} meetings, {len(result.kept)} kept")
        return result

    return jobs.start(plan, name=f"plan {event_id}", kind="plan", subject=event_id,
                      owner=user_id)


def start_invitations(store: GraphStore, accounts: AccountStore, jobs: SharedJobs,
                      event_id: str, user_id: str, body: InvitationIn) -> JobRow:
    """Choose whom to invite (and add them) as a job; audited when done. A second one on
    the same event while one runs is a conflict."""

    def invite(progress, cancelled):
        progress("scoring")
        result = event_invite(store, event_id, budget=body.budget, region=body.region,
                              strong=body.strong, use_recommender=body.use_recommender)
        invited = result.invitations.invited if result.invitations else []
        accounts.audit(user_id, "invite", "Event", event_id, f"{len(invited)} invited")
        return result

    return jobs.start(invite, name=f"invite {event_id}", kind="invite", subject=event_id,
                      owner=user_id)


# ----------------------------------------------------------------------------- events

@router.get("/events", response_model=EventList)
def list_events(store: StoreDep, viewer: ViewerDep) -> dict:
    """Events by start date: organisers every event in their scope, a firm or an expert
    the events it takes part in."""
    return events_for(store, viewer).to_dict()


@router.post("/events", response_model=EventCreated, status_code=201)
def create_event(body: EventCreateIn, store: StoreDep, session: OrganiserSession,
                 accounts: AccountsDep) -> dict:
    """Create an event with a grid of slots over its days and its tables."""
    made = event_create(
        store, body.name, event_id=body.event_id, days=[d.isoformat() for d in body.days],
        day_start=body.day_start, day_end=body.day_end, slot_minutes=body.slot_minutes,
        tables=body.tables, max_meetings=body.max_meetings, min_score=body.min_score,
        institute_per_firm=body.institute_per_firm,
        one_per_organisation=body.one_per_organisation,
        met_before_cutoff=body.met_before_cutoff.isoformat() if body.met_before_cutoff else None,
        place=body.place, region=body.region, event_type=body.event_type.value,
        organiser=body.organiser, language=body.language)
    accounts.audit(session.user.id, "create", "Event", made.id)
    return made.to_dict()


@router.get("/events/{event_id}", response_model=EventDetailOut)
def get_event(event_id: str, store: StoreDep, viewer: ViewerDep) -> dict:
    return event_detail(store, event_id, viewer=viewer).to_dict()


@router.patch("/events/{event_id}", response_model=EventDetailOut)
def change_event(event_id: str, body: EventUpdateIn, store: StoreDep, viewer: ViewerDep,
                 session: OrganiserSession, accounts: AccountsDep) -> dict:
    """Change an event's settings; the fields left out keep their value."""
    editable_event(store, event_id, viewer)
    changes = body.model_dump(exclude_none=True)
    if changes:
        update_event(store, event_id, **changes)
        accounts.audit(session.user.id, "update", "Event", event_id, ", ".join(changes))
    return event_detail(store, event_id, viewer=viewer).to_dict()


@router.put("/events/{event_id}/grid", response_model=EventDetailOut)
def set_grid(event_id: str, body: GridIn, store: StoreDep, viewer: ViewerDep,
             session: OrganiserSession) -> dict:
    """Replace the event's slots (over `days`) and tables."""
    return event_set_grid(store, event_id, days=[d.isoformat() for d in body.days],
                          day_start=body.day_start, day_end=body.day_end,
                          slot_minutes=body.slot_minutes, tables=body.tables,
                          viewer=viewer).to_dict()


# ----------------------------------------------------------------------------- participants

@router.post("/events/{event_id}/participants", response_model=InvitedOut)
def invite(event_id: str, body: InviteIn, store: StoreDep, viewer: ViewerDep,
           session: OrganiserSession) -> dict:
    """Add firms, experts or institutes (or the firms the record says took part)."""
    windows = [(w.start, w.end) for w in body.availability] if body.availability else None
    return invite_for(store, event_id, body.participants, from_record=body.from_record,
                      viewer=viewer, max_meetings=body.max_meetings, language=body.language,
                      availability=windows).to_dict()


@router.post("/events/{event_id}/invitations", response_model=JobOut, status_code=202)
def choose_invitations(event_id: str, body: InvitationIn, store: StoreDep, viewer: ViewerDep,
                       session: OrganiserSession, accounts: AccountsDep, jobs: JobsDep
                       ) -> dict:
    """Choose `budget` experts/institutes for the firms' needs and invite them, as a job;
    its result is the invitation plan with the needs it covers and those it does not."""
    editable_event(store, event_id, viewer)
    return job_out(start_invitations(store, accounts, jobs, event_id, session.user.id, body))


@router.post("/events/{event_id}/rules", response_model=RuleRecorded, status_code=201)
def add_rule(event_id: str, body: RuleIn, store: StoreDep, viewer: ViewerDep,
             session: OrganiserSession, accounts: AccountsDep) -> dict:
    """Pin, forbid, request (with its answer) or decline one firm–expert pair."""
    editable_event(store, event_id, viewer)
    rule = event_rule(store, event_id, body.kind.value, body.firm, body.helper,
                      status=body.status.value, by=session.user.username, reason=body.reason)
    accounts.audit(session.user.id, f"rule_{rule.kind}", "Event", event_id,
                   f"{body.firm} × {body.helper}")
    return rule.to_dict()


# ----------------------------------------------------------------------------- plan and jobs

@router.post("/events/{event_id}/plan", response_model=JobOut, status_code=202)
def plan(event_id: str, store: StoreDep, viewer: ViewerDep, session: OrganiserSession,
         accounts: AccountsDep, jobs: JobsDep, body: PlanIn | None = None) -> dict:
    """Plan (or re-plan) the meetings as a job. A re-plan keeps every held, published or
    recorded meeting and plans around it."""
    editable_event(store, event_id, viewer)
    body = body or PlanIn()
    return job_out(start_plan(store, accounts, jobs, event_id, session.user.id,
                              use_recommender=body.use_recommender, solver=body.solver))


def event_job(store: GraphStore, jobs: SharedJobs, job_id: str, viewer: Viewer) -> JobRow:
    """A plan or invitation job of an event this viewer may change (imports answer at
    /api/imports); an event out of their scope makes its jobs "not found" too."""
    job = jobs.get_of_kind(job_id, "plan", "invite")
    if job.subject is None:
        raise NotFound("is not a job (finished jobs are kept a while)", value=job_id,
                       where="job")
    try:
        editable_event(store, job.subject, viewer)
    except NotFound:
        raise NotFound("is not a job (finished jobs are kept a while)", value=job_id,
                       where="job") from None
    return job


@router.get("/jobs/{job_id}", response_model=JobOut)
def get_job(job_id: str, store: StoreDep, viewer: ViewerDep, session: OrganiserSession,
            jobs: JobsDep) -> dict:
    """A job's status, stage, steps and, once done, its result (from any worker)."""
    return job_out(event_job(store, jobs, job_id, viewer))


@router.delete("/jobs/{job_id}", response_model=JobOut)
def cancel_job(job_id: str, store: StoreDep, viewer: ViewerDep, session: OrganiserSession,
               jobs: JobsDep) -> dict:
    """Cancel a job, whichever worker runs it; answers its state once it has stopped
    (or after 10 s)."""
    event_job(store, jobs, job_id, viewer)
    return job_out(jobs.cancel(job_id))


@router.post("/events/{event_id}/schedule", response_model=ScheduleOut)
def schedule(event_id: str, store: StoreDep, viewer: ViewerDep, session: OrganiserSession,
             accounts: AccountsDep, body: ScheduleIn | None = None) -> dict:
    """Place the planned meetings in slots and tables (recorded ones keep theirs)."""
    editable_event(store, event_id, viewer)
    body = body or ScheduleIn()
    result = event_schedule(store, event_id, publish=body.publish)
    if body.publish:
        accounts.audit(session.user.id, "publish", "Event", event_id,
                       f"{result.published} meetings")
    return result.to_dict()


@router.post("/events/{event_id}/publish", response_model=Published)
def publish(event_id: str, store: StoreDep, viewer: ViewerDep, session: OrganiserSession,
            accounts: AccountsDep) -> dict:
    """Publish the schedule: scheduled meetings become published."""
    editable_event(store, event_id, viewer)
    result = event_publish(store, event_id)
    accounts.audit(session.user.id, "publish", "Event", event_id,
                   f"{result.published} meetings")
    return result.to_dict()


# ----------------------------------------------------------------------------- meetings

@router.get("/events/{event_id}/meetings", response_model=MeetingListOut)
def event_meetings(event_id: str, store: StoreDep, viewer: ViewerDep) -> dict:
    """The event's meetings: organisers all, a firm or an expert its own."""
    return meeting_list(store, event_id, viewer=viewer).to_dict()


@router.get("/meetings", response_model=MeetingListOut)
def my_meetings(store: StoreDep, viewer: ViewerDep) -> dict:
    """Every meeting the signed-in account may read (a firm's or an expert's own)."""
    return meeting_list(store, viewer=viewer).to_dict()


@router.get("/meetings/{meeting_id}", response_model=MeetingOut)
def get_meeting(meeting_id: str, store: StoreDep, viewer: ViewerDep) -> dict:
    return meeting_detail(store, meeting_id, viewer=viewer).to_dict()


def agenda_response(store: GraphStore, event_id: str, fmt: str, participant: str | None,
                    lang: str | None, viewer: Viewer) -> Response:
    agenda = agenda_for(store, event_id, fmt, participant=participant, lang=lang,
                        viewer=viewer)
    body = agenda.content if isinstance(agenda.content, bytes) else agenda.content.encode()
    media = agenda.media_type + ("; charset=utf-8" if fmt in ("csv", "html", "ics") else "")
    disposition = "inline" if fmt == "html" else "attachment"
    ascii_name = agenda.ascii_file_name  # old clients; filename* names it (RFC 6266)
    return Response(body, media_type=media, headers={
        "Content-Disposition": f"{disposition}; filename=\"{ascii_name}\"; "
                               f"filename*=UTF-8''{quote(agenda.file_name)}"})


AGENDA_RESPONSES: dict[int | str, dict[str, Any]] = {200: {"content": {
    "text/csv": {}, "text/calendar": {}, "text/html": {},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}},
    "description": "The agenda file (Content-Disposition names it)."}}


@router.get("/events/{event_id}/agenda.{fmt}", response_class=Response,
            responses=AGENDA_RESPONSES)
def agenda(event_id: str, fmt: AgendaFormat, store: StoreDep, viewer: ViewerDep,
           participant: Annotated[str | None, Query(max_length=200)] = None,
           lang: Literal["zh", "en"] | None = None) -> Response:
    """The agenda as CSV, XLSX, iCalendar or printable HTML: organisers the programme or
    any participant's, a firm or an expert its own (without scores)."""
    return agenda_response(store, event_id, fmt, participant, lang, viewer)


# ----------------------------------------------------------------------------- outcomes

@router.post("/meetings/{meeting_id}/outcomes", response_model=OutcomeOut, status_code=201)
def record_outcome(meeting_id: str, body: OutcomeIn, store: StoreDep, viewer: ViewerDep,
                   session: OrganiserSession, accounts: AccountsDep) -> dict:
    """Record the post-event outcome or a check-in (m1, m3, m6, m12) of a meeting."""
    editable_meeting(store, meeting_id, viewer)
    result = event_outcome(
        store, meeting_id, body.stage.value, held=body.held,
        rating_need_side=body.rating_need_side, rating_helper_side=body.rating_helper_side,
        intent=body.intent, ledger=body.ledger.value if body.ledger else None,
        contract_value=body.contract_value, unit=body.unit,
        reason_code=body.reason_code.value if body.reason_code else None, reason=body.reason,
        notes=body.notes, by=session.user.username)
    accounts.audit(session.user.id, "record_outcome", "Outcome", result.id,
                   f"{meeting_id} {body.stage.value}")
    return result.to_dict()


@router.post("/meetings/{meeting_id}/follow-ups", response_model=FollowUpAddedOut,
             status_code=201)
def add_follow_up(meeting_id: str, body: FollowUpIn, store: StoreDep, viewer: ViewerDep,
                  session: OrganiserSession, accounts: AccountsDep) -> dict:
    """Give a meeting a follow-up action with an owner and a due date."""
    editable_meeting(store, meeting_id, viewer)
    result = event_add_follow_up(store, meeting_id, body.action, body.owner,
                                 body.due.isoformat())
    accounts.audit(session.user.id, "add_follow_up", "Meeting", meeting_id, body.action)
    return result.to_dict()


@router.get("/follow-ups/overdue", response_model=FollowUpsOut)
def overdue(store: StoreDep, viewer: ViewerDep, session: OrganiserSession,
            event_id: Annotated[str | None, Query(max_length=200)] = None,
            today: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$")] = None
            ) -> dict:
    """Open follow-ups past their due date, most overdue first."""
    return follow_ups_for(store, event_id=event_id, today=today, viewer=viewer).to_dict()
