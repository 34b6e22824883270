"""Put planned meetings into time slots and tables (`schedule`).

Nobody is in two places at once, availability windows hold, a slot never has
more meetings than tables, and each participant's day has few idle gaps. The
method is a deterministic greedy with repair: the most constrained meeting goes
first into the slot that sits next to its participants' other meetings
(earliest on ties); a meeting that finds no slot tries to move one blocking
meeting elsewhere. Fixed (locked or published) meetings never move, so a
re-run after changes only fills free slots. What cannot be placed is reported
with the reason.

>>> from datetime import datetime as dt
>>> slots = [Slot("s1", dt(2019, 5, 23, 9), dt(2019, 5, 23, 9, 30)),
...          Slot("s2", dt(2019, 5, 23, 9, 30), dt(2019, 5, 23, 10))]
>>> meetings = [MeetingToPlace("m1", ("ent:a", "exp:x")), MeetingToPlace("m2", ("ent:a", "exp:y"))]
>>> result = schedule(meetings, slots, tables=["T1"])
>>> [(p.meeting_id, p.slot_id, p.table) for p in result.placements]
[('m1', 's1', 'T1'), ('m2', 's2', 'T1')]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise
from typing import Any

from duijie.graph.errors import InvalidInput, Said, at
from duijie.matcher.notes import note

Window = tuple[datetime, datetime]


@dataclass(frozen=True)
class Slot:
    id: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class MeetingToPlace:
    """A planned pair (or group) to schedule; `parties` are participant ids."""

    id: str
    parties: tuple[str, ...]


@dataclass(frozen=True)
class Placement:
    meeting_id: str
    slot_id: str
    table: str
    start: datetime
    end: datetime
    fixed: bool = False


@dataclass
class Schedule:
    placements: list[Placement]
    unplaced: dict[str, str]  # meeting id -> why it has no slot
    idle_gaps: dict[str, int] = field(default_factory=dict)  # participant -> empty slots between

    @property
    def total_idle_gaps(self) -> int:
        return sum(self.idle_gaps.values())

    def to_dict(self, names: Mapping[str, str] | None = None) -> dict[str, Any]:
        """JSON-safe: placements with the meeting's name (from `names`, else None),
        what could not be placed and why, idle gaps in all and per participant.

        >>> from datetime import datetime as dt
        >>> at = Placement("mtg:1", "s1", "T1", dt(2019, 5, 23, 9), dt(2019, 5, 23, 9, 30))
        >>> Schedule([at], {}).to_dict({"mtg:1": "甲 × 李"})["placements"][0]["meeting_name"]
        '甲 × 李'
        """
        names = names or {}
        return {
            "placements": [{"meeting": p.meeting_id, "meeting_name": names.get(p.meeting_id),
                            "slot": p.slot_id, "table": p.table, "start": p.start.isoformat(),
                            "end": p.end.isoformat(), "fixed": p.fixed}
                           for p in self.placements],
            "unplaced": dict(self.unplaced),
            "unplaced_names": {m: names.get(m) for m in self.unplaced},
            "idle_gaps": self.total_idle_gaps,
            "idle_gaps_by_participant": dict(self.idle_gaps),
        }


def validate_slots(slots: Sequence[Slot]) -> list[Slot]:
    """Slots sorted by start; zero-length, overlapping or duplicate slots are refused.

    >>> from datetime import datetime as dt
    >>> validate_slots([Slot("a", dt(2019, 5, 23, 9), dt(2019, 5, 23, 9))])
    Traceback (most recent call last):
    ...
    duijie.graph.errors.InvalidInput: slot a: is zero-length or ends before it starts \
(2019-05-23 09:00 to 2019-05-23 09:00)
    """
    if not slots:
        raise InvalidInput(key="schedule.no_slots", where=at("where.schedule"))
    seen = set()
    for s in slots:
        if s.id in seen:
            raise InvalidInput(key="schedule.slot_twice", value=s.id, where=at("where.schedule"))
        seen.add(s.id)
        if s.end <= s.start:
            raise InvalidInput(key="schedule.slot_backwards", params={
                "start": f"{s.start:%Y-%m-%d %H:%M}", "end": f"{s.end:%Y-%m-%d %H:%M}"},
                where=at("where.slot", id=s.id))
    ordered = sorted(slots, key=lambda s: (s.start, s.end, s.id))
    for a, b in pairwise(ordered):
        if b.start < a.end:
            raise InvalidInput(key="schedule.slot_overlap", params={
                "other": a.id, "start": f"{a.start:%H:%M}", "end": f"{a.end:%H:%M}"},
                where=at("where.slot", id=f"{b.id} ({b.start:%H:%M}-{b.end:%H:%M})"))
    return ordered


def _available(slots: list[Slot], meetings: Sequence[MeetingToPlace],
               availability: Mapping[str, Iterable[Window]]) -> dict[str, set[int]]:
    people = sorted({p for m in meetings for p in m.parties})
    out: dict[str, set[int]] = {}
    for p in people:
        if p not in availability:
            out[p] = set(range(len(slots)))
            continue
        windows = list(availability[p])
        if not windows:
            raise InvalidInput(key="schedule.no_availability", value=p,
                               where=at("where.schedule"))
        out[p] = {i for i, s in enumerate(slots)
                  if any(w0 <= s.start and s.end <= w1 for w0, w1 in windows)}
    return out


def schedule(meetings: Sequence[MeetingToPlace], slots: Sequence[Slot], tables: Sequence[str],
             availability: Mapping[str, Iterable[Window]] | None = None,
             fixed: Mapping[str, tuple[str, str]] | None = None) -> Schedule:
    """Assign each meeting a slot and a table.

    Parameters
    ----------
    meetings : sequence of MeetingToPlace
    slots : sequence of Slot
        Non-overlapping, non-empty time slots (over one or several days).
    tables : sequence of str
        Table or room names; each holds one meeting per slot.
    availability : mapping participant id -> list of (start, end) windows, optional
        Participants not listed are available in every slot; an empty list is an error.
    fixed : mapping meeting id -> (slot id, table), optional
        Locked or published placements kept as they are.

    Returns
    -------
    Schedule
        Placements sorted by slot then table, unplaced meetings with reasons,
        idle gaps per participant.

    Raises
    ------
    InvalidInput
        Bad slots, no tables, a participant without availability, more meetings
        than slots × tables or than a participant's available slots, a fixed
        placement that clashes.

    Examples
    --------
    >>> from datetime import datetime as dt
    >>> slots = [Slot(f"s{i}", dt(2019, 5, 23, 9 + i), dt(2019, 5, 23, 10 + i)) for i in range(3)]
    >>> ms = [MeetingToPlace("m1", ("a", "x")), MeetingToPlace("m2", ("a", "y"))]
    >>> r = schedule(ms, slots, ["T1"], availability={"a": [(dt(2019, 5, 23, 10),
    ...                                                      dt(2019, 5, 23, 12))]})
    >>> [p.slot_id for p in r.placements], r.total_idle_gaps
    (['s1', 's2'], 0)
    """
    ordered = validate_slots(slots)
    if not tables or len(set(tables)) != len(tables):
        raise InvalidInput(key="schedule.no_tables", value=list(tables),
                           where=at("where.schedule"))
    ids = [m.id for m in meetings]
    if len(set(ids)) != len(ids):
        raise InvalidInput(key="schedule.meeting_twice", where=at("where.schedule"))
    fixed = dict(fixed or {})
    n_slots, n_tables = len(ordered), len(tables)
    if len(meetings) > n_slots * n_tables:
        raise InvalidInput(key="schedule.too_many", params={
            "meetings": len(meetings), "slots": n_slots, "tables": n_tables,
            "places": n_slots * n_tables}, where=at("where.schedule"))
    avail = _available(ordered, meetings, availability or {})
    load: dict[str, int] = defaultdict(int)
    for m in meetings:
        for p in m.parties:
            load[p] += 1
    problems = [Said("schedule.party_overbooked", party=p, meetings=n, slots=len(avail[p]))
                for p, n in sorted(load.items()) if n > len(avail[p])]
    if problems:
        raise InvalidInput(key="schedule.more_than_slots", where=at("where.schedule"),
                           problems=problems)
    index = {s.id: i for i, s in enumerate(ordered)}
    by_id = {m.id: m for m in meetings}
    busy: dict[str, dict[int, str]] = defaultdict(dict)  # participant -> slot -> meeting
    in_slot: dict[int, list[str]] = defaultdict(list)
    where_: dict[str, int] = {}
    table_of: dict[str, str] = {}

    def put(mid: str, i: int) -> None:
        where_[mid] = i
        in_slot[i].append(mid)
        for p in by_id[mid].parties:
            busy[p][i] = mid

    def take(mid: str) -> None:
        i = where_.pop(mid)
        in_slot[i].remove(mid)
        for p in by_id[mid].parties:
            del busy[p][i]

    for mid, (slot_id, table) in sorted(fixed.items()):
        if mid not in by_id:
            continue  # a fixed meeting dropped from the plan: nothing to keep
        if slot_id not in index or table not in tables:
            raise InvalidInput(key="schedule.fixed_unknown",
                               params={"slot": slot_id, "table": table}, value=mid,
                               where=at("where.schedule"))
        i = index[slot_id]
        clash = [p for p in by_id[mid].parties if i in busy[p]]
        if clash or table in {table_of[o] for o in in_slot[i]}:
            raise InvalidInput(key="schedule.fixed_clash",
                               params={"slot": slot_id, "table": table,
                                       "clash": clash or [Said("schedule.same_table")]},
                               value=mid, where=at("where.schedule"))
        put(mid, i)
        table_of[mid] = table

    def same_day(i: int, j: int) -> bool:
        return ordered[i].start.date() == ordered[j].start.date()

    def open_slots(m: MeetingToPlace) -> list[int]:
        common = set.intersection(*(avail[p] for p in m.parties))
        return sorted(i for i in common if len(in_slot[i]) < n_tables
                      and not any(i in busy[p] for p in m.parties))

    def closeness(m: MeetingToPlace, i: int) -> tuple[int, int]:
        near = sum(1 for p in m.parties for j in (i - 1, i + 1)
                   if j in busy[p] and 0 <= j < n_slots and same_day(i, j))
        return (-near, i)

    todo = [m for m in meetings if m.id not in where_]
    todo.sort(key=lambda m: (len(set.intersection(*(avail[p] for p in m.parties))),
                             -sum(load[p] for p in m.parties), m.id))
    unplaced: dict[str, str] = {}
    for m in todo:
        options = open_slots(m)
        if options:
            put(m.id, min(options, key=lambda i: closeness(m, i)))
        elif not _repair(m, by_id, avail, busy, in_slot, where_, fixed, n_tables, put, take,
                         open_slots):
            unplaced[m.id] = _why(m, avail, busy, in_slot, n_tables)
    _compact(ordered, [m for m in meetings if m.id in where_ and m.id not in fixed], busy,
             where_, open_slots, put, take)
    placements = _tables(ordered, in_slot, tables, table_of, by_id, set(fixed))
    return Schedule(placements=placements, unplaced=unplaced,
                    idle_gaps=idle_gaps(ordered, busy))


def _gaps_of(ordered: Sequence[Slot], used: Iterable[int]) -> int:
    days: dict[object, list[int]] = defaultdict(list)
    for i in used:
        days[ordered[i].start.date()].append(i)
    return sum(max(idx) - min(idx) + 1 - len(idx) for idx in days.values())


def _compact(ordered, movable, busy, where_, open_slots, put, take, passes: int = 5) -> None:
    """Single moves that lower the idle gaps of a meeting's participants, until none helps."""
    for _ in range(passes):
        improved = False
        for m in movable:
            here = where_[m.id]
            options = open_slots(m)
            if not options:
                continue
            before = sum(_gaps_of(ordered, busy[p]) for p in m.parties)
            best, best_gain = None, 0
            for j in options:
                gain = before - sum(_gaps_of(ordered, (set(busy[p]) - {here}) | {j})
                                    for p in m.parties)
                if gain > best_gain:
                    best, best_gain = j, gain
            if best is not None:
                take(m.id)
                put(m.id, best)
                improved = True
        if not improved:
            return


def _repair(m, by_id, avail, busy, in_slot, where_, fixed, n_tables, put, take,
            open_slots) -> bool:
    """Move one blocking meeting to another slot so that `m` fits; True on success."""
    common = sorted(set.intersection(*(avail[p] for p in m.parties)))
    for i in common:
        blockers = {busy[p][i] for p in m.parties if i in busy[p]}
        if not blockers and len(in_slot[i]) >= n_tables:
            blockers = set(in_slot[i])  # a full slot: any one meeting may move out
            for b in sorted(blockers):
                if b in fixed:
                    continue
                if _move(b, i, by_id, open_slots, take, put):
                    put(m.id, i)
                    return True
            continue
        if len(blockers) != 1 or next(iter(blockers)) in fixed:
            continue
        b = next(iter(blockers))
        take(b)
        if not any(i in busy[p] for p in m.parties) and len(in_slot[i]) < n_tables:
            put(m.id, i)
            targets = [j for j in open_slots(by_id[b]) if j != i]
            if targets:
                put(b, targets[0])
                return True
            take(m.id)
        put(b, i)
    return False


def _move(b, i, by_id, open_slots, take, put) -> bool:
    take(b)
    targets = [j for j in open_slots(by_id[b]) if j != i]
    if targets:
        put(b, targets[0])
        return True
    put(b, i)
    return False


def _why(m, avail, busy, in_slot, n_tables) -> str:
    common = set.intersection(*(avail[p] for p in m.parties))
    if not common:
        return note("no_common_slot", parties=" and ".join(m.parties))
    if all(len(in_slot[i]) >= n_tables for i in common):
        return note("tables_full", count=len(common))
    return note("double_booking", count=len(common), parties=" / ".join(m.parties))


def _tables(ordered, in_slot, tables, table_of, by_id, fixed_ids) -> list[Placement]:
    """Give tables slot by slot; a helper keeps its table when it can (firms rotate)."""
    last_table: dict[str, str] = {}
    out = []
    for i, slot in enumerate(ordered):
        mids = sorted(in_slot.get(i, []))
        used = {table_of[mid] for mid in mids if mid in table_of}
        for mid in mids:
            if mid not in table_of:
                keep = last_table.get(by_id[mid].parties[-1])
                choice = keep if keep and keep not in used else next(
                    t for t in tables if t not in used)
                table_of[mid] = choice
                used.add(choice)
            last_table[by_id[mid].parties[-1]] = table_of[mid]
            out.append(Placement(mid, slot.id, table_of[mid], slot.start, slot.end,
                                 fixed=mid in fixed_ids))
    out.sort(key=lambda p: (p.start, tables.index(p.table)))
    return out


def idle_gaps(ordered: Sequence[Slot], busy: Mapping[str, Mapping[int, str]]) -> dict[str, int]:
    """Per participant, the empty slots between its first and last meeting of each day."""
    out = {}
    for p, used in busy.items():
        days: dict[object, list[int]] = defaultdict(list)
        for i in used:
            days[ordered[i].start.date()].append(i)
        gaps = 0
        for idx in days.values():
            gaps += max(idx) - min(idx) + 1 - len(idx)
        out[p] = gaps
    return dict(sorted(out.items()))
