"""The knowledge-graph model: node and edge kinds, their properties, provenance.

Records are plain dataclasses so that algorithms and backends can pass them
around without a database; `validate_node` and `validate_edge` check them against
the per-kind property schemas (pydantic models that refuse unknown fields).

>>> need = Node(id="need:demo", kind="Need",
...             props={"title": "红外探测器降噪", "need_type": "technology"},
...             provenance=[Provenance(source="user:demo")])
>>> validate_node(need).props["status"]
'submitted'
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from duijie.graph.errors import InvalidInput, Said, Where
from duijie.graph.import_words import CellError
from duijie.graph.vocab import (
    Confidentiality,
    EventStatus,
    EventType,
    FigureQualifier,
    LedgerStep,
    MatchReason,
    MeetingSource,
    MeetingStatus,
    NeedStatus,
    NeedType,
    OutcomeStage,
    PairRuleKind,
    ReasonCode,
    RequestStatus,
    illustrative_mark,
    values,
)

MAX_TEXT = 20_000
"""Longest free-text property (characters): a whole report, not a 10 MB cell."""

MAX_NAME = 300
MAX_ID = 200

NODE_KINDS = (
    "Enterprise", "Need", "Institute", "Expert", "Programme", "Event",
    "Meeting", "Outcome", "Topic", "Industry", "Region", "Official", "Theme", "RoutingTable",
)
ORGANISATION_KINDS = ("Enterprise", "Institute")
ID_PREFIX = {
    "Enterprise": "ent", "Need": "need", "Institute": "inst", "Expert": "exp",
    "Programme": "prog", "Event": "evt", "Meeting": "mtg", "Outcome": "out",
    "Topic": "topic", "Industry": "ind", "Region": "reg", "Official": "off",
    "Theme": "theme", "RoutingTable": "route",
}


ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
ISO_DATETIME = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?)?$"
CREDIT_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")

Text = Annotated[str, Field(max_length=MAX_TEXT)]
Name = Annotated[str, Field(min_length=1, max_length=MAX_NAME)]
ShortList = Annotated[list[Annotated[str, Field(max_length=MAX_NAME)]], Field(max_length=500)]


def _real_day(value: str) -> str:
    """A date that exists on the calendar (the pattern alone lets 2024-13-01 through)."""
    try:
        date.fromisoformat(value[:10])
    except ValueError as exc:
        raise CellError("not_calendar_day", reason=str(exc)) from None
    return value


IsoDate = Annotated[str, Field(pattern=ISO_DATE), AfterValidator(_real_day)]
IsoDateTime = Annotated[str, Field(pattern=ISO_DATETIME), AfterValidator(_real_day)]
NonNegative = Annotated[float, Field(ge=0)]


class _Props(BaseModel):
    """Fields every kind may carry."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    description: Text | None = None
    illustrative: bool = False  # invented for demos; never a fact about a real person
    tags: ShortList = []


class EnterpriseProps(_Props):
    name: Name
    legal_name: Name | None = None
    credit_code: str | None = None  # 统一社会信用代码: an exact key that beats fuzzy matching
    region: Name | None = None
    industry: Name | None = None
    revenue_wan: NonNegative | None = None  # 营业收入, 万元
    employees: Annotated[int, Field(ge=0)] | None = None
    rd_ratio_pct: Annotated[float, Field(ge=0, le=100)] | None = None  # R&D spend / revenue, %
    flags: ShortList = []  # 高新技术企业, 科技型中小企业, 单项冠军示范企业, …
    founded_year: Annotated[int, Field(ge=1800, le=2100)] | None = None
    listed: bool | None = None
    group: Name | None = None  # parent group, for conflicts of interest
    website: Name | None = None

    @field_validator("credit_code")
    @classmethod
    def _credit_code(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        value = value.strip().upper()
        if not CREDIT_CODE.match(value):
            raise CellError("not_credit_code")
        return value


class ProblemStep(BaseModel):
    """One dated step of handling a problem (协调推进): who did what, when."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    on: IsoDate
    text: Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]
    by: Name | None = None


class ProblemLedger(BaseModel):
    """A problem's place in the ledger (台账): who answers for it, by when, what was done.

    The responsible department is the need's `department` and the answer its
    `resolution`; a problem is closed (销号) only with an answer the firm has seen.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    opened_on: IsoDate | None = None
    person: Name | None = None  # an Official's id, or a person's name
    due: IsoDate | None = None
    steps: Annotated[list[ProblemStep], Field(max_length=1000)] = []
    answered_on: IsoDate | None = None
    firm_seen_on: IsoDate | None = None  # the firm has seen the answer
    closed_on: IsoDate | None = None
    escalated_on: IsoDate | None = None
    escalated_to: Name | None = None
    raised_in: Name | None = None  # the Event or Meeting where the firm raised it
    raised_by: Name | None = None  # the Official who heard it on a contact visit
    routed_by: Name | None = None  # the routing rule that chose the department


class NeedProps(_Props):
    title: Name
    text: Text | None = None
    need_type: NeedType = NeedType.TECHNOLOGY
    status: NeedStatus = NeedStatus.SUBMITTED
    owner: Name | None = None  # the broker or user responsible for the need
    tech_field: Name | None = None
    trl: Annotated[int, Field(ge=1, le=9)] | None = None  # technology readiness level
    ip_status: Literal["none", "pending", "granted", "licensed", "unknown"] | None = None
    budget_wan: NonNegative | None = None
    deadline: IsoDate | None = None
    priority: Annotated[int, Field(ge=1, le=5)] = 3
    department: Name | None = None  # for problems: the department that must act
    submitted_at: IsoDate | None = None
    resolution: Text | None = None
    region: Name | None = None
    ledger: ProblemLedger | None = None
    shared_with: ShortList | None = None  # experts an organiser shared it with (ids)


class InstituteProps(_Props):
    name: Name
    institute_type: Literal[
        "university", "research_institute", "innovation_centre", "laboratory",
        "platform", "government", "association", "company_rd", "financial", "other",
    ] = "research_institute"
    region: Name | None = None
    website: Name | None = None
    country: Name | None = None


class ExpertDoc(BaseModel):
    """One thing an expert did: a project, a paper, an achievement, a patent."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    id: Name
    kind: Literal["project", "paper", "achievement", "patent", "lab", "bio"] = "project"
    title: Name | None = None
    text: Text
    year: Annotated[int, Field(ge=1900, le=2100)] | None = None


class ExpertProps(_Props):
    name: Name
    title: Name | None = None  # 职称: 教授, 研究员, 高级工程师
    affiliation: Name | None = None
    fields: ShortList = []
    languages: ShortList = ["zh"]
    region: Name | None = None
    docs: Annotated[list[ExpertDoc], Field(max_length=1000)] = []
    max_meetings: Annotated[int, Field(ge=0)] | None = None


class EligibilityRule(BaseModel):
    """One condition of a programme, as data: `rd_ratio_pct >= 3`."""

    model_config = ConfigDict(extra="forbid")
    field: Name
    op: Literal[">=", ">", "<=", "<", "==", "!=", "in", "not_in", "has_flag", "before",
                "to_check", "years_since"]
    value: Any = None  # none for a `to_check` criterion
    label: Name | None = None  # how an organiser reads it: 研发投入占比不低于3%
    label_en: Name | None = None  # the same in English (a `to_check` condition's words)
    by: Name | None = None  # a tiered threshold: `value` is [[up to, threshold], …] of `by`
    source: Text | None = None  # where the criterion is published (国科发火〔2016〕32号 …)
    illustrative: bool | None = None  # True: a simplified, invented threshold (示意)


class ProgrammeProps(_Props):
    name: Name
    level: Literal["national", "provincial", "city", "county", "international"] = "provincial"
    department: Name | None = None
    rules: Annotated[list[EligibilityRule], Field(max_length=100)] = []
    required_flags: ShortList = []
    regions: ShortList = []
    industries: ShortList = []
    deadline: IsoDate | None = None
    benefit: Text | None = None
    value_wan: NonNegative | None = None  # typical support to one firm, 万元: ranks pushes
    grants_flag: Name | None = None  # the flag a firm holds once awarded (高新技术企业)


class _Nested(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class EventSlot(_Nested):
    """One time slot of an event (local time, Asia/Shanghai unless an offset is given)."""

    id: Name
    start: IsoDateTime
    end: IsoDateTime


class EventWindow(_Nested):
    start: IsoDateTime
    end: IsoDateTime


class EventParticipant(_Nested):
    """A firm or a helper (expert, institute) taking part, with its own limits."""

    id: Name
    side: Literal["firm", "helper"]
    max_meetings: Annotated[int, Field(ge=0)] | None = None
    language: Name | None = None
    availability: Annotated[list[EventWindow], Field(max_length=100)] | None = None
    needs: ShortList = []  # the firm's needs brought to this event


class PairRule(_Nested):
    """A request, decline, pin, forbid or met-before exclusion between a firm and a helper."""

    kind: Literal[values(PairRuleKind)]
    firm: Name
    helper: Name
    status: Literal[values(RequestStatus)] = "accepted"
    by: Name | None = None
    reason: Name | None = None


class FollowUp(_Nested):
    action: Name
    owner: Name
    due: IsoDate
    done: bool = False


class PublishedFigure(_Nested):
    """A figure a document gives for an event, with its qualifier and the quote it is from:
    "40余名高校专家" is ``{"measure": "experts", "value": 40, "qualifier": "more_than",
    "unit": "名", "quote": "40余名"}``."""

    measure: Name  # what is counted: firms, cooperation_reached, experts, needs, problems …
    value: Annotated[float, Field(ge=0)]
    qualifier: Literal[values(FigureQualifier)] = "exact"
    unit: Annotated[str, Field(max_length=10)] = ""
    label: Name | None = None  # what the document calls it: 省外浙江商会, 国际科技合作创新载体
    quote: Text


class EventProps(_Props):
    name: Name
    event_type: Literal[values(EventType)] = "other"
    place: Name | None = None
    region: Name | None = None
    start_date: IsoDate | None = None
    end_date: IsoDate | None = None
    organiser: Name | None = None
    firms: Annotated[int, Field(ge=0)] | None = None  # published figures
    cooperation_reached: Annotated[int, Field(ge=0)] | None = None
    agreements: Annotated[int, Field(ge=0)] | None = None
    experts: Annotated[int, Field(ge=0)] | None = None
    projects: Annotated[int, Field(ge=0)] | None = None
    figures: Annotated[list[PublishedFigure], Field(max_length=100)] = []  # every one published
    status: Literal[values(EventStatus)] = "planned"
    # planning settings (api/services/events.py)
    slots: Annotated[list[EventSlot], Field(max_length=2000)] = []
    tables: ShortList = []
    language: Literal["zh", "en"] = "zh"
    participants: Annotated[list[EventParticipant], Field(max_length=20_000)] = []
    pair_rules: Annotated[list[PairRule], Field(max_length=100_000)] = []
    max_meetings_default: Annotated[int, Field(ge=0)] | None = None
    min_score: Annotated[float, Field(ge=0, le=1)] | None = None
    institute_per_firm: Annotated[int, Field(ge=0)] | None = None
    one_per_organisation: bool | None = None
    met_before_cutoff: IsoDate | None = None
    invited: ShortList = []


_REASON_CODES = values(MatchReason)  # named here: the model's field `values` hides the function


class MatchReasonRecord(BaseModel):
    """A structured reason why a pair fits (`graph.vocab.MatchReason`): the code, the
    names it shows (``values``) and the ids of the records they name."""

    model_config = ConfigDict(extra="forbid")

    code: Literal[_REASON_CODES]
    values: Annotated[dict[Annotated[str, Field(max_length=40)],
                           Name | Annotated[list[Name], Field(max_length=50)]],
                      Field(max_length=20)] = {}
    ids: Annotated[dict[Annotated[str, Field(max_length=40)], Name],
                   Field(max_length=20)] = {}


StoredReasons = Annotated[list[MatchReasonRecord | Annotated[str, Field(max_length=MAX_NAME)]],
                          Field(max_length=500)]
"""A meeting's reasons: structured, or words stored before reasons had codes."""


class MeetingProps(_Props):
    name: Name | None = None
    event_id: Name | None = None
    start: IsoDateTime | None = None
    end: IsoDateTime | None = None
    table: Name | None = None
    status: Literal[values(MeetingStatus)] = "proposed"
    score: float | None = None
    reasons: StoredReasons = []
    firm_id: Name | None = None
    helper_id: Name | None = None
    slot_id: Name | None = None
    source: Literal[values(MeetingSource)] | None = None
    alternates: ShortList = []  # ranked stand-ins for the helper if it does not show
    replaces: Name | None = None  # the no-show meeting an alternate meeting stands in for
    follow_ups: Annotated[list[FollowUp], Field(max_length=200)] = []


class OutcomeProps(_Props):
    name: Name | None = None
    stage: Literal[values(OutcomeStage)] = "post_event"
    held: bool | None = None
    rating_need_side: Annotated[int, Field(ge=1, le=5)] | None = None
    rating_helper_side: Annotated[int, Field(ge=1, le=5)] | None = None
    intent: bool | None = None
    ledger: Literal[values(LedgerStep)] | None = None
    contract_value_wan: NonNegative | None = None
    reason: Name | None = None
    notes: Text | None = None
    recorded_at: IsoDateTime | None = None
    reason_code: Literal[values(ReasonCode)] | None = None
    meeting_id: Name | None = None


class ContactRecord(_Nested):
    """One contact an official made with a firm (双向联系), and the problems it raised."""

    firm: Name
    on: IsoDate
    note: Text | None = None
    problems: ShortList = []  # ids of the Needs raised on this contact


class OfficialProps(_Props):
    """A person of the office who keeps contact with firms and answers for problems."""

    name: Name
    department: Name
    title: Name | None = None
    fields: ShortList = []  # topics and industries the official knows
    regions: ShortList = []
    # firms they can keep contact with: 1 or more (the plan gives an official of 0 nothing,
    # so adding one is refused as editing one to 0 is)
    capacity: Annotated[int, Field(ge=1, le=10_000)] = 20
    contacts: Annotated[list[ContactRecord], Field(max_length=20_000)] = []


class ThemeRun(BaseModel):
    """The clustering that made a stored theme: how many themes, chosen how, and when."""

    model_config = ConfigDict(extra="forbid")
    criterion: Annotated[str, Field(max_length=MAX_TEXT)]
    k: Annotated[int, Field(ge=0)]
    silhouette: float | None = None
    tried: dict[str, float] = {}
    computed_at: IsoDateTime
    needs: Annotated[int, Field(ge=0)] = 0  # open needs clustered


class ThemeProps(_Props):
    """A challenge-list theme as stored: computed by a clustering run, or edited by an
    organiser (pinned: kept as it is when the needs are clustered again)."""

    name: Name
    renamed: bool = False  # the organiser's name, kept over the computed terms
    needs: Annotated[list[Annotated[str, Field(max_length=MAX_ID)]],
                     Field(max_length=200_000)] = []
    terms: ShortList = []  # its most telling words, most telling first
    pinned: bool = True  # False: computed, replaced by the next run (stored before: edited)
    run: ThemeRun | None = None


class RoutingRuleProps(BaseModel):
    """Problems of `need_type` ("*": any) in `region` ("*": anywhere) go to `department`."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    need_type: Literal[(*values(NeedType), "*")] = "*"
    region: Name = "*"
    department: Name
    due_days: Annotated[int, Field(ge=1, le=3650)] = 30


class RoutingTableProps(_Props):
    """The office's problem routing table (分办规则), edited by organisers: the rules,
    the departments they may name, and when an overdue problem counts as escalated."""

    name: Name = "问题分办规则"
    rules: Annotated[list[RoutingRuleProps], Field(max_length=5000)] = []
    departments: ShortList = []
    escalate_after_days: Annotated[int, Field(ge=0, le=3650)] = 15
    default_due_days: Annotated[int, Field(ge=1, le=3650)] = 30


class VocabularyProps(_Props):
    name: Name
    name_en: Name | None = None
    synonyms: ShortList = []


class RegionProps(VocabularyProps):
    level: Literal[
        "country", "province", "city", "county", "district", "town", "zone",
    ] | None = None


class IndustryProps(VocabularyProps):
    code: Name | None = None


PROPS_SCHEMAS: dict[str, type[_Props]] = {
    "Enterprise": EnterpriseProps, "Need": NeedProps, "Institute": InstituteProps,
    "Expert": ExpertProps, "Programme": ProgrammeProps, "Event": EventProps,
    "Meeting": MeetingProps, "Outcome": OutcomeProps, "Topic": VocabularyProps,
    "Industry": IndustryProps, "Region": RegionProps, "Official": OfficialProps,
    "Theme": ThemeProps, "RoutingTable": RoutingTableProps,
}
_REQUIRED = {kind: tuple(name for name, f in schema.model_fields.items() if f.is_required())
             for kind, schema in PROPS_SCHEMAS.items()}

_ANY_ORG = ("Enterprise", "Institute")
_ACTORS = ("Enterprise", "Institute", "Expert")
_HELPERS = ("Expert", "Institute", "Enterprise")

EDGE_KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # kind: (allowed source kinds, allowed target kinds)
    "submitted": (("Enterprise",), ("Need",)),
    "affiliated_with": (("Expert",), _ANY_ORG),
    "has_expertise": (_ACTORS, ("Topic",)),
    "about_topic": (("Need", "Programme", "Event"), ("Topic",)),
    "in_industry": (("Enterprise", "Need", "Institute", "Event"), ("Industry",)),
    "located_in": (("Enterprise", "Institute", "Expert", "Event", "Need"), ("Region",)),
    "part_of": (("Region", "Topic", "Industry", "Institute", "Enterprise"),
                ("Region", "Topic", "Industry", "Institute", "Enterprise")),
    "collaborated_with": (_ACTORS, _ACTORS),
    "participated_in": (_ACTORS, ("Event",)),
    "supports": (("Programme",), ("Topic", "Industry", "Region")),
    "awarded": (_ANY_ORG, ("Programme",)),
    "applied_for": (("Enterprise",), ("Programme",)),
    "contact_for": (("Official",), ("Enterprise",)),
    "eligible_for": (("Enterprise",), ("Programme",)),
    "met": (("Need",), _HELPERS),
    "signed": (("Need",), _HELPERS),
    "has_meeting": (("Event",), ("Meeting",)),
    "involves": (("Meeting",), ("Need", "Enterprise", "Expert", "Institute")),
    "has_outcome": (("Meeting",), ("Outcome",)),
    "organised_by": (("Event",), _ANY_ORG),
}

_ID_RE = re.compile(r"^[^\s\x00-\x1f]{1,200}$")  # 200 == MAX_ID


@dataclass(frozen=True)
class Provenance:
    """Where a fact came from: a seed file and quote, an import file and row, a user."""

    source: str  # "seed:000_6e910e093a9df034.txt", "import:needs.csv", "user:alice", "generated"
    quote: str | None = None
    row: int | None = None
    field: str | None = None
    user: str | None = None
    at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Provenance:
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise InvalidInput("unknown provenance field(s)", value=sorted(unknown))
        if not data.get("source"):
            raise InvalidInput("provenance needs a 'source'")
        return cls(**data)


MARKED_KINDS = frozenset({"Enterprise", "Institute", "Expert", "Need", "Event", "Programme",
                          "Official"})
"""Kinds whose invented records are facts about someone and are marked 示意 wherever shown
(a generated contact official is an invented person too; vocabulary kinds, regions, topics
and industries, are scaffolding, not claims)."""


def shown_name(kind: str | None, props: dict[str, Any], fallback: str = "",
               lang: str = "zh") -> str:
    """A record's name as a person reads it: marked when the record is illustrative.

    The one place the mark is attached; the store's projection (so recommendation
    items and graph paths), event names lists, agendas and replays all read it.

    >>> shown_name("Institute", {"name": "示例西安光电研究所", "illustrative": True})
    '示例西安光电研究所（示意）'
    >>> shown_name("Institute", {"name": "示例研究所", "illustrative": True}, lang="en")
    '示例研究所 (illustrative)'
    >>> shown_name("Topic", {"name": "红外探测", "illustrative": True})
    '红外探测'
    """
    name = str(props.get("name") or props.get("title") or fallback)
    if kind in MARKED_KINDS:
        name += illustrative_mark(props.get("illustrative"), lang)
    return name


def mark_quoted_names(text: str, nodes: Iterable[Node]) -> str:
    """`text` with each invented record's name among `nodes` marked where it is quoted
    whole (evidence that quotes the names it compared); a name inside a longer word,
    or already marked, is left alone.

    >>> a = Node("ent:a", "Enterprise", {"name": "示例甲科技", "illustrative": True})
    >>> mark_quoted_names("names 甲科技 / 示例甲科技: characters 80%", [a])
    'names 甲科技 / 示例甲科技（示意）: characters 80%'
    >>> mark_quoted_names("示例甲科技有限公司 / 示例甲科技（示意）", [a])
    '示例甲科技有限公司 / 示例甲科技（示意）'
    """
    for node in nodes:
        if node.illustrative and node.kind in MARKED_KINDS and node.name in text:
            text = re.sub(rf"(?<!\w){re.escape(node.name)}(?![\w（(]| \(illustrative\))",
                          lambda _, shown=node.shown_name: shown, text)
    return text


def meeting_props(firm: Node, helper: Node) -> dict[str, Any]:
    """A meeting's name and illustrative flag from its two sides: the names as people
    read them, and the meeting invented when either side is.

    >>> a = Node("ent:a", "Enterprise", {"name": "示例甲", "illustrative": True})
    >>> meeting_props(a, Node("inst:b", "Institute", {"name": "乙大学"}))
    {'name': '示例甲（示意） × 乙大学', 'illustrative': True}
    """
    return {"name": f"{firm.shown_name} × {helper.shown_name}",
            "illustrative": firm.illustrative or helper.illustrative}


@dataclass
class Node:
    """A typed node: stable id, kind, validated props, aliases, provenance.

    `rev` is the stored revision a store read the node at (bumped by every write
    of it; 0 for a node not read from a store). It is bookkeeping, not content:
    it is left out of equality, `repr` and `to_dict` (so exports do not change),
    and a write passes it back as `WriteBatch.upsert_node(..., expect_rev=…)`.
    """

    id: str
    kind: str
    props: dict[str, Any] = field(default_factory=dict)
    aliases: list[str] = field(default_factory=list)
    provenance: list[Provenance] = field(default_factory=list)
    confidentiality: str = Confidentiality.PUBLIC.value
    rev: int = field(default=0, compare=False, repr=False, kw_only=True)

    @property
    def name(self) -> str:
        return str(self.props.get("name") or self.props.get("title") or self.id)

    @property
    def illustrative(self) -> bool:
        """True for a record invented for the demo (shown marked 示意)."""
        return bool(self.props.get("illustrative"))

    @property
    def shown_name(self) -> str:
        """The name as a person reads it: an invented (illustrative) record is marked 示意
        (`shown_name`)."""
        return shown_name(self.kind, self.props, self.id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "kind": self.kind, "props": self.props,
            "aliases": list(self.aliases), "confidentiality": self.confidentiality,
            "provenance": [p.to_dict() for p in self.provenance],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Node:
        return cls(
            id=data["id"], kind=data["kind"], props=dict(data.get("props") or {}),
            aliases=list(data.get("aliases") or []),
            provenance=[Provenance.from_dict(p) for p in data.get("provenance") or []],
            confidentiality=data.get("confidentiality") or Confidentiality.PUBLIC.value,
        )


@dataclass
class Edge:
    """A typed, directed edge; `key` tells apart parallel edges of one kind."""

    src: str
    kind: str
    dst: str
    props: dict[str, Any] = field(default_factory=dict)
    provenance: list[Provenance] = field(default_factory=list)
    key: str = ""

    @property
    def id(self) -> str:
        return edge_id(self.src, self.kind, self.dst, self.key)

    def to_dict(self) -> dict[str, Any]:
        out = {"src": self.src, "kind": self.kind, "dst": self.dst, "props": self.props,
               "provenance": [p.to_dict() for p in self.provenance]}
        if self.key:
            out["key"] = self.key
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Edge:
        return cls(
            src=data["src"], kind=data["kind"], dst=data["dst"],
            props=dict(data.get("props") or {}), key=data.get("key") or "",
            provenance=[Provenance.from_dict(p) for p in data.get("provenance") or []],
        )


def edge_id(src: str, kind: str, dst: str, key: str = "") -> str:
    """The stable id of an edge.

    >>> edge_id("ent:a", "submitted", "need:b")
    'ent:a|submitted|need:b'
    """
    base = f"{src}|{kind}|{dst}"
    return f"{base}|{key}" if key else base


def new_id(kind: str, *parts: str) -> str:
    """A stable id derived from the parts that identify a record.

    The same parts always give the same id, so re-importing a file updates
    rather than duplicates.

    >>> new_id("Enterprise", "浙江大立科技") == new_id("Enterprise", "浙江大立科技")
    True
    >>> new_id("Need", "x").startswith("need:")
    True
    """
    if kind not in ID_PREFIX:
        raise InvalidInput("is not a node kind", value=kind,
                           where=f"known kinds: {', '.join(NODE_KINDS)}")
    digest = hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=6).hexdigest()
    return f"{ID_PREFIX[kind]}:{digest}"


# Edge properties are few and shared across kinds; validated here as a flat allow-list.
EDGE_PROPS: dict[str, type] = {
    "weight": float, "year": int, "result": str, "role": str, "score": float,
    "value_wan": float, "date": str, "meeting_id": str, "note": str, "illustrative": bool,
    "since": str, "status": str, "source_event": str,
}


def check_id(value: Any, where: str) -> str:
    if not isinstance(value, str) or not _ID_RE.match(value):
        raise InvalidInput(
            f"is not a valid id (1-{MAX_ID} characters, no spaces or control characters)",
            value=value if not isinstance(value, str) else value[:80], where=where)
    return value


def check_kind(kind: Any, where: str = "kind") -> str:
    if kind not in PROPS_SCHEMAS:
        raise InvalidInput("is not a node kind", value=kind,
                           where=f"{where} (known: {', '.join(NODE_KINDS)})")
    return kind


def _pydantic_problems(exc: ValidationError, where: str) -> list[str]:
    problems = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(record)"
        value = err.get("input")
        shown = repr(value) if not isinstance(value, str) or len(value) < 60 else (
            repr(value[:57] + "…") + f" ({len(value)} characters)")
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = "unknown property"
        problems.append(f"{where}, field {loc}: {shown} {message}")
    return problems


_LIMIT_WORDS = {  # a pydantic error type: its refusal key, and the context value it names
    "greater_than_equal": ("model.ge", "ge"), "less_than_equal": ("model.le", "le"),
    "greater_than": ("model.gt", "gt"), "less_than": ("model.lt", "lt"),
    "string_too_long": ("model.too_long", "max_length"),
    "too_long": ("model.too_long", "max_length"),
    "string_too_short": ("model.too_short", "min_length"),
    "too_short": ("model.too_short", "min_length")}


def _keyed_problems(exc: ValidationError) -> list[Said]:
    """The schema's problems as message keys (the place is the error's own `Where`).

    >>> from pydantic import BaseModel, Field
    >>> class P(BaseModel):
    ...     n: int = Field(ge=0)
    >>> try:
    ...     P.model_validate({"n": -5})
    ... except ValidationError as exc:
    ...     [p.text("zh") for p in _keyed_problems(exc)]
    ['字段 n：-5 不能小于 0']
    """
    problems = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err["loc"]) or "-"
        kind, context = err["type"], err.get("ctx") or {}
        if kind in _LIMIT_WORDS:
            key, name = _LIMIT_WORDS[kind]
            limit = context.get(name)
            reason = Said(key, limit=int(limit) if isinstance(limit, float)
                          and limit.is_integer() else limit)
        elif kind in ("literal_error", "enum"):
            reason = Said("model.one_of", choices=str(context.get("expected", "")))
        elif kind == "extra_forbidden":
            reason = Said("model.unknown")
        elif kind == "missing":
            problems.append(Said("model.field_required", field=field))
            continue
        else:
            reason = Said("model.not_valid", reason=err["msg"])
        value = err.get("input")
        shown = str(value) if len(str(value)) <= 60 else str(value)[:57] + "…"
        problems.append(Said("model.field_problem", field=field, value=shown, reason=reason))
    return problems


def validate_props(kind: str, props: dict[str, Any], where: str | Where = "",
                   partial: bool = False) -> dict[str, Any]:
    """Check `props` against the schema of `kind`; return them normalised.

    With `partial`, required fields may be missing (an update of some fields). A keyed
    `where` (`Where`) gives a keyed refusal, read in either language.

    >>> validate_props("Enterprise", {"name": "巨石集团", "revenue_wan": 10})["revenue_wan"]
    10.0
    >>> validate_props("Enterprise", {"name": "x", "revenue_wan": -5})
    Traceback (most recent call last):
    ...
    duijie.graph.errors.InvalidInput: Enterprise: invalid properties
      Enterprise, field revenue_wan: -5 Input should be greater than or equal to 0
    """
    check_kind(kind)
    where = where or kind
    schema = PROPS_SCHEMAS[kind]
    missing = {name: "-" for name, f in schema.model_fields.items()
               if partial and f.is_required() and name not in props}
    try:
        model = schema.model_validate({**props, **missing})
    except ValidationError as exc:
        if isinstance(where, Where):
            error = InvalidInput(key="model.invalid", where=where, problems=_keyed_problems(exc))
        else:
            error = InvalidInput("invalid properties", where=where,
                                 problems=_pydantic_problems(exc, where))
        error.schema_errors = exc.errors(include_url=False)  # an import words them by type
        raise error from None
    data = model.model_dump(mode="json", exclude_none=True)
    # A partial update holds only what the caller gave, so that merging it can never
    # reset a stored prop to its default; a whole record gets its non-empty defaults
    # (empty lists and False are left out to keep records small).
    if partial:
        return {k: v for k, v in data.items() if k in props and k not in missing}
    return {k: v for k, v in data.items() if k in props or not (v == [] or v is False)}


@cache
def _schema_defaults(kind: str) -> dict[str, Any]:
    schema = PROPS_SCHEMAS[kind]
    required = {name for name, f in schema.model_fields.items() if f.is_required()}
    data = schema.model_validate({name: "-" for name in required}).model_dump(
        mode="json", exclude_none=True)
    return {k: v for k, v in data.items() if k not in required and not (v == [] or v is False)}


def with_defaults(node: Node) -> Node:
    """The node with the schema defaults it does not hold, as full validation adds them
    (a node checked field by field on upsert is then stored like a merged one).

    >>> with_defaults(Node("exp:w", "Expert", {"name": "王"})).props["languages"]
    ['zh']
    """
    missing = {k: v for k, v in _schema_defaults(node.kind).items() if k not in node.props}
    if not missing:
        return node
    return replace(node, props={**json.loads(json.dumps(missing)), **node.props})


def validate_node(node: Node, where: str = "", partial: bool = False) -> Node:
    """Validate a node and return a normalised copy (`partial`: an update)."""
    where = where or f"node {node.id!r}"
    check_id(node.id, f"{where}, field id")
    check_kind(node.kind, f"{where}, field kind")
    props = validate_props(node.kind, node.props, where, partial)
    try:
        conf = Confidentiality(node.confidentiality).value
    except ValueError:
        raise InvalidInput("is not a confidentiality level (public, internal, confidential)",
                           value=node.confidentiality, where=f"{where}, field confidentiality"
                           ) from None
    return replace(node, props=props, aliases=validate_aliases(node.aliases, where),
                   confidentiality=conf)


def validate_aliases(aliases: list[str], where: str) -> list[str]:
    """Aliases stripped and without repeats; raises on an empty or over-long one.

    >>> validate_aliases([" 大立 ", "大立", "大立科技"], "row 2")
    ['大立', '大立科技']
    """
    out: list[str] = []
    for alias in aliases:
        if not isinstance(alias, str) or not alias.strip() or len(alias) > MAX_NAME:
            raise InvalidInput("is not a valid alias", value=alias, where=f"{where}, aliases")
        if alias.strip() not in out:
            out.append(alias.strip())
    return out


def has_required(kind: str, props: dict[str, Any]) -> bool:
    """True if `props` has every field the schema of `kind` requires (name, title).

    >>> has_required("Need", {"title": "降噪"}), has_required("Need", {"trl": 3})
    (True, False)
    """
    return all(name in props for name in _REQUIRED[check_kind(kind)])


def validate_edge(edge: Edge, where: str = "") -> Edge:
    """Validate an edge's id parts, kind and properties (not its endpoints' kinds)."""
    where = where or f"edge {edge.id!r}"
    check_id(edge.src, f"{where}, field src")
    check_id(edge.dst, f"{where}, field dst")
    if edge.kind not in EDGE_KINDS:
        raise InvalidInput("is not an edge kind", value=edge.kind,
                           where=f"{where} (known: {', '.join(EDGE_KINDS)})")
    props: dict[str, Any] = {}
    for name, value in edge.props.items():
        expected = EDGE_PROPS.get(name)
        if expected is None:
            raise InvalidInput("unknown edge property", value=name,
                               where=f"{where} (known: {', '.join(EDGE_PROPS)})")
        if value is None:
            continue
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, expected) or (expected is not bool and isinstance(value, bool)):
            raise InvalidInput(f"must be {expected.__name__}", value=value,
                               where=f"{where}, field {name}")
        if name == "value_wan" and value < 0:
            raise InvalidInput("must be >= 0", value=value, where=f"{where}, field {name}")
        props[name] = value
    return replace(edge, props=props)


def check_endpoint_kinds(edge: Edge, src_kind: str, dst_kind: str, where: str = "") -> None:
    """Raise unless `edge.kind` may join a `src_kind` node to a `dst_kind` node."""
    sources, targets = EDGE_KINDS[edge.kind]
    if src_kind not in sources or dst_kind not in targets:
        raise InvalidInput(
            f"cannot join {src_kind} to {dst_kind} (allowed: "
            f"{'/'.join(sources)} -> {'/'.join(targets)})",
            value=edge.kind, where=where or f"edge {edge.id!r}")
