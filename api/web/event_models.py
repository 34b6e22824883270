"""Request and response models of `/api/events`, `/api/meetings` and `/api/jobs`.

The response models are the documented shapes of the use cases' `to_dict()` (the
same JSON that the CLI's `--json` prints); the request models state every limit.
"""

from __future__ import annotations

from dataclasses import fields as dataclass_fields
from datetime import date
from typing import Any, Literal, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, create_model

from duijie.api.services.event_views import MeetingView
from duijie.api.web.reason_models import ReasonOut
from duijie.graph.vocab import (
    DEFAULT_MAX_MEETINGS,
    DEFAULT_MIN_SCORE,
    EventType,
    LedgerStep,
    OutcomeStage,
    PairRuleKind,
    ReasonCode,
    RequestStatus,
)

HHMM = r"^([01]\d|2[0-3]):[0-5]\d$"
Id = Field(min_length=1, max_length=200)


class In(BaseModel):
    """A request body: unknown fields are refused (a typo is not silently ignored)."""

    model_config = ConfigDict(extra="forbid")


# ----------------------------------------------------------------------------- events

class EventCreateIn(In):
    name: str = Field(min_length=1, max_length=200)
    event_id: str | None = Field(None, min_length=5, max_length=200, pattern=r"^evt:\S+$")
    days: list[date] = Field(default_factory=list, max_length=31)
    day_start: str = Field("09:00", pattern=HHMM)
    day_end: str = Field("12:00", pattern=HHMM)
    slot_minutes: int = Field(30, ge=5, le=480)
    tables: int | list[str] = Field(5, description="How many tables (T1…Tn), or their names.")
    max_meetings: int = Field(DEFAULT_MAX_MEETINGS, ge=1, le=50)
    min_score: float = Field(DEFAULT_MIN_SCORE, ge=0, le=1)
    institute_per_firm: int = Field(0, ge=0, le=20)
    one_per_organisation: bool = False
    met_before_cutoff: date | None = None
    place: str | None = Field(None, max_length=200)
    region: str | None = Field(None, max_length=200)
    event_type: EventType = EventType.OTHER
    organiser: str | None = Field(None, max_length=200)
    language: Literal["zh", "en"] = "zh"


class EventUpdateIn(In):
    """Settings to change; fields left out keep their value."""

    name: str | None = Field(None, min_length=1, max_length=200)
    place: str | None = Field(None, max_length=200)
    region: str | None = Field(None, max_length=200)
    organiser: str | None = Field(None, max_length=200)
    max_meetings_default: int | None = Field(None, ge=1, le=50)
    min_score: float | None = Field(None, ge=0, le=1)
    institute_per_firm: int | None = Field(None, ge=0, le=20)
    one_per_organisation: bool | None = None
    language: Literal["zh", "en"] | None = None


class GridIn(In):
    days: list[date] = Field(min_length=1, max_length=31)
    day_start: str = Field("09:00", pattern=HHMM)
    day_end: str = Field("12:00", pattern=HHMM)
    slot_minutes: int = Field(30, ge=5, le=480)
    tables: int | list[str] = Field(5, description="How many tables (T1…Tn), or their names.")


class NeedRef(BaseModel):
    id: str
    name: str
    illustrative: bool = Field(description="invented demo data (named 示意)")


class ParticipantOut(BaseModel):
    id: str
    name: str
    kind: str
    side: str
    max_meetings: int
    language: str | None
    needs: list[NeedRef]
    illustrative: bool = Field(description="invented demo data (named 示意)")


class PairRuleOut(BaseModel):
    kind: str
    firm: str
    firm_name: str
    helper: str
    helper_name: str
    status: str
    by: str | None
    reason: str | None
    illustrative: bool = Field(description="a side is invented demo data (named 示意)")


class EventDetailOut(BaseModel):
    id: str
    name: str
    place: str | None
    region: str | None
    event_type: str | None
    start_date: str | None
    end_date: str | None
    status: str
    language: str
    max_meetings_default: int
    min_score: float
    slots: list[dict[str, str]]
    tables: list[str]
    participants: list[ParticipantOut]
    pair_rules: list[PairRuleOut]
    meetings: int
    has_record: bool
    illustrative: bool = Field(description="the event is invented demo data (named 示意)")


# ----------------------------------------------------------------------------- participants

class Window(In):
    start: str = Field(min_length=10, max_length=40, description="ISO date-time")
    end: str = Field(min_length=10, max_length=40, description="ISO date-time")


class InviteIn(In):
    participants: list[str] = Field(default_factory=list, max_length=500)
    from_record: bool = Field(False, description="Also add the firms recorded as taking part "
                              "(`participated_in`), giving the event a default grid if it "
                              "has none.")
    max_meetings: int | None = Field(None, ge=1, le=50)
    language: Literal["zh", "en"] | None = None
    availability: list[Window] | None = Field(None, max_length=50)


class InvitationIn(In):
    budget: int = Field(ge=1, le=200, description="How many experts/institutes to invite.")
    region: str | None = Field(None, max_length=100)
    strong: float = Field(0.6, ge=0, le=1)
    use_recommender: bool = True


class InvitationPlanOut(BaseModel):
    invited: list[str]
    covered: dict[str, list[str]]
    uncovered: dict[str, Any]
    covered_weight: float
    total_weight: float
    upper_bound: float
    gains: dict[str, float]
    names: dict[str, str | None]


class InvitedOut(BaseModel):
    event_id: str
    added: list[dict[str, Any]]
    invitations: InvitationPlanOut | None


class RuleIn(In):
    kind: PairRuleKind
    firm: str = Id
    helper: str = Id
    status: RequestStatus = RequestStatus.ACCEPTED
    reason: str | None = Field(None, max_length=500)


# ----------------------------------------------------------------------------- plan, jobs

class PlanIn(In):
    use_recommender: bool = True
    solver: Literal["auto", "flow", "milp", "cpsat"] = "auto"


class PlannedMeetingOut(BaseModel):
    firm: str
    firm_name: str | None
    helper: str
    helper_name: str | None
    score: float
    source: str
    meeting_id: str | None
    reasons: list[ReasonOut]
    illustrative: bool = Field(description="a side is invented demo data (named 示意)")


class PlanOut(BaseModel):
    event_id: str
    event_name: str
    meetings: list[PlannedMeetingOut]
    unassigned: dict[str, str]
    alternates: dict[str, list[list[Any]]]
    diagnostics: list[str]
    covered_firms: int
    weakest_best: float | None
    total_score: float
    solver: str
    names: dict[str, str | None]
    kept: list[str]


class JobFields(BaseModel):
    """A job's state as `api.jobs.job_dict` gives it; each kind adds its `result`."""

    id: str
    name: str
    kind: str
    subject: str | None
    status: Literal["pending", "running", "done", "failed", "cancelled"]
    stage: str
    steps: int
    done: int  # within the stage, when it is counted: done of total (else 0 of 0)
    total: int
    started_at: str | None
    finished_at: str | None
    error: str | None


class JobOut(JobFields):
    result: PlanOut | InvitedOut | None


class ScheduleIn(In):
    publish: bool = False


class PlacementOut(BaseModel):
    meeting: str
    meeting_name: str | None
    slot: str
    table: str
    start: str
    end: str
    fixed: bool
    firm: str | None
    firm_name: str | None
    helper: str | None
    helper_name: str | None
    illustrative: bool = Field(description="a side is invented demo data (named 示意)")


class ScheduleOut(BaseModel):
    event_id: str
    placements: list[PlacementOut]
    unplaced: dict[str, str]
    unplaced_names: dict[str, str | None]
    idle_gaps: int
    idle_gaps_by_participant: dict[str, int]
    published: int


# ----------------------------------------------------------------------------- meetings

class OutcomeSeen(BaseModel):
    id: str
    stage: str | None
    held: bool | None
    intent: bool | None
    ledger: str | None
    rating_need_side: int | None
    rating_helper_side: int | None
    contract_value_wan: float | None
    reason_code: str | None
    reason: str | None
    notes: str | None
    recorded_at: str | None


class FollowUpOut(BaseModel):
    action: str
    owner: str
    due: str
    done: bool


def _typed_like(result: type, name: str, doc: str, **typed: Any) -> type[BaseModel]:
    """A response model with exactly the fields of a use case's result dataclass (its
    `to_dict()` keys, in order), each typed as the dataclass says unless `typed` gives
    the nested shape: the fields are written once, in the use case."""
    hints = get_type_hints(result)
    return create_model(name, __doc__=doc, **{
        f.name: typed.get(f.name, (hints[f.name], ...)) for f in dataclass_fields(result)})


MeetingOut = _typed_like(
    MeetingView, "MeetingOut", "One meeting as its reader may see it (`MeetingView`).",
    score=(float | None, Field(description="Only for organisers.")),
    reasons=(list[ReasonOut], ...), needs=(list[NeedRef], ...),
    outcomes=(list[OutcomeSeen], ...), follow_ups=(list[FollowUpOut], ...))


class MeetingListOut(BaseModel):
    event_id: str | None
    meetings: list[MeetingOut]


class OutcomeIn(In):
    stage: OutcomeStage = OutcomeStage.POST_EVENT
    held: bool | None = None
    rating_need_side: int | None = Field(None, ge=1, le=5)
    rating_helper_side: int | None = Field(None, ge=1, le=5)
    intent: bool | None = None
    ledger: LedgerStep | None = None
    contract_value: float | None = Field(None, ge=0, description="In 万元.")
    unit: str = Field("万元", max_length=20)
    reason_code: ReasonCode | None = None
    reason: str | None = Field(None, max_length=1000)
    notes: str | None = Field(None, max_length=2000)


class MeetingSummaryOut(BaseModel):
    id: str
    name: str
    event_id: str | None
    status: str | None
    firm: str | None
    firm_name: str | None
    helper: str | None
    helper_name: str | None
    slot: str | None
    table: str | None
    start: str | None
    illustrative: bool = Field(description="a side is invented demo data (named 示意)")


class OutcomeOut(BaseModel):
    id: str
    kind: str
    props: dict[str, Any]
    aliases: list[str]
    confidentiality: str
    provenance: list[dict[str, Any]]
    meeting: MeetingSummaryOut
    need_status: dict[str, str]


class FollowUpIn(In):
    action: str = Field(min_length=1, max_length=500)
    owner: str = Field(min_length=1, max_length=200)
    due: date


class FollowUpAddedOut(BaseModel):
    action: str
    owner: str
    due: str
    done: bool
    meeting: MeetingSummaryOut


class OverdueOut(BaseModel):
    meeting_id: str
    meeting: str
    index: int
    event_id: str | None
    action: str
    owner: str
    due: str
    days_overdue: int
    illustrative: bool = Field(description="the meeting is invented demo data (示意)")


class FollowUpsOut(BaseModel):
    today: str
    event_id: str | None
    follow_ups: list[OverdueOut]
