"""The product's vocabularies, written once: the model validates against them, the
matcher and the application use them, the CLI offers them as choices.

Each is a `StrEnum`, so a member is its string (``EventType.FAIR == "fair"``) and JSON
holds plain strings. Labels for people are here too, in Chinese and English.

>>> [s.value for s in OutcomeStage]
['post_event', 'm1', 'm3', 'm6', 'm12']
>>> list(LedgerStep).index("signed") > list(LedgerStep).index("letter_of_intent")
True
>>> kind_label("Institute"), kind_label("Institute", "en")
('院所', 'institute')
"""

from __future__ import annotations

from enum import StrEnum

DEFAULT_MAX_MEETINGS = 3
"""Meetings a participant takes when neither the event nor the participant says."""

DEFAULT_MIN_SCORE = 0.3
"""The weakest match score an event's planner proposes as a meeting."""


class Confidentiality(StrEnum):
    """Who may see a record: everyone, staff of the office, or named roles only."""

    PUBLIC = "public"
    INTERNAL = "internal"
    CONFIDENTIAL = "confidential"  # trade secrets in a need: owner and its broker only


class NeedStatus(StrEnum):
    SUBMITTED = "submitted"
    MATCHED = "matched"
    MET = "met"
    SIGNED = "signed"
    NOT_PURSUED = "not_pursued"
    FOLLOWED_UP = "followed_up"


NEED_PROGRESS = {NeedStatus.SUBMITTED: 0, NeedStatus.FOLLOWED_UP: 0, NeedStatus.MATCHED: 1,
                 NeedStatus.MET: 2, NeedStatus.SIGNED: 3}
"""How far a need has come; a need never moves back (not_pursued stands apart)."""


class NeedType(StrEnum):
    TECHNOLOGY = "technology"  # 技术需求
    PROBLEM = "problem"  # 问题与困难, for a department to solve
    POLICY = "policy"  # 政策咨询
    FINANCING = "financing"  # 融资
    TALENT = "talent"  # 人才


class EventType(StrEnum):
    DOCKING_TRIP = "docking_trip"
    FAIR = "fair"
    EXPERT_VISIT = "expert_visit"
    SERVICE_EVENT = "service_event"
    TALENT_MATCHING = "talent_matching"
    CONFERENCE = "conference"
    OTHER = "other"


class EventStatus(StrEnum):
    PLANNED = "planned"
    PUBLISHED = "published"
    HELD = "held"
    CLOSED = "closed"


class FigureQualifier(StrEnum):
    """How exact a published figure is, as the document words it."""

    EXACT = "exact"  # 11家
    MORE_THAN = "more_than"  # 40余名, 10多项, 300多个
    NEARLY = "nearly"  # 近20个, 近百条, 近千名
    ABOUT = "about"  # 约


def figure_text(value: float, qualifier: str, lang: str = "zh") -> str:
    """A published figure with its qualifier, as a person reads it.

    >>> figure_text(40, "more_than"), figure_text(20, "nearly"), figure_text(11, "exact")
    ('40余', '近20', '11')
    >>> figure_text(40, "more_than", "en"), figure_text(20, "nearly", "en")
    ('more than 40', 'nearly 20')
    """
    number = f"{value:g}"
    if lang == "en":
        return {"more_than": f"more than {number}", "nearly": f"nearly {number}",
                "about": f"about {number}"}.get(qualifier, number)
    return {"more_than": f"{number}余", "nearly": f"近{number}",
            "about": f"约{number}"}.get(qualifier, number)


ILLUSTRATIVE_LABEL = {"zh": "示意", "en": "illustrative"}
"""How a record flagged `illustrative` (invented for the demo) is marked wherever a
person reads it."""


def illustrative_mark(illustrative: object, lang: str = "zh") -> str:
    """The mark shown after an invented record's name ('' for a real one).

    >>> illustrative_mark(True), illustrative_mark(True, "en"), illustrative_mark(False)
    ('（示意）', ' (illustrative)', '')
    """
    if not illustrative:
        return ""
    return " (illustrative)" if lang == "en" else "（示意）"


class PairRuleKind(StrEnum):
    """What an organiser records about one firm–helper pair of an event."""

    REQUEST = "request"
    DECLINE = "decline"
    PIN = "pin"
    FORBID = "forbid"
    MET_BEFORE = "met_before"


class RequestStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class MeetingStatus(StrEnum):
    PROPOSED = "proposed"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    LOCKED = "locked"
    HELD = "held"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


FIXED_MEETINGS = (MeetingStatus.LOCKED, MeetingStatus.PUBLISHED, MeetingStatus.HELD)
"""Meetings a re-plan keeps, slot and all."""

DONE_MEETINGS = (MeetingStatus.NO_SHOW, MeetingStatus.CANCELLED)
"""Meetings kept as records whose pair is not proposed again."""

REPLACEABLE_MEETINGS = (MeetingStatus.PROPOSED, MeetingStatus.SCHEDULED)
"""Meetings a re-plan may replace (when nothing was recorded on them)."""


class MeetingSource(StrEnum):
    PLANNED = "planned"
    PINNED = "pinned"
    REQUESTED = "requested"
    LOCKED = "locked"
    ALTERNATE = "alternate"


class OutcomeStage(StrEnum):
    """When an outcome is recorded: after the event, then check-ins at 1/3/6/12 months."""

    POST_EVENT = "post_event"
    M1 = "m1"
    M3 = "m3"
    M6 = "m6"
    M12 = "m12"


class LedgerStep(StrEnum):
    """The cooperation ledger, in order: each step implies the ones before."""

    NO_CONTACT = "no_contact"
    NEGOTIATING = "negotiating"
    LETTER_OF_INTENT = "letter_of_intent"
    SIGNED = "signed"
    REGISTERED = "registered"
    FUNDED = "funded"


class ReasonCode(StrEnum):
    """Why a pair did not go on."""

    TOO_EARLY = "too_early"
    UNCLEAR_BENEFIT = "unclear_benefit"
    PRICE = "price"
    NO_CAPACITY = "no_capacity"
    NO_SHOW = "no_show"
    NOT_RELEVANT = "not_relevant"
    OTHER = "other"


class MatchReason(StrEnum):
    """Why a pair fits: the code of a structured reason ``{"code", "values", "ids"}`` on a
    recommendation or a meeting, read by people through the message key
    ``reason_<code>`` in Chinese or English (`api.services.reasons`)."""

    TEXT_MATCH = "text_match"  # values: terms (the need's words the profile matched)
    SHARED_TOPIC = "shared_topic"  # topic
    AFFILIATION_TOPIC = "affiliation_topic"  # org, topic
    WORKED_TOGETHER = "worked_together"  # the firm (or need) and the helper, on record
    PARTNER_LINK = "partner_link"  # partner: someone the firm worked with
    INDUSTRY = "industry"  # industry: the firm's, which the candidate serves
    INDUSTRY_PEER = "industry_peer"  # firm, industry: another firm of the same industry
    SAME_REGION = "same_region"  # region
    STAND_IN = "stand_in"  # meeting: the no-show meeting an alternate replaces
    RECORDED_MEETING = "recorded_meeting"  # a meeting of the record, replayed
    NOTE = "note"  # text: a reason stored as words before reasons had codes
    SIMILAR_MEANING = "similar_meaning"  # close by meaning (stored embeddings), no values


PARTY_REASONS = frozenset({
    MatchReason.TEXT_MATCH, MatchReason.SHARED_TOPIC, MatchReason.AFFILIATION_TOPIC,
    MatchReason.WORKED_TOGETHER, MatchReason.INDUSTRY, MatchReason.SAME_REGION,
    MatchReason.STAND_IN, MatchReason.RECORDED_MEETING, MatchReason.SIMILAR_MEANING})
"""The reasons a firm or an expert is shown: none names another firm or a firm's
partners, or repeats words stored before reasons had codes (organisers see them all)."""


REASON_MESSAGES = {
    "zh": {"text_match": "文本匹配：{terms}", "shared_topic": "共同主题：{topic}",
           "affiliation_topic": "所在单位{org}从事{topic}",
           "worked_together": "双方曾有合作", "partner_link": "曾与企业的合作方{partner}合作",
           "industry": "面向{industry}行业",
           "industry_peer": "曾与同行业（{industry}）的{firm}合作",
           "same_region": "同在{region}", "stand_in": "替补：{meeting} 未到场",
           "recorded_meeting": "记录中的实际对接", "note": "{text}",
           "similar_meaning": "与需求意思相近（语义匹配）"},
    "en": {"text_match": "Matched words: {terms}", "shared_topic": "Shared topic: {topic}",
           "affiliation_topic": "Works at {org}, which works on {topic}",
           "worked_together": "They have worked together before",
           "partner_link": "Has worked with {partner}, a partner of the firm",
           "industry": "Serves the {industry} industry",
           "industry_peer": "Has worked with {firm}, a firm of the same industry ({industry})",
           "same_region": "Both in {region}", "stand_in": "Stands in: {meeting} did not come",
           "recorded_meeting": "A meeting on record",
           "note": "An earlier reason, recorded in Chinese (switch to 中文 to read it)",
           "similar_meaning": "Close in meaning to the need (semantic match)"},
}
"""The message of each `MatchReason` code (key ``reason_<code>`` in the pages' words),
filled with the reason's values: names as stored, lists joined in the language's way."""


def values(vocabulary: type[StrEnum]) -> tuple[str, ...]:
    """The plain strings of a vocabulary, in order (for `Literal[...]` and CLI choices).

    >>> values(RequestStatus)
    ('pending', 'accepted', 'declined')
    """
    return tuple(member.value for member in vocabulary)


KIND_LABELS = {
    "zh": {"Enterprise": "企业", "Need": "需求", "Institute": "院所", "Expert": "专家",
           "Programme": "政策项目", "Event": "活动", "Meeting": "会谈", "Outcome": "结果",
           "Topic": "主题", "Industry": "行业", "Region": "地区",
           "Official": "联系干部", "Theme": "榜单主题",
           "RoutingTable": "分办规则"},
    "en": {"Enterprise": "enterprise", "Need": "need", "Institute": "institute",
           "Expert": "expert", "Programme": "programme", "Event": "event",
           "Meeting": "meeting", "Outcome": "outcome", "Topic": "topic",
           "Industry": "industry", "Region": "region", "Official": "official",
           "Theme": "challenge theme", "RoutingTable": "routing table"},
}

NEED_STATUS_LABELS = {
    "zh": {"submitted": "已提交", "followed_up": "已跟进", "matched": "已匹配", "met": "已对接",
           "signed": "签约", "not_pursued": "未继续"},
    "en": {"submitted": "submitted", "followed_up": "followed up", "matched": "matched",
           "met": "met", "signed": "signed", "not_pursued": "not pursued"},
}


def kind_label(kind: str, lang: str = "zh") -> str:
    """A node kind as a person reads it; an unknown kind shows as itself."""
    return KIND_LABELS.get(lang, KIND_LABELS["zh"]).get(kind, kind)


EDGE_LABELS = {
    "zh": {"submitted": "提交", "affiliated_with": "任职于", "has_expertise": "擅长领域",
           "about_topic": "涉及领域", "in_industry": "所属行业", "located_in": "位于",
           "part_of": "隶属", "collaborated_with": "合作过", "participated_in": "参加",
           "supports": "支持", "awarded": "获得认定", "eligible_for": "符合条件",
           "met": "洽谈", "signed": "签约", "has_meeting": "安排洽谈", "involves": "涉及",
           "has_outcome": "成效", "organised_by": "主办",
           "applied_for": "已申报", "contact_for": "联系服务"},
}


def edge_label(kind: str, lang: str = "zh") -> str:
    """An edge kind as a person reads it (Chinese; other languages show the kind itself).

    >>> edge_label("signed"), edge_label("signed", "en")
    ('签约', 'signed')
    """
    return EDGE_LABELS.get(lang, {}).get(kind, kind)


class ProblemState(StrEnum):
    """Where a problem stands in the ledger (台账), in order; derived from its record."""

    UNASSIGNED = "unassigned"  # no responsible department yet
    ASSIGNED = "assigned"  # a department (and perhaps a person) answers for it
    IN_PROGRESS = "in_progress"  # dated steps recorded (协调推进)
    ANSWERED = "answered"  # an answer recorded, the firm has not seen it yet
    CLOSED = "closed"  # 销号: the answer recorded and seen by the firm


PROBLEM_NEED_TYPES = (NeedType.PROBLEM, NeedType.POLICY, NeedType.FINANCING, NeedType.TALENT)
"""Need types that are problems for a department to answer, not technology to match."""

PROBLEM_LABELS = {
    "zh": {"unassigned": "待分办", "assigned": "已交办", "in_progress": "办理中",
           "answered": "已答复", "closed": "已销号", "problem": "问题", "policy": "政策",
           "financing": "融资", "talent": "人才", "technology": "技术"},
    "en": {"unassigned": "unassigned", "assigned": "assigned", "in_progress": "in progress",
           "answered": "answered", "closed": "closed", "problem": "problem",
           "policy": "policy", "financing": "financing", "talent": "talent",
           "technology": "technology"},
}


def problem_label(value: str, lang: str = "zh") -> str:
    """A problem state or need type as a person reads it.

    >>> problem_label("closed"), problem_label("financing", "en")
    ('已销号', 'financing')
    """
    return PROBLEM_LABELS.get(lang, PROBLEM_LABELS["zh"]).get(value, value)
