"""schedule: validity on random instances, fixed meetings kept, every bad input."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta

import pytest

from duijie.graph.errors import InvalidInput
from duijie.matcher.scheduling import MeetingToPlace, Slot, schedule


def two_days(per_day=8, minutes=30):
    slots = []
    for day in (23, 24):
        t = datetime(2019, 5, day, 9)
        for i in range(per_day):
            slots.append(Slot(f"d{day}s{i}", t, t + timedelta(minutes=minutes)))
            t += timedelta(minutes=minutes)
    return slots


def check_valid(result, meetings, slots, tables, availability):
    by_id = {m.id: m for m in meetings}
    slot = {s.id: s for s in slots}
    seen = set()
    per_table = Counter()
    for p in result.placements:
        assert p.table in tables
        per_table[(p.slot_id, p.table)] += 1
        for person in by_id[p.meeting_id].parties:
            assert (person, p.slot_id) not in seen, f"{person} double-booked in {p.slot_id}"
            seen.add((person, p.slot_id))
            windows = availability.get(person)
            if windows is not None:
                s = slot[p.slot_id]
                assert any(a <= s.start and s.end <= b for a, b in windows)
    assert max(per_table.values(), default=0) <= 1
    placed = {p.meeting_id for p in result.placements}
    assert placed | set(result.unplaced) == set(by_id)
    assert not placed & set(result.unplaced)


@pytest.mark.parametrize("seed", range(25))
def test_random_schedules_are_valid(seed):
    rng = random.Random(seed)
    slots = two_days(per_day=6)
    tables = [f"T{i}" for i in range(rng.randint(2, 6))]
    firms = [f"ent:{i}" for i in range(10)]
    helpers = [f"exp:{j}" for j in range(8)]
    pairs = sorted({(rng.choice(firms), rng.choice(helpers)) for _ in range(30)})
    meetings = [MeetingToPlace(f"m{k}", pair) for k, pair in enumerate(pairs)]
    meetings = meetings[: len(slots) * len(tables)]
    availability = {}
    for h in helpers[:3]:  # some helpers only on the second day
        availability[h] = [(datetime(2019, 5, 24, 8), datetime(2019, 5, 24, 18))]
    load = Counter(p for m in meetings for p in m.parties)
    meetings = [m for m in meetings if all(load[p] <= 6 for p in m.parties)]
    result = schedule(meetings, slots, tables, availability)
    check_valid(result, meetings, slots, tables, availability)
    for why in result.unplaced.values():
        assert why  # every unplaced meeting has a reason


def test_enough_room_places_everything_with_few_gaps():
    slots = two_days(per_day=4)
    meetings = [MeetingToPlace(f"m{i}", ("ent:a", f"exp:{i}")) for i in range(3)]
    meetings += [MeetingToPlace(f"n{i}", ("ent:b", f"exp:{i}")) for i in range(3)]
    result = schedule(meetings, slots, ["T1", "T2"])
    assert not result.unplaced
    assert result.idle_gaps["ent:a"] == 0 and result.idle_gaps["ent:b"] == 0
    check_valid(result, meetings, slots, ["T1", "T2"], {})


def test_repair_moves_a_blocking_meeting():
    # a is free only in s0; x's meeting with b went to s0 first unless repaired
    t = datetime(2019, 5, 23, 9)
    slots = [Slot("s0", t, t + timedelta(hours=1)),
             Slot("s1", t + timedelta(hours=1), t + timedelta(hours=2))]
    meetings = [MeetingToPlace("mb", ("ent:b", "exp:x")), MeetingToPlace("ma", ("ent:a", "exp:x"))]
    avail = {"ent:a": [(t, t + timedelta(hours=1))]}
    result = schedule(meetings, slots, ["T1"], avail)
    assert {p.meeting_id: p.slot_id for p in result.placements} == {"ma": "s0", "mb": "s1"}


def test_fixed_meetings_are_kept_and_only_free_slots_filled():
    slots = two_days(per_day=3)
    meetings = [MeetingToPlace("m1", ("ent:a", "exp:x")), MeetingToPlace("m2", ("ent:a", "exp:y")),
                MeetingToPlace("m3", ("ent:b", "exp:x"))]
    result = schedule(meetings, slots, ["T1"], fixed={"m1": ("d24s2", "T1")})
    placed = {p.meeting_id: p for p in result.placements}
    assert (placed["m1"].slot_id, placed["m1"].table, placed["m1"].fixed) == ("d24s2", "T1", True)
    assert not result.unplaced
    check_valid(result, meetings, slots, ["T1"], {})


def test_unplaceable_meeting_is_reported_with_reason():
    t = datetime(2019, 5, 23, 9)
    slots = [Slot("s0", t, t + timedelta(hours=1)),
             Slot("s1", t + timedelta(hours=1), t + timedelta(hours=2))]
    avail = {"ent:a": [(t, t + timedelta(hours=1))],
             "exp:x": [(t + timedelta(hours=1), t + timedelta(hours=2))]}
    result = schedule([MeetingToPlace("m", ("ent:a", "exp:x"))], slots, ["T1"], avail)
    assert result.unplaced["m"].startswith("no common available slot")


def test_overlapping_slots_refused():
    t = datetime(2019, 5, 23, 9)
    slots = [Slot("a", t, t + timedelta(minutes=30)),
             Slot("b", t + timedelta(minutes=20), t + timedelta(minutes=50))]
    with pytest.raises(InvalidInput, match=r"slot b .*overlaps slot a"):
        schedule([], slots, ["T1"])


def test_zero_length_slot_refused():
    t = datetime(2019, 5, 23, 9)
    with pytest.raises(InvalidInput, match="zero-length"):
        schedule([], [Slot("a", t, t)], ["T1"])


def test_more_meetings_than_places_refused():
    slots = two_days(per_day=1)
    meetings = [MeetingToPlace(f"m{i}", (f"ent:{i}", f"exp:{i}")) for i in range(3)]
    with pytest.raises(InvalidInput, match=r"3 meetings requested but only 2 slots × 1 tables"
                       ) as refused:
        schedule(meetings, slots, ["T1"])
    assert refused.value.text("zh") == (  # keyed: a page or the CLI words it in Chinese
        "排期：请求 3 场会谈，但只有 2 个时段 × 1 张桌位 = 2 个位置：请增加时段或桌位，"
        "或降低每方会谈上限")


def test_participant_with_more_meetings_than_slots_refused():
    slots = two_days(per_day=1)
    meetings = [MeetingToPlace(f"m{i}", ("ent:a", f"exp:{i}")) for i in range(3)]
    with pytest.raises(InvalidInput, match="ent:a has 3 meetings but is available in 2"
                       ) as refused:
        schedule(meetings, slots, ["T1", "T2"])
    assert refused.value.text("zh") == (
        "排期：请求的会谈多于可用时段\n  ent:a 有 3 场会谈，但只在 2 个时段有空："
        "请降低其会谈上限或放宽可用时间")


def test_participant_without_availability_refused():
    slots = two_days(per_day=2)
    with pytest.raises(InvalidInput, match="'exp:x' has no availability"):
        schedule([MeetingToPlace("m", ("ent:a", "exp:x"))], slots, ["T1"], {"exp:x": []})


def test_no_tables_refused():
    with pytest.raises(InvalidInput, match="tables"):
        schedule([], two_days(1), [])


def test_schedule_is_deterministic():
    slots = two_days(per_day=5)
    rng = random.Random(1)
    meetings = [MeetingToPlace(f"m{k}", (f"ent:{rng.randint(0, 5)}", f"exp:{k % 7}"))
                for k in range(20)]
    first = schedule(meetings, slots, ["T1", "T2", "T3"])
    assert schedule(meetings, slots, ["T1", "T2", "T3"]) == first
